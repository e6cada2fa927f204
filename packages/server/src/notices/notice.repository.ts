import type { Db } from '../database';
import type { NoticesTable } from './notice.table';

/** The notice a request already made (found by its source key), if any. */
export async function findBySource(db: Db, input: { businessId: string; sourceKey: string }): Promise<NoticesTable | undefined> {
  return db.selectFrom('notices').selectAll().where('business_id', '=', input.businessId).where('source_key', '=', input.sourceKey).executeTakeFirst();
}

/**
 * Store the notice unless the business already sent `limit` since `windowStart`: then answer
 * the time its oldest notice in the window leaves it. One transaction, and on PostgreSQL the
 * business row locked, so two concurrent notices cannot both take the last place.
 */
export async function insertWithinLimit(
  db: Db,
  input: { row: NoticesTable; windowStart: number; limit: number; lockBusiness: boolean },
): Promise<{ stored: true } | { stored: false; oldest: number }> {
  const { row } = input;
  return db.transaction().execute(async (trx) => {
    if (input.lockBusiness) await trx.selectFrom('businesses').select('id').where('id', '=', row.business_id).forUpdate().execute();
    const recent = await trx
      .selectFrom('notices')
      .select('created_at')
      .where('business_id', '=', row.business_id)
      .where('created_at', '>', input.windowStart)
      .orderBy('created_at')
      .limit(input.limit)
      .execute();
    const oldest = recent[0];
    if (recent.length >= input.limit && oldest) return { stored: false as const, oldest: Number(oldest.created_at) };
    await trx.insertInto('notices').values(row).execute();
    return { stored: true as const };
  });
}

/** Every follower of a business: one range of the follows' primary key. */
export async function followerIds(db: Db, businessId: string): Promise<string[]> {
  const rows = await db.selectFrom('notice_follows').select('person_id').where('business_id', '=', businessId).execute();
  return rows.map((row) => row.person_id);
}

/** When the person started following the business; undefined when they do not. */
export async function followingSince(db: Db, input: { personId: string; businessId: string }): Promise<number | undefined> {
  const row = await db.selectFrom('notice_follows').select('since').where('business_id', '=', input.businessId).where('person_id', '=', input.personId).executeTakeFirst();
  return row === undefined ? undefined : Number(row.since);
}

/** Each business the person follows, with since when. */
export async function followsOf(db: Db, personId: string): Promise<Map<string, number>> {
  const rows = await db.selectFrom('notice_follows').select(['business_id', 'since']).where('person_id', '=', personId).execute();
  return new Map(rows.map((row) => [row.business_id, Number(row.since)]));
}

/** Start following (keeping the first `since` when already following) or stop. */
export async function setFollowing(db: Db, input: { personId: string; businessId: string; following: boolean; now: number }): Promise<void> {
  if (!input.following) {
    await db.deleteFrom('notice_follows').where('business_id', '=', input.businessId).where('person_id', '=', input.personId).execute();
    return;
  }
  await db
    .insertInto('notice_follows')
    .values({ business_id: input.businessId, person_id: input.personId, since: input.now })
    .onConflict((conflict) => conflict.columns(['business_id', 'person_id']).doNothing())
    .execute();
}

/** One notice of the business, if it is one (a page's `before`). */
export async function findNotice(db: Db, input: { businessId: string; noticeId: string }): Promise<NoticesTable | undefined> {
  return db.selectFrom('notices').selectAll().where('id', '=', input.noticeId).where('business_id', '=', input.businessId).executeTakeFirst();
}

/** A business's notices sent from `since` on and older than `before` (by time, then id), newest first. */
export async function listNotices(db: Db, input: { businessId: string; since: number; before: NoticesTable | undefined; limit: number }): Promise<NoticesTable[]> {
  let query = db
    .selectFrom('notices')
    .selectAll()
    .where('business_id', '=', input.businessId)
    .where('created_at', '>=', input.since);
  const { before } = input;
  if (before) {
    query = query.where((eb) => eb.or([eb('created_at', '<', before.created_at), eb.and([eb('created_at', '=', before.created_at), eb('id', '<', before.id)])]));
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(input.limit).execute();
}
