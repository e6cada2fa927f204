import { StepUpVerificationError, verifyStepUp, type StepUpExpectation, type StepUpVerificationCode } from '@parley/sdk';
import { rememberStepUpProof } from './bot.repository';
import type { BotRuntime } from './bot.runtime';

/** Whether a step-up proof lets the bot act, and why not: a verifier's code, or `missing`. */
export type StepUpCheck = { readonly ok: true } | { readonly ok: false; readonly reason: StepUpVerificationCode | 'missing' };

/**
 * Check the step-up proof of a sensitive answer before acting on it: signed by Parley (its JWKS
 * at `${parleyUrl}/.well-known/jwks.json`), for this BSID, about exactly this answer, made with
 * the person verified by their passkey, and never seen before — each proof's `jti` is kept in
 * the bank's database until the proof expires, so a replayed proof is refused even after a restart.
 */
export async function checkStepUp(bot: BotRuntime, input: { proof: string | undefined; bsid: string; expect: StepUpExpectation }): Promise<StepUpCheck> {
  const parleyUrl = bot.ctx.config.parley?.url;
  if (!input.proof || !parleyUrl) return { ok: false, reason: 'missing' };
  try {
    await verifyStepUp(input.proof, {
      jwks: new URL('/.well-known/jwks.json', parleyUrl),
      issuer: new URL(parleyUrl).origin,
      bsid: input.bsid,
      expect: input.expect,
      isReplay: async (jti, exp) => !(await rememberStepUpProof(bot.ctx.db, { jti, expiresAt: exp * 1000 })),
    });
    return { ok: true };
  } catch (error) {
    if (!(error instanceof StepUpVerificationError)) throw error;
    // The code is for the bank's logs; the person hears only that it could not be confirmed.
    bot.ctx.log.warn({ bsid: input.bsid, reason: error.code }, 'bot: refused a step-up proof');
    return { ok: false, reason: error.code };
  }
}
