import { stepUpBinding, stepUpProofType, type StepUpFor, type StepUpKind, type StepUpProofClaims } from '@parley/protocol';
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTPayload, type JWTVerifyGetKey } from 'jose';

/** Why a step-up proof was refused. Stable: switch on it, log it, do not echo it to the person. */
export type StepUpVerificationCode =
  /** Not signed by a key in Parley's JWKS (another key, or an altered header or payload). */
  | 'forged_signature'
  /** Not a compact JWS, not ES256, not `typ: parley-step-up+jwt`, or claims missing or of the wrong type. */
  | 'malformed'
  | 'wrong_issuer'
  | 'wrong_audience'
  /** Past `exp`, or older than `maxAgeSeconds`, or issued in the future. */
  | 'expired'
  /** `isReplay` said this `jti` was seen before. */
  | 'replayed'
  /** About another alert, action, message or payload than the one being acted on. */
  | 'wrong_binding'
  /** Made for another person (another BSID). */
  | 'wrong_bsid'
  /** The authenticator did not verify the person (no biometric or PIN), and `requireUserVerification` is on. */
  | 'not_user_verified'
  /** The JWKS could not be fetched; nothing is known about the proof. Retry later. */
  | 'jwks_unavailable';

/** Thrown by `verifyStepUp` when a proof must not be trusted: do not act on the answer. */
export class StepUpVerificationError extends Error {
  readonly code: StepUpVerificationCode;
  constructor(code: StepUpVerificationCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StepUpVerificationError';
    this.code = code;
  }
}

/** What the answer being acted on is: the claims a proof carries, or the `StepUpFor` shape. */
export type StepUpExpectation = { readonly kind: StepUpKind; readonly ref: string; readonly act: string } | StepUpFor;

export interface VerifyStepUpOptions {
  /** Parley's JWKS: its URL (`https://parley.example/.well-known/jwks.json`, fetched and cached) or the key set itself. */
  readonly jwks: URL | JSONWebKeySet | JWTVerifyGetKey;
  /** Parley's public URL origin, exactly as `iss` carries it, e.g. `https://parley.example`. */
  readonly issuer: string;
  /** Your business id on Parley (`aud`). Optional: a BSID belongs to one business, so `bsid` alone already refuses another bank's proof. */
  readonly audience?: string;
  /** The BSID of the person whose answer this is (from the webhook). */
  readonly bsid: string;
  /** The answer you are about to act on: `{kind:'alert', ref: alertId, act: actionId}` or `{kind:'postback', ref: '<conversationId>:<seq>', act: payload}`. */
  readonly expect: StepUpExpectation;
  /** Refuse proofs issued longer ago than this; default 300 s (what Parley issues). */
  readonly maxAgeSeconds?: number;
  /** Allowed clock skew between Parley and you; default 30 s. */
  readonly clockToleranceSeconds?: number;
  /** Require the `uv` flag (the person was verified with a biometric or PIN); default true. */
  readonly requireUserVerification?: boolean;
  /**
   * Called last, once everything else holds: true if this `jti` was seen before. It must also
   * remember the `jti` until `exp` (seconds). A bank keeps them in its database; `createReplayGuard` is an in-memory one for a single process.
   */
  readonly isReplay?: (jti: string, exp: number) => boolean | Promise<boolean>;
  /** The current time, for tests; default now. */
  readonly now?: Date;
}

const remoteSets = new Map<string, JWTVerifyGetKey>();

function keySource(jwks: VerifyStepUpOptions['jwks']): JWTVerifyGetKey {
  if (typeof jwks === 'function') return jwks;
  if (jwks instanceof URL) {
    let set = remoteSets.get(jwks.href);
    // One cached key set per URL: jose refetches on an unknown kid (a rotation), not on every proof.
    if (!set) remoteSets.set(jwks.href, (set = createRemoteJWKSet(jwks)));
    return set;
  }
  return createLocalJWKSet(jwks);
}

function bindingOf(expect: StepUpExpectation): { kind: StepUpKind; ref: string; act: string } {
  return 'ref' in expect ? { kind: expect.kind, ref: expect.ref, act: expect.act } : stepUpBinding(expect);
}

