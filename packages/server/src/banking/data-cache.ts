import type { ServerContext } from '../context';
import { openText, seal } from '../privacy';
import type { ConsentRow } from './banking.table';
import * as consents from './consent.repository';
import type { FinancialData } from './ob.reader';

/** Financial data is cached only sealed under the consent's key, and only this long. */
export const cacheTtlMs = 3 * 60_000;

const aad = (consent: ConsentRow, cacheId: string) => ({ table: 'bank_data_cache', rowId: cacheId, owner: `consent:${consent.id}` });

export async function readCached(ctx: ServerContext, input: { consent: ConsentRow; cacheId: string }): Promise<{ fetchedAt: number; data: FinancialData } | null> {
  const row = await consents.findCached(ctx.db, input.cacheId, ctx.clock.now());
  if (!row || row.consent_id !== input.consent.id) return null;
  const data = JSON.parse(await openText(ctx, { keyId: input.consent.data_key_id, aad: aad(input.consent, input.cacheId) }, row.body_sealed)) as FinancialData;
  return { fetchedAt: Number(row.fetched_at), data };
}

/**
 * Expired entries are never read (findCached asks for live ones); each node deletes them this
 * often (banking/index.ts), so sealed data outlives its time by at most a minute, with or
 * without traffic — not on every write, which cost a statement per uncached read.
 */
export const cacheSweepEveryMs = 60_000;

/** Delete the expired entries; how many went. */
export async function sweepExpiredCache(ctx: ServerContext): Promise<number> {
  return consents.deleteExpiredCache(ctx.db, ctx.clock.now());
}

export async function writeCached(ctx: ServerContext, input: { consent: ConsentRow; cacheId: string; fetchedAt: number; data: FinancialData }): Promise<void> {
  await consents.putCached(ctx.db, {
    id: input.cacheId,
    consent_id: input.consent.id,
    body_sealed: await seal(ctx, { keyId: input.consent.data_key_id, aad: aad(input.consent, input.cacheId) }, JSON.stringify(input.data)),
    fetched_at: input.fetchedAt,
    expires_at: input.fetchedAt + cacheTtlMs,
  });
}
