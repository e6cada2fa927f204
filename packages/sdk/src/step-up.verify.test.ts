import { stepUpProofType, type StepUpProofClaims } from '@parley/protocol';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JSONWebKeySet } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { createReplayGuard, verifyStepUp, StepUpVerificationError, type StepUpVerificationCode, type VerifyStepUpOptions } from './step-up.verify';

// Proofs are made here the way Parley makes them (ES256, typ parley-step-up+jwt, a kid from its
// JWKS); the server suite checks the verifier against proofs from a real Parley too.

const issuer = 'https://parley.example';
const bsid = 'bsid_q3xV0cH8m1bB5nS2LwT9yKfA4pE';
const businessId = '3f1c2b1e-8a9d-4c51-9b7e-3c2d1f0a9b8c';
const iat = 1_795_000_000;
const at = new Date((iat + 10) * 1000);
const kid = 'step-up-test';

let parleyKey: CryptoKey;
let otherKey: CryptoKey;
let jwks: JSONWebKeySet;

beforeAll(async () => {
  const pair = await generateKeyPair('ES256', { extractable: true });
  jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid, alg: 'ES256', use: 'sig' }] };
  parleyKey = pair.privateKey;
  otherKey = (await generateKeyPair('ES256')).privateKey;
});

function claims(overrides: Partial<StepUpProofClaims> = {}): StepUpProofClaims {
  return { iss: issuer, sub: bsid, aud: businessId, jti: 'b1d9c7e2-0f55-4f1e-9d0e-2a4d2f6c1a77', iat, exp: iat + 300, uv: true, kind: 'alert', ref: 'alr_842', act: 'lock_card', ...overrides };
}

async function proofOf(payload: StepUpProofClaims, options: { key?: CryptoKey; typ?: string } = {}): Promise<string> {
  return new SignJWT({ ...payload })
    .setProtectedHeader({ alg: 'ES256', kid, typ: options.typ ?? stepUpProofType })
    .sign(options.key ?? parleyKey);
}

function optionsFor(overrides: Partial<VerifyStepUpOptions> = {}): VerifyStepUpOptions {
  return { jwks, issuer, audience: businessId, bsid, expect: { kind: 'alert', ref: 'alr_842', act: 'lock_card' }, now: at, ...overrides };
}

async function refusal(proof: string, options: VerifyStepUpOptions): Promise<StepUpVerificationCode> {
  const error: unknown = await verifyStepUp(proof, options).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(StepUpVerificationError);
  return (error as StepUpVerificationError).code;
}

