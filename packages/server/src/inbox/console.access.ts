import type { BusinessRole } from '@parley/protocol';
import type { FastifyRequest } from 'fastify';
import type { ServerContext } from '../context';
import { principalOf } from '../identity';
import { AppError } from '../platform/errors';
import { findConsoleMember, type ConsoleMemberRow } from './console-member.repository';

/**
 * Who may do what in the console. The inbox is worked by agents and owners; developers build
 * (keys, webhooks, delivery logs) and read settings; owners manage everything.
 */
export const consoleRoles = {
  inbox: ['agent', 'owner'],
  readSettings: ['owner', 'developer'],
  manageSettings: ['owner'],
  manageInvites: ['owner'],
  manageWebhooks: ['owner', 'developer'],
} as const satisfies Record<string, readonly BusinessRole[]>;

/** The signed-in member acting in the console, with the name others see. */
export type ConsoleMember = ConsoleMemberRow;

/**
 * The caller's membership if their role allows the action: ERR_NOT_FOUND for a person who is not
 * a member (exactly as for a business that does not exist), ERR_FORBIDDEN for a role that lacks it.
 */
export async function consoleMember(
  ctx: ServerContext,
  request: FastifyRequest,
  options: { businessId: string; allowed: readonly BusinessRole[] },
): Promise<ConsoleMember> {
  const member = await findConsoleMember(ctx.db, options.businessId, principalOf(request).personId);
  if (!member) throw new AppError('ERR_NOT_FOUND');
  if (!options.allowed.includes(member.role)) {
    throw new AppError('ERR_FORBIDDEN', { message: `This needs the role ${options.allowed.join(' or ')}; you are ${member.role}.` });
  }
  return member;
}
