import type { WsTicket } from '@parley/protocol';
import type { ServerContext } from '../context';
import { AppError, isAppError } from '../platform/errors';
import { authenticateSessionId, hashToken, type Principal } from './session.service';
import * as tickets from './ws-ticket.repository';

/** A ticket must be used within this long of being issued. */
export const wsTicketTtlMs = 60 * 1000;

/** A single-use ticket bound to the caller's session; only its hash is stored. */
export async function issueWsTicket(ctx: ServerContext, principal: Principal): Promise<WsTicket> {
  const now = ctx.clock.now();
  await tickets.deleteExpiredWsTickets(ctx.db, now);
  const ticket = ctx.random.token(32);
  const expiresAt = now + wsTicketTtlMs;
  await tickets.insertWsTicket(ctx.db, { id: hashToken(ticket), session_id: principal.sessionId, expires_at: expiresAt });
  return { ticket, expiresAt };
}

/**
 * The principal behind a WebSocket ticket (`Authorization: Bearer <ticket>`), using the ticket
 * up. ERR_TICKET_INVALID when it is unknown, used, expired, or its session has ended.
 *
 * @example
 * const principal = await authenticateWsTicket(ctx, bearerTokenOf(request));
 */
export async function authenticateWsTicket(ctx: ServerContext, ticket: string): Promise<Principal> {
  const row = await tickets.takeWsTicket(ctx.db, hashToken(ticket));
  if (!row || ctx.clock.now() >= row.expires_at) throw new AppError('ERR_TICKET_INVALID');
  try {
    return await authenticateSessionId(ctx, row.session_id);
  } catch (cause) {
    if (isAppError(cause)) throw new AppError('ERR_TICKET_INVALID', { cause });
    throw cause;
  }
}
