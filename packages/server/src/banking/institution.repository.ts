import type { Db } from '../database';
import type { InstitutionRow } from './banking.table';
import { fixedQuery } from '../platform/db/fixed-query';

export async function insertInstitution(db: Db, row: InstitutionRow): Promise<void> {
  await db.insertInto('institutions').values(row).execute();
}

/** Update what an operator may change about a bank (same issuer). */
export async function updateInstitution(db: Db, row: InstitutionRow): Promise<void> {
  const { id: _id, created_at: _created, ...changes } = row;
  await db.updateTable('institutions').set(changes).where('id', '=', row.id).execute();
}

// Every read through the gate looks its bank up: compiled once (platform/db/fixed-query.ts).
const institutionById = fixedQuery((db: Db, id: string) => db.selectFrom('institutions').selectAll().where('id', '=', id));

export async function findInstitution(db: Db, id: string): Promise<InstitutionRow | undefined> {
  return (await institutionById(db, id))[0];
}

export async function findInstitutionByIssuer(db: Db, issuer: string): Promise<InstitutionRow | undefined> {
  return db.selectFrom('institutions').selectAll().where('issuer', '=', issuer).executeTakeFirst();
}

export async function listInstitutions(db: Db): Promise<InstitutionRow[]> {
  return db.selectFrom('institutions').selectAll().orderBy('name').orderBy('id').execute();
}
