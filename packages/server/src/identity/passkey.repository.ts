import type { Insertable } from 'kysely';
import type { Db } from '../database';
import type { PasskeyRow, PasskeysTable, PeopleTable } from './identity.table';

export async function insertPasskey(db: Db, passkey: Insertable<PasskeysTable>): Promise<void> {
  await db.insertInto('passkeys').values(passkey).execute();
}

export async function findPasskey(db: Db, id: string): Promise<PasskeyRow | undefined> {
  return db.selectFrom('passkeys').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listPasskeysOfPerson(db: Db, personId: string): Promise<PasskeyRow[]> {
  return db.selectFrom('passkeys').selectAll().where('person_id', '=', personId).orderBy('created_at').orderBy('id').execute();
}

export async function countPasskeysOfPerson(db: Db, personId: string): Promise<number> {
  const row = await db
    .selectFrom('passkeys')
    .select((eb) => eb.fn.countAll<number | string>().as('count'))
    .where('person_id', '=', personId)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/**
 * Record a successful assertion, in one statement that also enforces the signature counter:
 * it must grow, unless the authenticator keeps none (always 0, as synced passkeys do).
 * False when another use of the same counter value got there first (a cloned key).
 */
export async function recordPasskeyUse(db: Db, use: { id: string; counter: number; usedAt: number }): Promise<boolean> {
  const result = await db
    .updateTable('passkeys')
    .set({ counter: use.counter, last_used_at: use.usedAt })
    .where('id', '=', use.id)
    .where('counter', use.counter === 0 ? '=' : '<', use.counter)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function deletePasskeyOfPerson(db: Db, personId: string, id: string): Promise<number> {
  const result = await db.deleteFrom('passkeys').where('id', '=', id).where('person_id', '=', personId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** A passkey sign-up: the person and their first passkey, both or neither. */
export async function insertPersonWithPasskey(
  db: Db,
  rows: { person: Insertable<PeopleTable>; passkey: Insertable<PasskeysTable> },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('people').values(rows.person).execute();
    await trx.insertInto('passkeys').values(rows.passkey).execute();
  });
}
