import type { Jwks, Receipt, ReceiptList } from '@parley/protocol';
import { compactVerify, createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consentReceiptType, currentSigningKey, revocationReceiptType, rotateSigningKey, signConsentReceipt, signRevocationReceipt, type ReceiptContext } from '../src/privacy';
import { createTestApp, dialects, type TestApp } from './context';
import { signUpPerson, type TestPerson } from './people';
import { openPrivacyContext } from './privacy-fixtures';

const bank = { id: 'inst-sandbox', name: 'Sandbox Bank' };
const day = 86_400_000;

describe.each(dialects)('consent receipts and the JWKS on %s', (dialect) => {
  let t: TestApp;
  let side: Awaited<ReturnType<typeof openPrivacyContext>>;
  let ctx: ReceiptContext;
  let alice: TestPerson;
  let bob: TestPerson;
  let consent: Receipt;
  let revocation: Receipt;
  beforeAll(async () => {
    t = await createTestApp(dialect, { listen: true });
    side = await openPrivacyContext(t.config);
    ctx = side.ctx;
    alice = await signUpPerson(t.app, 'Alice');
    bob = await signUpPerson(t.app, 'Bob');
    const grantedAt = Date.parse('2026-11-22T10:00:00Z');
    consent = await signConsentReceipt(ctx, {
      personId: alice.me.id,
      institution: bank,
      consentId: 'consent-1',
      permissions: ['balances', 'transactions'],
      purposes: ['show_to_user', 'deliver_alert'],
      grantedAt,
      expiresAt: grantedAt + 90 * day,
    });
    revocation = await signRevocationReceipt(ctx, {
      personId: alice.me.id,
      institution: bank,
      consentId: 'consent-1',
      revokedAt: grantedAt + day,
      revokedBy: 'person',
      erased: { tokens: true, dataKey: true },
    });
  });
  afterAll(async () => {
    await side?.close();
    await t?.close();
  });

  const jwks = () => createRemoteJWKSet(new URL(`${t.baseUrl}/.well-known/jwks.json`));

  it('serves the public keys without sign-in, cacheable, and no private part', async () => {
    const response = await fetch(`${t.baseUrl}/.well-known/jwks.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    const body = (await response.json()) as Jwks;
    expect(body.keys.map((key) => key.kid).sort()).toEqual([expect.stringMatching(/^bank-client-/), expect.stringMatching(/^receipts-/), expect.stringMatching(/^step-up-/)]);
    for (const key of body.keys) {
      expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
      expect(key).not.toHaveProperty('d');
    }
  });

  it('a consent receipt verifies against the served JWKS over a real socket and names the bank, permissions, purposes, expiry and the promises', async () => {
    const { payload, protectedHeader } = await jwtVerify(consent.jws, jwks(), { issuer: t.baseUrl, subject: alice.me.id, typ: consentReceiptType, algorithms: ['ES256'] });
    expect(protectedHeader.kid).toMatch(/^receipts-/);
    expect(payload).toMatchObject({
      jti: consent.id,
      receipt: 'consent',
      consent: {
        id: 'consent-1',
        institution: bank,
        permissions: ['balances', 'transactions'],
        purposes: ['show_to_user', 'deliver_alert'],
        grantedAt: '2026-11-22T10:00:00.000Z',
        expiresAt: '2027-02-20T10:00:00.000Z',
      },
      promises: { advertising: false, thirdPartySharing: false, purposes: ['show_to_user', 'deliver_alert'] },
    });
    const revoked = await jwtVerify(revocation.jws, jwks(), { issuer: t.baseUrl, typ: revocationReceiptType });
    expect(revoked.payload).toMatchObject({ receipt: 'revocation', consent: { id: 'consent-1', institution: bank }, revokedBy: 'person', erased: { tokens: true, dataKey: true } });
  });

  it('an altered receipt does not verify', async () => {
    const [header, payload, signature] = consent.jws.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as { promises: { advertising: boolean } };
    claims.promises.advertising = true;
    const forged = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    await expect(jwtVerify(forged, jwks())).rejects.toThrow(/signature verification failed/);
    const flipped = `${header}.${payload}.${signature?.startsWith('A') ? 'B' : 'A'}${signature?.slice(1)}`;
    await expect(jwtVerify(flipped, jwks())).rejects.toThrow();
  });

  it('the person lists and downloads their receipts, as JSON or as application/jose', async () => {
    const list = await t.app.inject({ url: '/v1/privacy/receipts', headers: { cookie: alice.cookie } });
    expect(list.statusCode).toBe(200);
    const receipts = list.json<ReceiptList>().receipts;
    expect(receipts).toHaveLength(2);
    expect(receipts).toEqual(expect.arrayContaining([
      { id: revocation.id, kind: 'revocation', consentId: 'consent-1', institution: bank, createdAt: expect.any(Number) },
      { id: consent.id, kind: 'consent', consentId: 'consent-1', institution: bank, createdAt: expect.any(Number) },
    ]));

    const json = await t.app.inject({ url: `/v1/privacy/receipts/${consent.id}`, headers: { cookie: alice.cookie } });
    expect(json.json<Receipt>()).toEqual(consent);
    const file = await t.app.inject({ url: `/v1/privacy/receipts/${consent.id}`, headers: { cookie: alice.cookie, accept: 'application/jose' } });
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toMatch(/^application\/jose/);
    expect(file.headers['content-disposition']).toContain(`parley-consent-receipt-${consent.id}.jws`);
    expect(file.body).toBe(consent.jws);
    await compactVerify(file.body, jwks());
  });

  it('another person\'s receipts answer 404 and never appear in their list (BOLA)', async () => {
    const theirs = await t.app.inject({ url: `/v1/privacy/receipts/${consent.id}`, headers: { cookie: bob.cookie } });
    expect(theirs.statusCode).toBe(404);
    expect(theirs.json().error.code).toBe('ERR_NOT_FOUND');
    const asFile = await t.app.inject({ url: `/v1/privacy/receipts/${consent.id}`, headers: { cookie: bob.cookie, accept: 'application/jose' } });
    expect(asFile.statusCode).toBe(404);
    expect((await t.app.inject({ url: '/v1/privacy/receipts', headers: { cookie: bob.cookie } })).json()).toEqual({ receipts: [] });
    expect((await t.app.inject({ url: `/v1/privacy/receipts/${consent.id}` })).statusCode).toBe(401);
  });

  it('refuses a receipt for a purpose outside the closed list', async () => {
    const input = { personId: alice.me.id, institution: bank, consentId: 'c-2', permissions: ['balances'] as const, grantedAt: 0, expiresAt: day };
    await expect(signConsentReceipt(ctx, { ...input, purposes: ['advertising' as 'show_to_user'] })).rejects.toMatchObject({ code: 'ERR_VALIDATION' });
  });

  it('after a signing key rotation old receipts still verify, new ones carry the new kid, and the bank-client key is separate', async () => {
    const before = decodeProtectedHeader(consent.jws).kid;
    const kid = await rotateSigningKey(ctx, 'receipts');
    expect(kid).not.toBe(before);
    const fresh = await signConsentReceipt(ctx, {
      personId: alice.me.id, institution: bank, consentId: 'consent-3', permissions: ['account_details'], purposes: ['support_context'], grantedAt: 0, expiresAt: day,
    });
    expect(decodeProtectedHeader(fresh.jws).kid).toBe(kid);
    const keys = jwks();
    await jwtVerify(consent.jws, keys);
    await jwtVerify(fresh.jws, keys);
    const client = await currentSigningKey(ctx, 'bank-client');
    expect(client.kid).toMatch(/^bank-client-/);
    expect(client.privateKey.type).toBe('private');
  });
});
