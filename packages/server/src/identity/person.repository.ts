import { PostgresAdapter, type Insertable } from 'kysely';
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

/**
 * Run `work` in a transaction that holds the person's row, so two requests changing the
 * person's sign-in methods run one after the other. SQLite transactions already do.
 */
export async function withPersonLocked<T>(
  db: Db,
  personId: string,
  work: (trx: Db, person: PersonRow | undefined) => Promise<T>,
): Promise<T> {
  const isPostgres = db.getExecutor().adapter instanceof PostgresAdapter;
  return db.transaction().execute(async (trx) => {
    const person = await trx
      .selectFrom('people')
      .selectAll()
      .where('id', '=', personId)
      .$if(isPostgres, (query) => query.forUpdate())
      .executeTakeFirst();
    return work(trx, person);
  });
}
