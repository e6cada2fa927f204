import type { Insertable } from 'kysely';
import type { Db } from '../database';
import type { PeopleTable, PersonRow } from './identity.table';

export async function insertPerson(db: Db, person: Insertable<PeopleTable>): Promise<void> {
  await db.insertInto('people').values(person).execute();
}

export async function findPersonByEmail(db: Db, email: string): Promise<PersonRow | undefined> {
  return db.selectFrom('people').selectAll().where('email', '=', email).executeTakeFirst();
}

export async function findPersonById(db: Db, id: string): Promise<PersonRow | undefined> {
  return db.selectFrom('people').selectAll().where('id', '=', id).executeTakeFirst();
}
