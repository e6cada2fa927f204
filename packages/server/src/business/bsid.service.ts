import type { BsidView } from '@parley/protocol';
import { AppError } from '../platform/errors';
import type { BusinessContext } from './business.service';
import * as bsids from './bsid.repository';

/**
 * The bank-scoped id of a person for a business: random, opaque, stable, made on first need.
 * It is the only way a business ever names a person; the global person id never leaves Parley.
 *
 * @example
 * const bsid = await bsidFor(ctx, conversation.businessId, conversation.personId);
 */
export async function bsidFor(ctx: BusinessContext, businessId: string, personId: string): Promise<string> {
  const existing = await bsids.findBsid(ctx.db, businessId, personId);
  if (existing) return existing;
  await bsids.insertBsidIfAbsent(ctx.db, {
    business_id: businessId,
    person_id: personId,
    bsid: `bsid_${ctx.random.token(20)}`,
    created_at: ctx.clock.now(),
  });
  const made = await bsids.findBsid(ctx.db, businessId, personId);
  if (!made) throw new AppError('ERR_NOT_FOUND');
  return made;
}

/** Pairs per statement: two parameters each, far below either database's limit. */
const pairsPerStatement = 400;

/**
 * `bsidFor` for many (business, person) pairs at once: one read, one insert for the pairs that
 * have none yet, one read of those. Keyed `${businessId} ${personId}`.
 */
export async function bsidsFor(ctx: BusinessContext, pairs: readonly bsids.BsidPair[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const keyOf = (businessId: string, personId: string) => `${businessId} ${personId}`;
  for (let start = 0; start < pairs.length; start += pairsPerStatement) {
    const chunk = pairs.slice(start, start + pairsPerStatement);
    for (const row of await bsids.findBsids(ctx.db, chunk)) found.set(keyOf(row.business_id, row.person_id), row.bsid);
    const missing = chunk.filter((p) => !found.has(keyOf(p.businessId, p.personId)));
    if (missing.length === 0) continue;
    const now = ctx.clock.now();
    await bsids.insertBsidsIfAbsent(
      ctx.db,
      missing.map((p) => ({ business_id: p.businessId, person_id: p.personId, bsid: `bsid_${ctx.random.token(20)}`, created_at: now })),
    );
    for (const row of await bsids.findBsids(ctx.db, missing)) found.set(keyOf(row.business_id, row.person_id), row.bsid);
  }
  return found;
}

/** The person a business means by `bsid`; undefined when it is unknown or another business's. */
export async function personForBsid(ctx: BusinessContext, businessId: string, bsid: string): Promise<string | undefined> {
  return bsids.findPersonByBsid(ctx.db, businessId, bsid);
}

/** What the business may know about a person it names by `bsid`; ERR_NOT_FOUND if not its BSID. */
export async function describeBsid(ctx: BusinessContext, businessId: string, bsid: string): Promise<BsidView> {
  const personId = await personForBsid(ctx, businessId, bsid);
  if (!personId) throw new AppError('ERR_NOT_FOUND');
  return { bsid, conversationId: (await bsids.findConversationId(ctx.db, businessId, personId)) ?? null };
}
