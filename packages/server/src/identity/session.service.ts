import { hash, timingSafeEqual } from 'node:crypto';
import type { SessionView } from '@parley/protocol';
import type { ServerContext } from '../context';
import { AppError } from '../platform/errors';
import type { SessionRow } from './identity.table';
import * as sessions from './session.repository';

export const idleTimeoutMs = 30 * 60 * 1000;
export const absoluteTimeoutMs = 12 * 60 * 60 * 1000;
/** Write last_seen_at at most this often, so reads do not each become writes. */
const touchEveryMs = 60 * 1000;

/** Who is calling: the person and the session they signed in with. */
export interface Principal {
  readonly personId: string;
  readonly sessionId: string;
  readonly csrfToken: string;
  readonly expiresAt: number;
}

export function hashToken(token: string): string {
  return hash('sha256', token, 'hex');
}

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** A new session with a new id, as every sign-in must make (no fixation). Returns the cookie token. */
export async function startSession(
  ctx: ServerContext,
  options: { personId: string; userAgent: string | undefined },
): Promise<{ token: string; principal: Principal }> {
  const token = ctx.random.token(32);
  const now = ctx.clock.now();
  const row: SessionRow = {
    id: hashToken(token),
    person_id: options.personId,
    csrf_token: ctx.random.token(24),
    created_at: now,
    last_seen_at: now,
    expires_at: now + absoluteTimeoutMs,
    user_agent: options.userAgent?.slice(0, 256) ?? null,
  };
  await sessions.insertSession(ctx.db, row);
  return { token, principal: toPrincipal(row) };
}

function isLive(row: SessionRow, now: number): boolean {
  return now < row.expires_at && now < row.last_seen_at + idleTimeoutMs;
}

function toPrincipal(row: SessionRow): Principal {
  return { personId: row.person_id, sessionId: row.id, csrfToken: row.csrf_token, expiresAt: row.expires_at };
}

/** The principal for a session token, or ERR_SESSION_EXPIRED / ERR_UNAUTHENTICATED. */
export async function authenticateToken(ctx: ServerContext, token: string): Promise<Principal> {
  return authenticateSessionId(ctx, hashToken(token));
}

export async function authenticateSessionId(ctx: ServerContext, sessionId: string): Promise<Principal> {
  const row = await sessions.findSession(ctx.db, sessionId);
  if (!row) throw new AppError('ERR_UNAUTHENTICATED');
  const now = ctx.clock.now();
  if (!isLive(row, now)) {
    await sessions.deleteSession(ctx.db, row.id);
    throw new AppError('ERR_SESSION_EXPIRED');
  }
  if (now - row.last_seen_at >= touchEveryMs) await sessions.touchSession(ctx.db, row.id, now);
  return toPrincipal(row);
}

export async function endSession(ctx: ServerContext, sessionId: string): Promise<void> {
  await sessions.deleteSession(ctx.db, sessionId);
}

export async function endAllSessions(ctx: ServerContext, personId: string): Promise<void> {
  await sessions.deleteSessionsOfPerson(ctx.db, personId);
}

/** The person's live sessions, most recently used first, the caller's own marked `current`. */
export async function listSessions(ctx: ServerContext, principal: Principal): Promise<SessionView[]> {
  const now = ctx.clock.now();
  const rows = await sessions.listSessionsOfPerson(ctx.db, principal.personId);
  return rows
    .filter((row) => isLive(row, now))
    .map((row) => ({
      id: row.id,
      current: row.id === principal.sessionId,
      createdAt: row.created_at,
      lastSeenAt: row.last_seen_at,
      expiresAt: Math.min(row.expires_at, row.last_seen_at + idleTimeoutMs),
      userAgent: row.user_agent,
    }));
}

/** End one of the person's own sessions; another person's session is ERR_NOT_FOUND, as is an unknown one. */
export async function endOwnSession(ctx: ServerContext, personId: string, sessionId: string): Promise<void> {
  if ((await sessions.deleteSessionOfPerson(ctx.db, personId, sessionId)) === 0) throw new AppError('ERR_NOT_FOUND');
}

/**
 * Of these sessions, the ones still live — one read, and at most one write that marks them
 * seen now (an open socket is activity, so its session does not idle out). For the gateway's
 * periodic check of thousands of sockets: callers pass a few hundred ids at a time.
 */
export async function keepSessionsAlive(ctx: ServerContext, sessionIds: readonly string[]): Promise<Set<string>> {
  if (sessionIds.length === 0) return new Set();
  const now = ctx.clock.now();
  const live = (await sessions.findSessions(ctx.db, sessionIds)).filter(
    (row) => now < row.expires_at && now < row.last_seen_at + idleTimeoutMs,
  );
  const stale = live.filter((row) => now - row.last_seen_at >= touchEveryMs).map((row) => row.id);
  if (stale.length > 0) await sessions.touchSessions(ctx.db, stale, now);
  return new Set(live.map((row) => row.id));
}
