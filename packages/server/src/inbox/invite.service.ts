import { hash } from 'node:crypto';
import type { AcceptedInvite, CreatedInvite, Invite, InvitePreview, BusinessRole } from '@parley/protocol';
import { getBusiness } from '../business';
import type { ServerContext } from '../context';
import { AppError } from '../platform/errors';
import type { ConsoleMember } from './console.access';
import type { BusinessInviteRow } from './inbox.table';
import * as invites from './invite.repository';

/** How long an invite link stays valid. */
export const inviteTtlMs = 7 * 24 * 60 * 60 * 1000;

function hashToken(token: string): string {
  return hash('sha256', token, 'hex');
}

function toInvite(row: BusinessInviteRow): Invite {
  return {
    id: row.id,
    role: row.role,
    createdBy: { memberId: row.created_by_member_id, displayName: row.created_by_name },
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
  };
}

/**
 * A one-time invite link. The token is shown this once; Parley keeps only its SHA-256, so a
 * database leak does not hand out memberships. It rides in the URL's fragment, which browsers
 * never send to a server (so it is in no access log).
 */
export async function createInvite(ctx: ServerContext, options: { businessId: string; member: ConsoleMember; role: BusinessRole }): Promise<CreatedInvite> {
  const token = `inv_${ctx.random.token(32)}`;
  const now = ctx.clock.now();
  const row: BusinessInviteRow = {
    id: ctx.random.uuid(),
    business_id: options.businessId,
    role: options.role,
    token_hash: hashToken(token),
    created_by_member_id: options.member.id,
    created_by_name: options.member.display_name,
    created_at: now,
    expires_at: now + inviteTtlMs,
    used_at: null,
    revoked_at: null,
  };
  await invites.insertInvite(ctx.db, row);
  return { invite: toInvite(row), token, url: `${ctx.config.publicUrl.origin}/console/invite#${token}` };
}

export async function listInvites(ctx: ServerContext, businessId: string): Promise<Invite[]> {
  return (await invites.listOpenInvites(ctx.db, businessId, ctx.clock.now())).map(toInvite);
}

export async function revokeInvite(ctx: ServerContext, options: { businessId: string; inviteId: string }): Promise<void> {
  if (!(await invites.revokeInvite(ctx.db, { businessId: options.businessId, inviteId: options.inviteId, at: ctx.clock.now() }))) throw new AppError('ERR_NOT_FOUND');
}

async function usableInvite(ctx: ServerContext, token: string): Promise<BusinessInviteRow> {
  const row = await invites.findUsableInvite(ctx.db, hashToken(token), ctx.clock.now());
  if (!row) throw new AppError('ERR_INVITE_INVALID');
  return row;
}

export async function previewInvite(ctx: ServerContext, token: string): Promise<InvitePreview> {
  const row = await usableInvite(ctx, token);
  const business = await getBusiness(ctx, row.business_id);
  if (!business) throw new AppError('ERR_INVITE_INVALID');
  return { businessId: business.id, businessName: business.name, role: row.role, expiresAt: Number(row.expires_at) };
}

/** The signed-in person becomes a member with the invite's role; the link is then spent. */
export async function acceptInvite(ctx: ServerContext, options: { token: string; personId: string }): Promise<AcceptedInvite> {
  const row = await usableInvite(ctx, options.token);
  const business = await getBusiness(ctx, row.business_id);
  if (!business) throw new AppError('ERR_INVITE_INVALID');
  const outcome = await invites.acceptInvite(ctx.db, { invite: row, personId: options.personId, memberId: ctx.random.uuid(), role: row.role, now: ctx.clock.now() });
  if (outcome === 'used') throw new AppError('ERR_INVITE_INVALID');
  if (outcome === 'member') throw new AppError('ERR_CONFLICT', { message: 'You are already a member of this business.' });
  return { business, role: row.role };
}