function translate(error: unknown): StepUpVerificationError {
  if (error instanceof errors.JWTExpired) return new StepUpVerificationError('expired', 'The step-up proof has expired.', { cause: error });
  if (error instanceof errors.JWTClaimValidationFailed) {
    const byClaim: Record<string, StepUpVerificationCode> = { iss: 'wrong_issuer', aud: 'wrong_audience', iat: 'expired', nbf: 'expired' };
    const code = byClaim[error.claim] ?? 'malformed';
    return new StepUpVerificationError(code, `The step-up proof's ${error.claim} claim is not acceptable: ${error.reason}.`, { cause: error });
  }
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
    return new StepUpVerificationError('forged_signature', 'The step-up proof is not signed by Parley.', { cause: error });
  }
  if (error instanceof errors.JWKSTimeout || (error instanceof errors.JOSEError && error.code === 'ERR_JWKS_INVALID')) {
    return new StepUpVerificationError('jwks_unavailable', 'Parley\'s signing keys could not be fetched.', { cause: error });
  }
  if (error instanceof errors.JOSEError) return new StepUpVerificationError('malformed', 'The step-up proof is not a valid Parley step-up JWS.', { cause: error });
  // A failed fetch of the JWKS surfaces as a plain network error.
  return new StepUpVerificationError('jwks_unavailable', 'Parley\'s signing keys could not be fetched.', { cause: error });
}

function claimsOf(payload: JWTPayload): StepUpProofClaims {
  const { sub, aud, jti, iat, exp, uv, kind, ref, act, iss } = payload as Record<string, unknown>;
  const strings = [iss, sub, aud, jti, ref, act].every((value) => typeof value === 'string');
  const times = Number.isInteger(iat) && Number.isInteger(exp);
  if (!strings || !times || typeof uv !== 'boolean' || (kind !== 'alert' && kind !== 'postback')) {
    throw new StepUpVerificationError('malformed', 'The step-up proof lacks a claim or carries one of the wrong type.');
  }
  return payload as unknown as StepUpProofClaims;
}

/**
 * Check a step-up proof before acting on a sensitive answer (lock a card, unlock it): that
 * Parley signed it (its JWKS), for you, for this person, about exactly this answer, recently,
 * with the person verified by their passkey — and, with `isReplay`, that it was not used before.
 * Returns the verified claims; throws `StepUpVerificationError` with a stable `code` otherwise.
 *
 * @example
 * const claims = await verifyStepUp(event.data.stepUp, {
 *   jwks: new URL('/.well-known/jwks.json', parleyUrl), issuer: parleyUrl, bsid: event.data.bsid,
 *   expect: { kind: 'alert', ref: event.data.alertId, act: event.data.actionId }, isReplay: guard,
 * });
 */
export async function verifyStepUp(proof: string, options: VerifyStepUpOptions): Promise<StepUpProofClaims> {
  if (typeof proof !== 'string' || proof.length === 0) throw new StepUpVerificationError('malformed', 'There is no step-up proof.');
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(proof, keySource(options.jwks), {
      algorithms: ['ES256'],
      typ: stepUpProofType,
      issuer: options.issuer,
      ...(options.audience === undefined ? {} : { audience: options.audience }),
      maxTokenAge: options.maxAgeSeconds ?? 300,
      clockTolerance: options.clockToleranceSeconds ?? 30,
      requiredClaims: ['iss', 'sub', 'aud', 'jti', 'iat', 'exp'],
      ...(options.now === undefined ? {} : { currentDate: options.now }),
    }));
  } catch (error) {
    throw translate(error);
  }
  const claims = claimsOf(payload);
  if (claims.sub !== options.bsid) throw new StepUpVerificationError('wrong_bsid', 'The step-up proof is for another person.');
  const expected = bindingOf(options.expect);
  if (claims.kind !== expected.kind || claims.ref !== expected.ref || claims.act !== expected.act) {
    throw new StepUpVerificationError('wrong_binding', 'The step-up proof confirms another answer than this one.');
  }
  if ((options.requireUserVerification ?? true) && !claims.uv) {
    throw new StepUpVerificationError('not_user_verified', 'The person was not verified by their authenticator.');
  }
  if (options.isReplay && (await options.isReplay(claims.jti, claims.exp))) {
    throw new StepUpVerificationError('replayed', 'This step-up proof was already used.');
  }
  return claims;
}

/**
 * An in-memory `isReplay` for a bot that runs as one process: it remembers each `jti` until its
 * `exp` and says true the second time. A bank with more than one process, or that must survive a
 * restart, stores `jti` in its database (unique, deleted after `exp`) instead.
 */
export function createReplayGuard(options: { now?: () => number } = {}): (jti: string, exp: number) => boolean {
  const seen = new Map<string, number>();
  const now = options.now ?? Date.now;
  return (jti, exp) => {
    const nowSeconds = Math.floor(now() / 1000);
    for (const [id, until] of seen) if (until < nowSeconds) seen.delete(id);
    if (seen.has(jti)) return true;
    seen.set(jti, exp);
    return false;
  };
}
