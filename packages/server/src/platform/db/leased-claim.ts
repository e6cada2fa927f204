import type { Kysely } from 'kysely';
import type { Dialect } from './database';

/** The columns an outbox table needs for leased claiming (webhook deliveries, push notifications). */
interface LeasedRow {
  id: string;
  status: string;
  next_attempt_at: number;
  locked_until: number | null;
  lease_token: string | null;
}

/**
 * Lease up to `limit` due rows of an outbox to `token` until `leaseUntil`, and answer their ids.
 * On PostgreSQL several nodes claim at once and `FOR UPDATE SKIP LOCKED` keeps them off each
 * other's rows; SQLite has one writer anyway. A lease that runs out (its node died mid-send)
 * makes the row due again: at least once.
 */
export async function claimLeased<DB extends Record<Table, LeasedRow>, Table extends keyof DB & string>(
  db: Kysely<DB>,
  dialect: Dialect,
  table: Table,
  claim: { now: number; limit: number; leaseUntil: number; token: string },
): Promise<string[]> {
  // One table of a known shape: Kysely's types cannot follow a table name given as a parameter.
  const outbox = db as unknown as Kysely<{ outbox: LeasedRow }>;
  const from = table as unknown as 'outbox';
  const due = outbox
    .selectFrom(from)
    .select('id')
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', claim.now)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', claim.now)]))
    .orderBy('next_attempt_at')
    .limit(claim.limit)
    .$if(dialect === 'postgres', (query) => query.forUpdate().skipLocked());
  const claimed = await outbox.updateTable(from).set({ locked_until: claim.leaseUntil, lease_token: claim.token }).where('id', 'in', due).returning('id').execute();
  return claimed.map((row) => row.id);
}
