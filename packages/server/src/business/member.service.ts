import type { BusinessRole, Member, MembershipList } from '@parley/protocol';
import { AppError } from '../platform/errors';
import { requireBusiness, toBusiness, type BusinessContext } from './business.service';
import type { MemberRow } from './business.table';
import * as members from './member.repository';

/** Who may do what. Agents answer conversations; they manage nothing here. */
export const rolesAllowed = {
  listMembers: ['owner', 'developer'],
  manageMembers: ['owner'],
  manageKeys: ['owner', 'developer'],
  // The menu is part of the profile people see, which owners manage (a bot may also set it with its key).
  manageMenu: ['owner'],
} as const satisfies Record<string, readonly BusinessRole[]>;

function toMember(row: members.MemberViewRow): Member {
  return { id: row.id, email: row.email, displayName: row.display_name, role: row.role, addedAt: row.created_at };
}

/**
 * The caller's membership if their role allows the action. Someone who is not a member gets
 * ERR_NOT_FOUND, exactly as for a business that does not exist; a member without the role
 * gets ERR_FORBIDDEN.
 */
export async function authorizeMember(
  ctx: BusinessContext,
  input: { businessId: string; personId: string },
  allowed: readonly BusinessRole[],
): Promise<MemberRow> {
  const membership = await members.findMembership(ctx.db, input.businessId, input.personId);
  if (!membership) throw new AppError('ERR_NOT_FOUND');
  if (!allowed.includes(membership.role)) {
    throw new AppError('ERR_FORBIDDEN', { message: `This needs the role ${allowed.join(' or ')}; you are ${membership.role}.` });
  }
  return membership;
}

export async function listMembers(ctx: BusinessContext, businessId: string): Promise<Member[]> {
  return (await members.listMemberViews(ctx.db, businessId)).map(toMember);
}

/** Add an existing Parley account, found by email, to the business. */
export async function addMember(ctx: BusinessContext, input: { businessId: string; email: string; role: BusinessRole }): Promise<Member> {
  await requireBusiness(ctx, input.businessId);
  const personId = await members.findPersonIdByEmail(ctx.db, input.email.trim().toLowerCase());
  if (!personId) throw new AppError('ERR_NOT_FOUND', { message: 'No Parley account has this email; the person signs up first.' });
  const id = ctx.random.uuid();
  const inserted = await members.insertMember(ctx.db, {
    id,
    business_id: input.businessId,
    person_id: personId,
    role: input.role,
    created_at: ctx.clock.now(),
  });
  if (!inserted) throw new AppError('ERR_CONFLICT', { message: 'This person is already a member of the business.' });
  const view = await members.findMemberView(ctx.db, input.businessId, id);
  if (!view) throw new AppError('ERR_CONFLICT', { message: 'The member was removed while being added.' });
  return toMember(view);
}

export async function removeMember(ctx: BusinessContext, input: { businessId: string; memberId: string }): Promise<void> {
  const outcome = await members.deleteMemberKeepingAnOwner(ctx.db, input.businessId, input.memberId);
  if (outcome === 'absent') throw new AppError('ERR_NOT_FOUND');
  if (outcome === 'last-owner') throw new AppError('ERR_LAST_OWNER');
}

export async function listMemberships(ctx: BusinessContext, personId: string): Promise<MembershipList> {
  const rows = await members.listMembershipsOfPerson(ctx.db, personId);
  return { memberships: rows.map((row) => ({ business: toBusiness(row), role: row.role, memberId: row.member_id })) };
}
