import { verifyStepUp, type StepUpProofClaims } from '@parley/sdk';
import { stepUpProofType, type Business, type Jwks, type StepUpAssertion, type StepUpFor } from '@parley/protocol';
import { decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bsidFor } from '../src/business';
import type { ServerContext } from '../src/context';
import { completeStepUp, provideStepUpSigner } from '../src/identity';
import { signJws } from '../src/privacy';
import { createTestApp, dialects, type TestApp } from './context';
import { ManualClock, minutes, openSideContext, signUpWithPasskey, type PasskeyPerson } from './identity-fixtures';
import { sandboxBank } from './messaging-client';
import { signUpPerson } from './people';
import { askStepUp, assertionOf, asTestPerson, requestOptionsOf, stepUpAssertion, stepUpOptions } from './step-up-fixtures';
import { SoftwareAuthenticator } from './webauthn-authenticator';

// The person confirms an alert answer with their own passkey; Parley signs a proof the bank
// checks with the SDK against Parley's real JWKS, fetched over HTTP. completeStepUp is what the
// alert answer route calls; here it runs on a second handle on the same store (same keys).

describe.each(dialects)('passkey step-up on %s', (dialect) => {
  let t: TestApp;
  let side: { ctx: ServerContext; close(): Promise<void> };
  let clock: ManualClock;
  let alice: PasskeyPerson;
  let aliceKeys: SoftwareAuthenticator;
  let bob: PasskeyPerson;
  let bobKeys: SoftwareAuthenticator;
  let bank: Business;
  let bsid: string;

  const lockCard: StepUpFor = { kind: 'alert', alertId: 'alr_842', actionId: 'lock_card' };
  const complete = (assertion: StepUpAssertion, expect: StepUpFor = lockCard, personId = alice.me.id) =>
    completeStepUp(side.ctx, { personId, assertion, expect, bsid, audience: bank.id });
  const verifyOptions = () => ({
    jwks: new URL('/.well-known/jwks.json', t.baseUrl),
    issuer: t.config.publicUrl.origin,
    audience: bank.id,
    bsid,
    expect: { kind: 'alert', ref: 'alr_842', act: 'lock_card' } as const,
  });

  beforeAll(async () => {
    t = await createTestApp(dialect, { listen: true });
    clock = new ManualClock(Date.now());
    side = await openSideContext(t, clock);
    provideStepUpSigner(side.ctx, (claims) => signJws(side.ctx, { use: 'step-up', typ: stepUpProofType, claims }));
    aliceKeys = new SoftwareAuthenticator(t.baseUrl);
    alice = await signUpWithPasskey(t.app, aliceKeys, { displayName: 'Alice' });
    bobKeys = new SoftwareAuthenticator(t.baseUrl);
    bob = await signUpWithPasskey(t.app, bobKeys, { displayName: 'Bob' });
    bank = await sandboxBank(t.app, asTestPerson(alice));
    bsid = await bsidFor(side.ctx, bank.id, alice.me.id);
  });
  afterAll(async () => {
    await side?.close();
    await t?.close();
  });

  it('asks for one of the person\'s own passkeys with user verification, and signs a proof the SDK accepts against the live JWKS', async () => {
    const options = await stepUpOptions(t.app, alice, lockCard);
    expect(options.publicKey).toMatchObject({ userVerification: 'required', rpId: 'localhost', allowCredentials: [{ id: aliceKeys.credentials[0]!.id }] });

    const assertion = assertionOf(options.challengeId, aliceKeys.authenticate(requestOptionsOf(options)));
    const { proof, userVerified } = await complete(assertion);
    expect(userVerified).toBe(true);

    const claims: StepUpProofClaims = await verifyStepUp(proof, verifyOptions());
    expect(claims).toMatchObject({ iss: t.config.publicUrl.origin, sub: bsid, aud: bank.id, uv: true, kind: 'alert', ref: 'alr_842', act: 'lock_card' });
    expect(claims.exp - claims.iat).toBe(300);
    expect(proof).not.toContain(alice.me.id);
    const { kid, typ } = decodeProtectedHeader(proof);
    expect(typ).toBe('parley-step-up+jwt');
    const jwks = (await (await fetch(`${t.baseUrl}/.well-known/jwks.json`)).json()) as Jwks;
    expect(jwks.keys.map((key) => key.kid)).toContain(kid);
    expect(kid).toMatch(/^step-up-/);
  });

  it('refuses an assertion made for another action or another alert, and spends its challenge', async () => {
    const forUnlock = await stepUpAssertion(t.app, alice, aliceKeys, { kind: 'alert', alertId: 'alr_842', actionId: 'not_me' });
    await expect(complete(forUnlock)).rejects.toMatchObject({ code: 'ERR_STEP_UP_FAILED' });
    await expect(complete(forUnlock, { kind: 'alert', alertId: 'alr_842', actionId: 'not_me' })).rejects.toMatchObject({ code: 'ERR_CHALLENGE_EXPIRED' });

    const otherAlert = await stepUpAssertion(t.app, alice, aliceKeys, { kind: 'alert', alertId: 'alr_843', actionId: 'lock_card' });
    await expect(complete(otherAlert)).rejects.toMatchObject({ code: 'ERR_STEP_UP_FAILED' });
  });

  it('takes each challenge once: the same assertion a second time is refused', async () => {
    const assertion = await stepUpAssertion(t.app, alice, aliceKeys, lockCard);
    await complete(assertion);
    await expect(complete(assertion)).rejects.toMatchObject({ code: 'ERR_CHALLENGE_EXPIRED' });
  });

  it('refuses another person\'s challenge without spending it, and another person\'s passkey on one\'s own', async () => {
    const bobs = await stepUpAssertion(t.app, bob, bobKeys, lockCard);
    await expect(complete(bobs)).rejects.toMatchObject({ code: 'ERR_CHALLENGE_EXPIRED' });
    // Bob's challenge is still his to use.
    const bobBsid = await bsidFor(side.ctx, bank.id, bob.me.id);
    await expect(completeStepUp(side.ctx, { personId: bob.me.id, assertion: bobs, expect: lockCard, bsid: bobBsid, audience: bank.id })).resolves.toBeTruthy();

    // Bob's authenticator answering Alice's prompt (say, on her unlocked laptop) proves nothing for Alice.
    const options = await stepUpOptions(t.app, alice, lockCard);
    const response = bobKeys.authenticate({ ...requestOptionsOf(options), allowCredentials: [] });
    await expect(complete(assertionOf(options.challengeId, response))).rejects.toMatchObject({ code: 'ERR_STEP_UP_FAILED' });
  });

  it('refuses a wrong signature, a phishing origin and a replayed signature counter', async () => {
    const forged = await stepUpAssertion(t.app, alice, aliceKeys, lockCard);
    const signature = Buffer.from(forged.response.response.signature!, 'base64url');
    signature[signature.length - 1]! ^= 0x01;
    forged.response.response.signature = signature.toString('base64url');
    await expect(complete(forged)).rejects.toMatchObject({ code: 'ERR_STEP_UP_FAILED' });

    const phished = await stepUpOptions(t.app, alice, lockCard);
    const response = aliceKeys.authenticate(requestOptionsOf(phished), { origin: 'https://parley.example.evil' });
    await expect(complete(assertionOf(phished.challengeId, response))).rejects.toMatchObject({ code: 'ERR_STEP_UP_FAILED' });

    // A cloned key replaying an old counter value.
    const cloned = await stepUpOptions(t.app, alice, lockCard);
    const stale = aliceKeys.authenticate(requestOptionsOf(cloned), { signCount: 1 });
    await expect(complete(assertionOf(cloned.challengeId, stale))).rejects.toMatchObject({ code: 'ERR_STEP_UP_FAILED' });
  });

  it('refuses a challenge older than 5 minutes', async () => {
    const assertion = await stepUpAssertion(t.app, alice, aliceKeys, lockCard);
    clock.advance(minutes(6));
    try {
      await expect(complete(assertion)).rejects.toMatchObject({ code: 'ERR_CHALLENGE_EXPIRED' });
    } finally {
      clock.advance(-minutes(6));
    }
  });

  it('needs a session, its CSRF token and a passkey to ask', async () => {
    expect((await askStepUp(t.app, { headers: {} }, lockCard)).statusCode).toBe(401);
    expect((await askStepUp(t.app, { headers: { cookie: alice.cookie } }, lockCard)).json()).toMatchObject({ error: { code: 'ERR_CSRF' } });
    const passwordOnly = await signUpPerson(t.app);
    const refused = await askStepUp(t.app, passwordOnly, lockCard);
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ error: { code: 'ERR_STEP_UP_FAILED' } });
    const bad = await askStepUp(t.app, alice, { kind: 'alert', alertId: '', actionId: 'x' } as StepUpFor);
    expect(bad.statusCode).toBe(400);
  });
});
