import type { Db } from '../database';
import type { LinkSessionRow } from './banking.table';

export async function insertLinkSession(db: Db, row: LinkSessionRow): Promise<void> {
  await db.insertInto('link_sessions').values(row).execute();
}

/** Take a link session: it is deleted as it is read, so a state works once. */
export async function takeLinkSession(db: Db, state: string): Promise<LinkSessionRow | undefined> {
  const row = await db.selectFrom('link_sessions').selectAll().where('state', '=', state).executeTakeFirst();
  if (!row) return undefined;
  const deleted = await db.deleteFrom('link_sessions').where('state', '=', state).executeTakeFirst();
  // Two callbacks with the same state: only the one that deleted the row goes on.
  return deleted.numDeletedRows > 0n ? row : undefined;
}

export async function deleteExpiredLinkSessions(db: Db, now: number): Promise<void> {
  await db.deleteFrom('link_sessions').where('expires_at', '<=', now).execute();
}
