import type { Dialect } from './database';
import { cachedStatement, runStatement, type RawExecutor } from './values-list';

/** The outbox tables that are claimed with leases; each has id, status, next_attempt_at, locked_until, lease_token. */
export type LeasedTable = 'webhook_deliveries' | 'push_outbox';

/**
 * Lease up to `limit` due rows of an outbox to `token` until `leaseUntil`, and answer their ids.
 * On PostgreSQL several nodes claim at once and `FOR UPDATE SKIP LOCKED` keeps them off each
 * other's rows; SQLite has one writer anyway. A lease that runs out (its node died mid-send)
 * makes the row due again: at least once. The text is fixed per table and dialect (a
 * dispatcher claims many times a second, and Kysely built it anew each time).
 */
export async function claimLeased(
  db: RawExecutor,
  dialect: Dialect,
  table: LeasedTable,
  claim: { now: number; limit: number; leaseUntil: number; token: string },
): Promise<string[]> {
  const text = cachedStatement(`claim:${dialect}:${table}`, () => {
    // better-sqlite3 binds only bare `?` from an array, in order of appearance: `now` goes twice.
    const [leaseUntil, token, now, now2, limit] = dialect === 'postgres' ? ['$1::bigint', '$2::text', '$3::bigint', '$3::bigint', '$4::int'] : ['?', '?', '?', '?', '?'];
    const due =
      `select id from ${table} where status = 'pending' and next_attempt_at <= ${now} ` +
      `and (locked_until is null or locked_until <= ${now2}) order by next_attempt_at limit ${limit}` +
      (dialect === 'postgres' ? ' for update skip locked' : '');
    return `update ${table} set locked_until = ${leaseUntil}, lease_token = ${token} where id in (${due}) returning id`;
  });
  const params = dialect === 'postgres' ? [claim.leaseUntil, claim.token, claim.now, claim.limit] : [claim.leaseUntil, claim.token, claim.now, claim.now, claim.limit];
  const rows = await runStatement<{ id: string }>(db, text, params);
  return rows.map((row) => row.id);
}
