import type { Insertable } from 'kysely';
import type { Db } from '../database';
import type { SessionRow, SessionsTable } from './identity.table';
import { fixedQuery } from '../platform/db/fixed-query';

export async function insertSession(db: Db, session: Insertable<SessionsTable>): Promise<void> {
  await db.insertInto('sessions').values(session).execute();
}

// Every cookie-authenticated request reads and touches its session: compiled once (platform/db/fixed-query.ts).
const sessionById = fixedQuery((db: Db, id: string) => db.selectFrom('sessions').selectAll().where('id', '=', id));
const touch = fixedQuery((db: Db, id: string, lastSeenAt: number) => db.updateTable('sessions').set({ last_seen_at: lastSeenAt }).where('id', '=', id));

export async function findSession(db: Db, id: string): Promise<SessionRow | undefined> {
  return (await sessionById(db, id))[0];
}

export async function touchSession(db: Db, id: string, lastSeenAt: number): Promise<void> {
  await touch(db, id, lastSeenAt);
}

export async function deleteSession(db: Db, id: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', id).execute();
}

export async function deleteSessionOfPerson(db: Db, personId: string, id: string): Promise<number> {
  const result = await db.deleteFrom('sessions').where('id', '=', id).where('person_id', '=', personId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function deleteSessionsOfPerson(db: Db, personId: string): Promise<void> {
  await db.deleteFrom('sessions').where('person_id', '=', personId).execute();
}

export async function listSessionsOfPerson(db: Db, personId: string): Promise<SessionRow[]> {
  return db.selectFrom('sessions').selectAll().where('person_id', '=', personId).orderBy('last_seen_at', 'desc').execute();
}

export async function findSessions(db: Db, ids: readonly string[]): Promise<SessionRow[]> {
  return db.selectFrom('sessions').selectAll().where('id', 'in', ids).execute();
}

export async function touchSessions(db: Db, ids: readonly string[], lastSeenAt: number): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: lastSeenAt }).where('id', 'in', ids).execute();
}
