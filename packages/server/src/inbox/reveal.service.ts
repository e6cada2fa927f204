import type { PersonRevealView, RevealField, RevealRequest } from '@parley/protocol';
import type { ServerContext } from '../context';
import { businessTopic, type DeliveryEvent } from '../messaging';
import { AppError, isAppError } from '../platform/errors';
import { dataKeyOf, openText, seal } from '../privacy';
import type { ConsoleMember } from './console.access';
import { getBusiness } from '../business';
import { requireInboxRow, type InboxCore } from './inbox.service';
import type { InboxRevealRow } from './inbox.table';
import { decideReveal, findReveal, findRevealOfPerson, insertReveal, listReveals } from './reveal.repository';
import { readRevealedValue } from './reveal.value';

const fieldWords: Record<RevealField, string> = {
  account_mask: 'the last four digits of your account',
  balance: 'the balance of your account',
  account_type: 'what kind of account you hold',
};

const aadOf = (row: Pick<InboxRevealRow, 'id'>, consentId: string) => ({ table: 'inbox_reveals', rowId: row.id, owner: `consent:${consentId}` });

/** A reveal as the business sees it: the value opens only while the consent's data key lives. */
async function toReveal(ctx: ServerContext, row: InboxRevealRow): Promise<RevealRequest> {
  let value: string | null = null;
  let reason = row.reason;
  if (row.value_sealed !== null && row.value_consent_id !== null) {
    try {
      value = await openText(ctx, { aad: aadOf(row, row.value_consent_id) }, row.value_sealed);
    } catch (error) {
      if (!isAppError(error) || error.code !== 'ERR_DATA_KEY_DESTROYED') throw error;
      reason = 'Erased: the person revoked the link it was read through.';
    }
  }
  return {
    id: row.id,
    conversationId: row.conversation_id,
    field: row.field,
    accountMask: row.account_mask,
    status: row.status,
    requestedBy: { memberId: row.requested_by_member_id, displayName: row.requested_by_name },
    value,
    reason,
    createdAt: Number(row.created_at),
    decidedAt: row.decided_at === null ? null : Number(row.decided_at),
  };
}

function publishReveal(ctx: ServerContext, reveal: RevealRequest, businessId: string): void {
  ctx.bus.publish(businessTopic(businessId), { frame: { type: 'reveal', businessId, reveal } } satisfies DeliveryEvent);
}

export async function revealsOf(core: InboxCore, businessId: string, conversationId: string): Promise<RevealRequest[]> {
  const rows = await listReveals(core.ctx.db, businessId, conversationId);
  return Promise.all(rows.map((row) => toReveal(core.ctx, row)));
}

/** An agent asks the person for one field: a `reveal_request` message in their chat, answered with one tap. */
export async function requestReveal(
  core: InboxCore,
  options: { businessId: string; conversationId: string; member: ConsoleMember; field: RevealField; accountMask?: string | undefined },
): Promise<RevealRequest> {
  const { businessId, conversationId, member, field } = options;
  const inbox = await requireInboxRow(core, businessId, conversationId);
  if (inbox.status === 'resolved') throw new AppError('ERR_CONFLICT', { message: 'This conversation is resolved.' });
  const business = await getBusiness(core.ctx, businessId);
  const row: InboxRevealRow = {
    id: core.ctx.random.uuid(),
    business_id: businessId,
    conversation_id: conversationId,
    requested_by_member_id: member.id,
    requested_by_name: member.display_name,
    field,
    account_mask: options.accountMask ?? null,
    status: 'pending',
    value_sealed: null,
    value_consent_id: null,
    reason: null,
    created_at: core.ctx.clock.now(),
    decided_at: null,
  };
  await insertReveal(core.ctx.db, row);
  const which = row.account_mask === null ? '' : ` ending in ${row.account_mask}`;
  const text = `${member.display_name} at ${business?.name ?? 'your bank'} asks to see ${fieldWords[field]}${which}. Parley shows it only to them, and only if you approve.`;
  await core.append({ conversationId, sender: 'system', clientId: `reveal_${row.id.replace(/-/g, '')}`, content: { contentType: 'reveal_request', requestId: row.id, field, text } });
  const reveal = await toReveal(core.ctx, row);
  publishReveal(core.ctx, reveal, businessId);
  return reveal;
}

function toPersonView(row: InboxRevealRow): PersonRevealView {
  return { id: row.id, conversationId: row.conversation_id, field: row.field, status: row.status, decidedAt: row.decided_at === null ? null : Number(row.decided_at) };
}

export async function personReveal(ctx: ServerContext, options: { personId: string; revealId: string }): Promise<PersonRevealView> {
  const row = await findRevealOfPerson(ctx.db, options.revealId, options.personId);
  if (!row) throw new AppError('ERR_NOT_FOUND');
  return toPersonView(row);
}

/**
 * The person's one tap. Approve reads the field through the gate (purpose support_context, the
 * agent as actor: the person's access log shows it) and seals the value under the consent's data
 * key; decline stores nothing. A second answer is ERR_CONFLICT.
 */
export async function decideRevealRequest(ctx: ServerContext, options: { personId: string; revealId: string; decision: 'approve' | 'decline' }): Promise<PersonRevealView> {
  const row = await findRevealOfPerson(ctx.db, options.revealId, options.personId);
  if (!row) throw new AppError('ERR_NOT_FOUND');
  if (row.status !== 'pending') throw new AppError('ERR_CONFLICT', { message: 'You already answered this request.' });
  const now = ctx.clock.now();
  let set: Parameters<typeof decideReveal>[1]['set'] = { status: 'declined', value_sealed: null, value_consent_id: null, reason: null, decided_at: now };
  if (options.decision === 'approve') {
    try {
      const read = await readRevealedValue(ctx, { personId: options.personId, businessId: row.business_id, memberId: row.requested_by_member_id, field: row.field, accountMask: row.account_mask });
      const keyId = await dataKeyOf(ctx, { kind: 'consent', id: read.consentId });
      const sealed = await seal(ctx, { keyId, aad: aadOf(row, read.consentId) }, read.value);
      set = { status: 'approved', value_sealed: sealed, value_consent_id: read.consentId, reason: null, decided_at: now };
    } catch (error) {
      if (!isAppError(error)) throw error;
      set = { status: 'failed', value_sealed: null, value_consent_id: null, reason: error.message, decided_at: now };
    }
  }
  if (!(await decideReveal(ctx.db, { id: row.id, set }))) throw new AppError('ERR_CONFLICT', { message: 'You already answered this request.' });
  const decided = (await findReveal(ctx.db, row.id))!;
  publishReveal(ctx, await toReveal(ctx, decided), row.business_id);
  return toPersonView(decided);
}
