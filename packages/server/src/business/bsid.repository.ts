import type { Insertable } from 'kysely';
import type { Db } from '../database';
import type { BsidsTable } from './business.table';

export async function findBsid(db: Db, businessId: string, personId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('bsids')
    .select('bsid')
    .where('business_id', '=', businessId)
    .where('person_id', '=', personId)
    .executeTakeFirst();
  return row?.bsid;
}

/** Insert unless the (business, person) pair already has one; a concurrent first use keeps the winner's. */
export async function insertBsidIfAbsent(db: Db, row: Insertable<BsidsTable>): Promise<void> {
  await db
    .insertInto('bsids')
    .values(row)
    .onConflict((oc) => oc.columns(['business_id', 'person_id']).doNothing())
    .execute();
}

export async function findPersonByBsid(db: Db, businessId: string, bsid: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('bsids')
    .select('person_id')
    .where('bsid', '=', bsid)
    .where('business_id', '=', businessId)
    .executeTakeFirst();
  return row?.person_id;
}

/** The person's conversation with the business, read from messaging's table (messaging imports us, not the reverse). */
export async function findConversationId(db: Db, businessId: string, personId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('conversations')
    .select('id')
    .where('business_id', '=', businessId)
    .where('person_id', '=', personId)
    .executeTakeFirst();
  return row?.id;
}

export interface BsidPair {
  readonly businessId: string;
  readonly personId: string;
}

/** The BSIDs already made for these (business, person) pairs. */
export async function findBsids(db: Db, pairs: readonly BsidPair[]): Promise<{ business_id: string; person_id: string; bsid: string }[]> {
  if (pairs.length === 0) return [];
  return db
    .selectFrom('bsids')
    .select(['business_id', 'person_id', 'bsid'])
    .where((eb) => eb.or(pairs.map((p) => eb.and([eb('business_id', '=', p.businessId), eb('person_id', '=', p.personId)]))))
    .execute();
}

/** Insert many at once; pairs that already have one keep theirs. */
export async function insertBsidsIfAbsent(db: Db, rows: Insertable<BsidsTable>[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('bsids')
    .values(rows)
    .onConflict((oc) => oc.columns(['business_id', 'person_id']).doNothing())
    .execute();
}
