import type { Db } from '../database';
import type { AccessLogHeadRow, AccessLogRow } from './privacy.table';

/**
 * The person's chain head, locked for the rest of the transaction: on PostgreSQL a row lock
 * (`for update`) that makes appends of one person queue up across every node; SQLite has one
 * writer anyway. The head row is made on the first append.
 */
async function lockHead(trx: Db, input: { personId: string; genesis: string; dialect: 'sqlite' | 'postgres' }): Promise<AccessLogHeadRow> {
  await trx
    .insertInto('access_log_heads')
    .values({ person_id: input.personId, seq: 0, hash: input.genesis, seal: null })
    .onConflict((oc) => oc.column('person_id').doNothing())
    .execute();
  let query = trx.selectFrom('access_log_heads').selectAll().where('person_id', '=', input.personId);
  if (input.dialect === 'postgres') query = query.forUpdate();
  return query.executeTakeFirstOrThrow();
}

/**
 * Append one entry after the person's head, in one transaction: `build` gets the locked head
 * and returns the entry (seq and hash chained onto it); the head then moves to it.
 */
export async function appendChained(
  db: Db,
  input: { personId: string; genesis: string; dialect: 'sqlite' | 'postgres' },
  build: (head: AccessLogHeadRow) => { row: AccessLogRow; seal: string },
): Promise<AccessLogRow> {
  return db.transaction().execute(async (trx) => {
    const head = await lockHead(trx, input);
    const { row, seal } = build(head);
    await trx.insertInto('access_log').values(row).execute();
    await trx.updateTable('access_log_heads').set({ seq: row.seq, hash: row.hash, seal }).where('person_id', '=', row.person_id).execute();
    return row;
  });
}

export interface AccessLogFilter {
  readonly personId: string;
  readonly category?: string;
  readonly purpose?: string;
  readonly outcome?: string;
  readonly from?: number;
  readonly to?: number;
  readonly before?: number;
  readonly limit: number;
}

/** Newest first, one person only. */
export async function listEntries(db: Db, filter: AccessLogFilter): Promise<AccessLogRow[]> {
  let query = db.selectFrom('access_log').selectAll().where('person_id', '=', filter.personId);
  if (filter.category !== undefined) query = query.where('category', '=', filter.category);
  if (filter.purpose !== undefined) query = query.where('purpose', '=', filter.purpose);
  if (filter.outcome !== undefined) query = query.where('outcome', '=', filter.outcome as AccessLogRow['outcome']);
  if (filter.from !== undefined) query = query.where('at', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('at', '<', filter.to);
  if (filter.before !== undefined) query = query.where('seq', '<', filter.before);
  return query.orderBy('seq', 'desc').limit(filter.limit).execute();
}

/** A page of a person's chain in stored order (by seq), for verification. */
export async function chainPage(db: Db, input: { personId: string; afterSeq: number; limit: number }): Promise<AccessLogRow[]> {
  return db
    .selectFrom('access_log')
    .selectAll()
    .where('person_id', '=', input.personId)
    .where('seq', '>', input.afterSeq)
    .orderBy('seq')
    .limit(input.limit)
    .execute();
}

export async function findHead(db: Db, personId: string): Promise<AccessLogHeadRow | undefined> {
  return db.selectFrom('access_log_heads').selectAll().where('person_id', '=', personId).executeTakeFirst();
}

/** Everyone with a chain: anyone with a head or with an entry (a head deleted by hand still shows up). */
export async function peopleWithChains(db: Db): Promise<string[]> {
  const heads = await db.selectFrom('access_log_heads').select('person_id').execute();
  const logged = await db.selectFrom('access_log').select('person_id').distinct().execute();
  return [...new Set([...heads, ...logged].map((row) => row.person_id))].sort();
}
