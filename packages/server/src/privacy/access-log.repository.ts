import type { Db } from '../database';
import { fixedQuery } from '../platform/db/fixed-query';
import { inTransaction } from '../platform/db/run-now';
import type { AccessLogHeadRow, AccessLogRow } from './privacy.table';

// Every read through the gate appends here: compiled once (platform/db/fixed-query.ts).
const makeHead = fixedQuery((trx: Db, personId: string, genesis: string) =>
  trx.insertInto('access_log_heads').values({ person_id: personId, seq: 0, hash: genesis, seal: null }).onConflict((oc) => oc.column('person_id').doNothing()),
);
const headOf = fixedQuery((trx: Db, personId: string) => trx.selectFrom('access_log_heads').selectAll().where('person_id', '=', personId));
const lockedHeadOf = fixedQuery((trx: Db, personId: string) => trx.selectFrom('access_log_heads').selectAll().where('person_id', '=', personId).forUpdate());
const insertEntry = fixedQuery(
  (
    trx: Db,
    ...[id, personId, seq, at, actor, institutionId, institutionName, accountId, category, purpose, outcome, reason, prevHash, hash]: [
      string, string, number, number, string, string, string, string | null, string, string, string, string | null, string, string,
    ]
  ) =>
    trx.insertInto('access_log').values({
      id,
      person_id: personId,
      seq,
      at,
      actor,
      institution_id: institutionId,
      institution_name: institutionName,
      account_id: accountId,
      category,
      purpose,
      outcome: outcome as AccessLogRow['outcome'],
      reason,
      prev_hash: prevHash,
      hash,
    }),
);
const moveHead = fixedQuery((trx: Db, personId: string, seq: number, hash: string, seal: string) =>
  trx.updateTable('access_log_heads').set({ seq, hash, seal }).where('person_id', '=', personId),
);

/**
 * The person's chain head, locked for the rest of the transaction: on PostgreSQL a row lock
 * (`for update`) that makes appends of one person queue up across every node; SQLite has one
 * writer anyway. The head row is made on the first append.
 */
async function lockHead(trx: Db, input: { personId: string; genesis: string; dialect: 'sqlite' | 'postgres' }): Promise<AccessLogHeadRow> {
  await makeHead(trx, input.personId, input.genesis);
  const [head] = await (input.dialect === 'postgres' ? lockedHeadOf : headOf)(trx, input.personId);
  if (!head) throw new Error(`The access log head of ${input.personId} is missing inside its own transaction.`);
  return head;
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
  return inTransaction(db, async (trx) => {
    const head = await lockHead(trx, input);
    const { row, seal } = build(head);
    await insertEntry(trx, row.id, row.person_id, row.seq, row.at, row.actor, row.institution_id, row.institution_name, row.account_id, row.category, row.purpose, row.outcome, row.reason, row.prev_hash, row.hash);
    await moveHead(trx, row.person_id, row.seq, row.hash, seal);
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
