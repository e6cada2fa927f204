import type { Db } from '../database';
import type { InstitutionRow } from './banking.table';

export async function insertInstitution(db: Db, row: InstitutionRow): Promise<void> {
  await db.insertInto('institutions').values(row).execute();
}

/** Update what an operator may change about a bank (same issuer). */
export async function updateInstitution(db: Db, row: InstitutionRow): Promise<void> {
  const { id: _id, created_at: _created, ...changes } = row;
  await db.updateTable('institutions').set(changes).where('id', '=', row.id).execute();
}

export async function findInstitution(db: Db, id: string): Promise<InstitutionRow | undefined> {
  return db.selectFrom('institutions').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findInstitutionByIssuer(db: Db, issuer: string): Promise<InstitutionRow | undefined> {
  return db.selectFrom('institutions').selectAll().where('issuer', '=', issuer).executeTakeFirst();
}

export async function listInstitutions(db: Db): Promise<InstitutionRow[]> {
  return db.selectFrom('institutions').selectAll().orderBy('name').orderBy('id').execute();
}
