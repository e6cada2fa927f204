import type { ServerContext } from '../context';
import { AppError } from '../platform/errors';
import * as challenges from './challenge.repository';
import type { ChallengeRow } from './challenge.repository';

/** How long a person has to answer the authenticator's prompt. */
export const challengeTtlMs = 5 * 60 * 1000;

export type ChallengePurpose = ChallengeRow['purpose'];

/** A fresh WebAuthn challenge: 32 random bytes. */
export function newChallengeBytes(ctx: Pick<ServerContext, 'random'>): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(Buffer.from(ctx.random.token(32), 'base64url'));
}

/** Store the challenge an options reply carries; returns the id the client sends back with its answer. */
export async function issueChallenge(
  ctx: ServerContext,
  input: { purpose: ChallengePurpose; challenge: string; personId?: string; pending?: string },
): Promise<string> {
  const now = ctx.clock.now();
  await challenges.deleteExpiredChallenges(ctx.db, now);
  const id = ctx.random.token(24);
  await challenges.insertChallenge(ctx.db, {
    id,
    purpose: input.purpose,
    challenge: input.challenge,
    person_id: input.personId ?? null,
    pending: input.pending ?? null,
    expires_at: now + challengeTtlMs,
  });
  return id;
}

/** Use up a challenge: ERR_CHALLENGE_EXPIRED when it is unknown, already used, for someone else or too old. */
export async function spendChallenge(
  ctx: ServerContext,
  key: { id: string; purpose: ChallengePurpose; personId?: string },
): Promise<ChallengeRow> {
  const row = await challenges.takeChallenge(ctx.db, { id: key.id, purpose: key.purpose, personId: key.personId ?? null });
  if (!row || ctx.clock.now() >= row.expires_at) throw new AppError('ERR_CHALLENGE_EXPIRED');
  return row;
}
