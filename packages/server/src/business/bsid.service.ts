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