describe('verifyStepUp', () => {
  it('accepts a proof Parley signed for this person and this answer, and returns its claims', async () => {
    const verified = await verifyStepUp(await proofOf(claims()), optionsFor());
    expect(verified).toMatchObject({ sub: bsid, kind: 'alert', ref: 'alr_842', act: 'lock_card', uv: true });
  });

  it('takes the answer in the StepUpFor shape too (a postback of one message)', async () => {
    const conversationId = '9a7b3c2d-1e0f-4a5b-8c7d-6e5f4a3b2c1d';
    const proof = await proofOf(claims({ kind: 'postback', ref: `${conversationId}:7`, act: 'UNLOCK_CARD' }));
    await expect(verifyStepUp(proof, optionsFor({ expect: { kind: 'postback', conversationId, seq: 7, payload: 'UNLOCK_CARD' } }))).resolves.toBeTruthy();
    expect(await refusal(proof, optionsFor({ expect: { kind: 'postback', conversationId, seq: 8, payload: 'UNLOCK_CARD' } }))).toBe('wrong_binding');
  });

  it('refuses a proof signed by another key under Parley\'s kid (forged)', async () => {
    expect(await refusal(await proofOf(claims(), { key: otherKey }), optionsFor())).toBe('forged_signature');
  });

  it('refuses a proof whose payload was altered after signing', async () => {
    const [header, , signature] = (await proofOf(claims())).split('.');
    const altered = Buffer.from(JSON.stringify(claims({ act: 'unlock_card' }))).toString('base64url');
    expect(await refusal(`${header}.${altered}.${signature}`, optionsFor({ expect: { kind: 'alert', ref: 'alr_842', act: 'unlock_card' } }))).toBe(
      'forged_signature',
    );
  });

  it('refuses a proof the second time with a replay guard', async () => {
    const guard = createReplayGuard({ now: () => at.getTime() });
    const proof = await proofOf(claims());
    await verifyStepUp(proof, optionsFor({ isReplay: guard }));
    expect(await refusal(proof, optionsFor({ isReplay: guard }))).toBe('replayed');
    // Another proof (another jti) still passes.
    await expect(verifyStepUp(await proofOf(claims({ jti: 'another' })), optionsFor({ isReplay: guard }))).resolves.toBeTruthy();
  });

  it('does not burn a jti on a proof it refuses for another reason', async () => {
    const guard = createReplayGuard({ now: () => at.getTime() });
    const proof = await proofOf(claims());
    expect(await refusal(proof, optionsFor({ isReplay: guard, bsid: 'bsid_someone_else' }))).toBe('wrong_bsid');
    await expect(verifyStepUp(proof, optionsFor({ isReplay: guard }))).resolves.toBeTruthy();
  });

  it('refuses an expired proof, and one older than maxAgeSeconds', async () => {
    const proof = await proofOf(claims());
    expect(await refusal(proof, optionsFor({ now: new Date((iat + 301 + 30) * 1000) }))).toBe('expired');
    expect(await refusal(proof, optionsFor({ maxAgeSeconds: 5, clockToleranceSeconds: 0 }))).toBe('expired');
  });

  it('refuses a proof about another alert, another action, or another kind', async () => {
    const proof = await proofOf(claims());
    expect(await refusal(proof, optionsFor({ expect: { kind: 'alert', ref: 'alr_843', act: 'lock_card' } }))).toBe('wrong_binding');
    expect(await refusal(proof, optionsFor({ expect: { kind: 'alert', ref: 'alr_842', act: 'not_me' } }))).toBe('wrong_binding');
    expect(await refusal(proof, optionsFor({ expect: { kind: 'postback', ref: 'alr_842', act: 'lock_card' } }))).toBe('wrong_binding');
  });

  it('refuses a proof for another person (BSID), another issuer or another business', async () => {
    const proof = await proofOf(claims());
    expect(await refusal(proof, optionsFor({ bsid: 'bsid_someone_else' }))).toBe('wrong_bsid');
    expect(await refusal(proof, optionsFor({ issuer: 'https://evil.example' }))).toBe('wrong_issuer');
    expect(await refusal(proof, optionsFor({ audience: 'another-business' }))).toBe('wrong_audience');
  });

  it('refuses another Parley JWS (another typ), and a proof without user verification unless told otherwise', async () => {
    expect(await refusal(await proofOf(claims(), { typ: 'parley-consent-receipt+jwt' }), optionsFor())).toBe('malformed');
    const presenceOnly = await proofOf(claims({ uv: false }));
    expect(await refusal(presenceOnly, optionsFor())).toBe('not_user_verified');
    await expect(verifyStepUp(presenceOnly, optionsFor({ requireUserVerification: false }))).resolves.toMatchObject({ uv: false });
  });

  it('says the keys were unavailable, not that the proof is bad, when the JWKS cannot be fetched', async () => {
    // Nothing listens on port 1: the fetch is refused at once.
    expect(await refusal(await proofOf(claims()), optionsFor({ jwks: new URL('http://127.0.0.1:1/.well-known/jwks.json') }))).toBe('jwks_unavailable');
  });

  it('refuses what is not a JWS at all', async () => {
    expect(await refusal('not.a.jws', optionsFor())).toBe('malformed');
    expect(await refusal('', optionsFor())).toBe('malformed');
  });
});
