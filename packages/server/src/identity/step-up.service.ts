import { stepUpBinding, stepUpProofTtlSeconds, type StepUpAssertion, type StepUpFor, type StepUpOptions, type StepUpProofClaims } from '@parley/protocol';
import { generateAuthenticationOptions, verifyAuthenticationResponse, type AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { ServerContext } from '../context';
import { AppError } from '../platform/errors';
import { challengeTtlMs, issueChallenge, newChallengeBytes, spendChallenge } from './challenge.service';
import type { PasskeyRow } from './identity.table';
import * as passkeys from './passkey.repository';
import { relyingParty, transportsOf } from './passkey.service';

/**
 * Signs a step-up proof's claims as a compact JWS with Parley's `step-up` key. Privacy holds the
 * keys and privacy already depends on identity, so buildApp hands identity the signer instead.
 */
export type StepUpSigner = (claims: StepUpProofClaims) => Promise<string>;

const signers = new WeakMap<ServerContext, StepUpSigner>();

/** buildApp calls this once, with privacy's `signJws` for the `step-up` key. */
export function provideStepUpSigner(ctx: ServerContext, signer: StepUpSigner): void {
  signers.set(ctx, signer);
}

/** The binding a challenge is issued for, as one stable string (key order fixed by `stepUpBinding`). */
function bindingOf(target: StepUpFor): string {
  const { kind, ref, act } = stepUpBinding(target);
  return JSON.stringify({ kind, ref, act });
}

/**
 * Step 1: a passkey prompt for one answer. Only the person's own passkeys are allowed, user
 * verification is required (a biometric or PIN, not a mere tap), and the challenge is stored
 * with the answer it is for: an assertion made for one alert action proves no other.
 */
export async function startStepUp(ctx: ServerContext, input: { personId: string; for: StepUpFor }): Promise<StepUpOptions> {
  const own = await passkeys.listPasskeysOfPerson(ctx.db, input.personId);
  if (own.length === 0) {
    throw new AppError('ERR_STEP_UP_FAILED', { message: 'Add a passkey to your account (Account → Passkeys) to confirm this.' });
  }
  const options = await generateAuthenticationOptions({
    rpID: relyingParty(ctx.config).rpID,
    challenge: newChallengeBytes(ctx),
    timeout: challengeTtlMs,
    userVerification: 'required',
    allowCredentials: own.map((passkey) => ({ id: passkey.id, transports: transportsOf(passkey) })),
  });
  const challengeId = await issueChallenge(ctx, {
    purpose: 'step-up',
    challenge: options.challenge,
    personId: input.personId,
    pending: bindingOf(input.for),
  });
  return { challengeId, publicKey: { ...options } };
}

export interface CompleteStepUpInput {
  /** The signed-in person answering; the challenge must have been issued to them. */
  readonly personId: string;
  readonly assertion: StepUpAssertion;
  /** What the answer is about; it must be exactly what the challenge was issued for. */
  readonly expect: StepUpFor;
  /** The person's BSID at the business that gets the proof (`sub`). */
  readonly bsid: string;
  /** The business id that gets the proof (`aud`). */
  readonly audience: string;
}

/**
 * Step 2: spend the challenge (once), check it was issued to this person for exactly `expect`,
 * verify the assertion against one of the person's own passkeys (origin, rpId, user
 * verification, signature counter), and sign a proof the business can check against Parley's
 * JWKS. ERR_CHALLENGE_EXPIRED for an unknown, used, foreign or old challenge; ERR_STEP_UP_FAILED
 * for anything else wrong.
 *
 * @example
 * const { proof } = await completeStepUp(ctx, { personId, assertion, expect: { kind: 'alert', alertId, actionId }, bsid, audience: businessId });
 */
export async function completeStepUp(ctx: ServerContext, input: CompleteStepUpInput): Promise<{ proof: string; userVerified: boolean }> {
  const sign = signers.get(ctx);
  if (!sign) throw new AppError('ERR_UNAVAILABLE', { message: 'Step-up proofs cannot be signed on this server.' });
  const challenge = await spendChallenge(ctx, { id: input.assertion.challengeId, purpose: 'step-up', personId: input.personId });
  if (challenge.pending !== bindingOf(input.expect)) {
    throw new AppError('ERR_STEP_UP_FAILED', { message: 'This passkey confirmation was made for another choice; confirm again.' });
  }
  const passkey = await passkeys.findPasskey(ctx.db, input.assertion.response.id);
  if (!passkey || passkey.person_id !== input.personId) throw new AppError('ERR_STEP_UP_FAILED');
  const { newCounter, userVerified } = await verifyStepUpAssertion(ctx, { assertion: input.assertion, passkey, expectedChallenge: challenge.challenge });
  const now = ctx.clock.now();
  if (!(await passkeys.recordPasskeyUse(ctx.db, { id: passkey.id, counter: newCounter, usedAt: now }))) throw new AppError('ERR_STEP_UP_FAILED');
  const iat = Math.floor(now / 1000);
  const claims: StepUpProofClaims = {
    iss: ctx.config.publicUrl.origin,
    sub: input.bsid,
    aud: input.audience,
    jti: ctx.random.uuid(),
    iat,
    exp: iat + stepUpProofTtlSeconds,
    uv: userVerified,
    ...stepUpBinding(input.expect),
  };
  return { proof: await sign(claims), userVerified };
}

async function verifyStepUpAssertion(
  ctx: ServerContext,
  input: { assertion: StepUpAssertion; passkey: PasskeyRow; expectedChallenge: string },
): Promise<{ newCounter: number; userVerified: boolean }> {
  const rp = relyingParty(ctx.config);
  try {
    const result = await verifyAuthenticationResponse({
      // The schema checked the envelope; SimpleWebAuthn checks the rest and throws on anything malformed.
      response: input.assertion.response as AuthenticationResponseJSON,
      expectedChallenge: input.expectedChallenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.rpID,
      requireUserVerification: true,
      credential: {
        id: input.passkey.id,
        publicKey: Uint8Array.from(input.passkey.public_key),
        counter: input.passkey.counter,
        transports: transportsOf(input.passkey),
      },
    });
    if (result.verified) return { newCounter: result.authenticationInfo.newCounter, userVerified: result.authenticationInfo.userVerified };
  } catch (cause) {
    throw new AppError('ERR_STEP_UP_FAILED', { cause });
  }
  throw new AppError('ERR_STEP_UP_FAILED');
}
