import type { CustomerContext, DataCategory } from '@parley/protocol';
import { listConsents, listInstitutions } from '../banking';
import { sharedContentTypes } from './context.repository';
import { revealsOf } from './reveal.service';
import type { InboxCore } from './inbox.service';

/**
 * What an agent may know of the customer: the BSID, what this conversation already showed them,
 * the data categories of the person's link with THIS bank (never another bank's), and this
 * conversation's reveals. No name, no email, no person id.
 */
export async function customerContext(core: InboxCore, options: { businessId: string; conversationId: string; bsid: string }): Promise<CustomerContext> {
  const { ctx } = core;
  const thread = await core.side.thread(options.businessId, options.conversationId);
  const ours = new Set((await listInstitutions(ctx.db)).filter((row) => row.business_id === options.businessId).map((row) => row.id));
  const consents = (await listConsents(ctx, thread.person_id))
    .filter((consent) => ours.has(consent.institution.id))
    .map((consent) => ({ categories: consent.permissions.map((p) => p.category as DataCategory), status: consent.status, expiresAt: consent.expiresAt }));
  return {
    bsid: options.bsid,
    consents,
    shared: await sharedContentTypes(ctx.db, options.conversationId),
    reveals: await revealsOf(core, options.businessId, options.conversationId),
  };
}
