import type { Insertable } from 'kysely';
import type { Db } from '../database';
import type { InboxRevealRow, InboxRevealsTable } from './inbox.table';

export async function insertReveal(db: Db, row: Insertable<InboxRevealsTable>): Promise<void> {
  await db.insertInto('inbox_reveals').values(row).execute();
}

export async function listReveals(db: Db, businessId: string, conversationId: string): Promise<InboxRevealRow[]> {
  return db
    .selectFrom('inbox_reveals')
    .selectAll()
    .where('business_id', '=', businessId)
    .where('conversation_id', '=', conversationId)
    .orderBy('created_at')
    .orderBy('id')
    .limit(200)
    .execute();
}

/** The reveal request if it was asked in one of this person's conversations. */
export async function findRevealOfPerson(db: Db, revealId: string, personId: string): Promise<InboxRevealRow | undefined> {
  return db
    .selectFrom('inbox_reveals as r')
    .innerJoin('conversations as c', 'c.id', 'r.conversation_id')
    .selectAll('r')
    .where('r.id', '=', revealId)
    .where('c.person_id', '=', personId)
    .executeTakeFirst();
}

/** Record the person's answer once: false when it was already answered. */
export async function decideReveal(
  db: Db,
  options: { id: string; set: Pick<InboxRevealRow, 'status' | 'value_sealed' | 'value_consent_id' | 'reason' | 'decided_at'> },
): Promise<boolean> {
  const result = await db.updateTable('inbox_reveals').set(options.set).where('id', '=', options.id).where('status', '=', 'pending').executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function findReveal(db: Db, id: string): Promise<InboxRevealRow | undefined> {
  return db.selectFrom('inbox_reveals').selectAll().where('id', '=', id).executeTakeFirst();
}
