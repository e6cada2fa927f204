import type { AccessLogEntry, AccountDeleted, AccountExport, Receipt } from '@parley/protocol';
import type { ServerContext } from '../context';
import { listConsents, revokeConsent } from '../banking';
import { endAllSessions, type Principal } from '../identity';
import { openBodies } from '../messaging';
import { AppError } from '../platform/errors';
import { destroyKeysOfPerson, getReceipt, listAccess, listReceipts, verifyChain } from '../privacy';
import { listPreferences } from '../alerts';
import { supportAnswersOf } from '../inbox';
import { listFollows } from '../notices';
import { listDevices } from '../push';
import * as account from './account.repository';

/** The whole access log, oldest first (the log pages newest first, 200 at a time). */
async function wholeAccessLog(ctx: ServerContext, personId: string): Promise<AccessLogEntry[]> {
  const entries: AccessLogEntry[] = [];
  let before: number | undefined;
  for (;;) {
    const page = await listAccess(ctx, personId, { limit: 200, ...(before === undefined ? {} : { before }) });
    entries.push(...page.entries);
    if (page.nextBefore === null) return entries.reverse();
    before = page.nextBefore;
  }
}

async function allReceipts(ctx: ServerContext, personId: string): Promise<Receipt[]> {
  const summaries = await listReceipts(ctx, personId);
  return Promise.all(summaries.map((summary) => getReceipt(ctx, { personId, receiptId: summary.id })));
}

function parseBody(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return body;
  }
}

/** Everything Parley holds about this person, and nothing of anyone else's or anything secret. */
export async function exportAccount(ctx: ServerContext, principal: Principal): Promise<AccountExport> {
  const { personId } = principal;
  const rows = await account.readAccountRows(ctx.db, personId, principal.sessionId);
  if (!rows.person) throw new AppError('ERR_NOT_FOUND');
  // Bodies are sealed under the person's key (docs/privacy.md): the export carries them opened.
  const messages = await openBodies(ctx, rows.messages.map((message) => ({ conversation_id: message.conversation_id, seq: message.seq, sender: message.sender, content_type: message.content_type, body: message.body, created_at: message.created_at, person_id: personId })));
  const chain = await verifyChain(ctx, personId);
  const num = (value: number | null) => (value === null ? null : Number(value));
  return {
    format: 'parley-account-export/v1',
    exportedAt: ctx.clock.now(),
    profile: { id: rows.person.id, email: rows.person.email, displayName: rows.person.display_name, createdAt: Number(rows.person.created_at), hasPassword: rows.person.has_password },
    passkeys: rows.passkeys.map((row) => ({ id: row.id, name: row.name, deviceType: row.device_type, backedUp: Boolean(row.backed_up), createdAt: Number(row.created_at), lastUsedAt: num(row.last_used_at) })),
    sessions: rows.sessions.map((row) => ({ current: row.is_current, createdAt: Number(row.created_at), lastSeenAt: Number(row.last_seen_at), expiresAt: Number(row.expires_at), userAgent: row.user_agent })),
    conversations: rows.conversations.map((conversation) => ({
      id: conversation.id,
      business: conversation.business,
      createdAt: Number(conversation.created_at),
      lastMessageAt: Number(conversation.last_message_at),
      messages: messages
        .filter((message) => message.conversation_id === conversation.id)
        .map((message) => ({ seq: Number(message.seq), sender: message.sender, contentType: message.content_type, content: parseBody(message.body), createdAt: Number(message.created_at) })),
    })),
    bsids: rows.bsids.map((row) => ({ business: row.business, bsid: row.bsid, createdAt: Number(row.created_at) })),
    supportAnswers: await supportAnswersOf(ctx, personId),
    pushDevices: await listDevices(ctx, personId),
    businessMemberships: rows.memberships.map((row) => ({ business: row.business, role: row.role, createdAt: Number(row.created_at) })),
    consents: await listConsents(ctx, personId),
    receipts: await allReceipts(ctx, personId),
    accessLog: { entries: await wholeAccessLog(ctx, personId), chain: { intact: chain.broken === null, entries: chain.entries, problem: chain.broken?.problem ?? null } },
    alertSettings: (await listPreferences(ctx, personId)).businesses,
    noticeFollows: (await listFollows(ctx, personId)).businesses,
  };
}

/**
 * Delete the person's account, in an order that leaves nothing readable if it stops half-way
 * (running it again finishes the job): each active consent revoked at its bank and erased
 * (banking's revocation), every session ended, every data key of the person and their consents
 * destroyed (crypto-shredding, one master key rotation in key-file mode), then their rows erased.
 */
export async function deleteAccount(ctx: ServerContext, personId: string): Promise<AccountDeleted> {
  let consentsRevoked = 0;
  for (const consent of await listConsents(ctx, personId)) {
    if (consent.status !== 'active') continue;
    await revokeConsent(ctx, { personId, consentId: consent.id });
    consentsRevoked++;
  }
  await endAllSessions(ctx, personId);
  const consentIds = await account.consentIdsOf(ctx.db, personId);
  const shred = await destroyKeysOfPerson(ctx, { personId, consentIds });
  const erased = await account.eraseAccountRows(ctx.db, personId);
  // A consent recorded between the listing and the erasure (a link completing meanwhile): its rows are gone, now its key.
  const late = erased.filter((id) => !consentIds.includes(id));
  const lateShred = late.length > 0 ? await destroyKeysOfPerson(ctx, { personId, consentIds: late }) : { destroyed: [], backupsUnreadable: shred.backupsUnreadable };
  const destroyed = shred.destroyed.length + lateShred.destroyed.length;
  ctx.log.info({ consentsRevoked, dataKeysDestroyed: destroyed }, 'account deleted');
  return { deleted: true, consentsRevoked, dataKeysDestroyed: destroyed, backupsUnreadable: shred.backupsUnreadable && lateShred.backupsUnreadable };
}
