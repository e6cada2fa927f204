import { hash, randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aispBasePath, aispClient, linkCustomer, type AispConnection, type AispTokens } from './aisp-client';
import { startTestBank, type TestBank } from './bank-fixtures';

// The resource server's DPoP check (BankOidc.verifyAccessToken), seen through GET /accounts:
// each request differs from a good one in one way only, so a 401 can only come from that one way.

/** setProtectedHeader's type refuses a private member: the test means to send one. */
type PublicJwkInHeader = Parameters<SignJWT['setProtectedHeader']>[0]['jwk'];

interface ProofClaims {
  htm: string;
  htu: string;
  iat: number;
  jti: string;
  ath: string;
}

describe('the DPoP check on the bank’s APIs', () => {
  let bank: TestBank;
  let connection: AispConnection;
  let tokens: AispTokens;
  let accountsUrl: string;
  beforeAll(async () => {
    const parley = await aispClient();
    bank = await startTestBank({ config: { clients: [parley.client] } });
    connection = await parley.connect(bank.url);
    tokens = await linkCustomer(connection, { username: 'alice', password: 'alice-sandbox', permissions: ['ReadAccountsDetail'] });
    accountsUrl = `${bank.url}${aispBasePath}/accounts`;
  });
  afterAll(() => bank.stop());

  const goodClaims = (): ProofClaims => ({
    htm: 'GET',
    htu: accountsUrl,
    iat: Math.floor(Date.now() / 1000),
    jti: randomUUID(),
    ath: hash('sha256', tokens.accessToken, 'base64url'),
  });

  async function proof(claims: Partial<ProofClaims>, header: { typ?: string } = {}): Promise<string> {
    const jwk = await exportJWK(connection.dpopKeys.publicKey);
    return new SignJWT({ ...goodClaims(), ...claims })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk, ...header })
      .sign(connection.dpopKeys.privateKey);
  }

  const call = (headers: Record<string, string>) => fetch(accountsUrl, { headers: { accept: 'application/json', ...headers } });
  const withProof = async (claims: Partial<ProofClaims>, header: { typ?: string } = {}) =>
    (await call({ authorization: `DPoP ${tokens.accessToken}`, dpop: await proof(claims, header) })).status;

  it('accepts a proof made by hand the way RFC 9449 says', async () => {
    expect(await withProof({})).toBe(200);
  });

  it('refuses the same proof a second time', async () => {
    const once = await proof({});
    expect((await call({ authorization: `DPoP ${tokens.accessToken}`, dpop: once })).status).toBe(200);
    expect((await call({ authorization: `DPoP ${tokens.accessToken}`, dpop: once })).status).toBe(401);
  });

  it('refuses a proof made for another method, another URL or another token', async () => {
    expect(await withProof({ htm: 'POST' })).toBe(401);
    expect(await withProof({ htu: `${bank.url}${aispBasePath}/balances` })).toBe(401);
    expect(await withProof({ ath: hash('sha256', 'another-token', 'base64url') })).toBe(401);
  });

  it('ignores the query string of htu, as RFC 9449 says', async () => {
    expect(await withProof({ htu: `${accountsUrl}?page=2` })).toBe(200);
  });

  it('refuses a proof from five minutes ago or five minutes ahead', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(await withProof({ iat: now - 300 })).toBe(401);
    expect(await withProof({ iat: now + 300 })).toBe(401);
  });

  it('refuses a JWT that is not typed dpop+jwt', async () => {
    expect(await withProof({}, { typ: 'JWT' })).toBe(401);
  });

  it('refuses the token as a Bearer token, or without any proof', async () => {
    expect((await call({ authorization: `Bearer ${tokens.accessToken}`, dpop: await proof({}) })).status).toBe(401);
    expect((await call({ authorization: `DPoP ${tokens.accessToken}` })).status).toBe(401);
  });

  // The bank imports each proof key once and keeps it: a key it knows must not make a proof
  // valid that its private half did not sign, nor a private key pass as a public one.
  it('refuses a proof that embeds the known key but was signed by another, or that embeds a private key', async () => {
    expect(await withProof({})).toBe(200);
    const jwk = await exportJWK(connection.dpopKeys.publicKey);
    const { privateKey: stranger } = await generateKeyPair('ES256', { extractable: true });
    const signedByStranger = await new SignJWT({ ...goodClaims() }).setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk }).sign(stranger);
    expect((await call({ authorization: `DPoP ${tokens.accessToken}`, dpop: signedByStranger })).status).toBe(401);
    const withPrivate = await new SignJWT({ ...goodClaims() })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: { ...jwk, d: (await exportJWK(stranger)).d } as PublicJwkInHeader })
      .sign(connection.dpopKeys.privateKey);
    expect((await call({ authorization: `DPoP ${tokens.accessToken}`, dpop: withPrivate })).status).toBe(401);
    const hmac = await new SignJWT({ ...goodClaims() }).setProtectedHeader({ alg: 'HS256', typ: 'dpop+jwt', jwk }).sign(new Uint8Array(32));
    expect((await call({ authorization: `DPoP ${tokens.accessToken}`, dpop: hmac })).status).toBe(401);
    // The good key still works after all that.
    expect(await withProof({})).toBe(200);
  });

  it('refuses an unknown token even with a well-made proof for it', async () => {
    const forged = 'x'.repeat(43);
    const ath = hash('sha256', forged, 'base64url');
    expect((await call({ authorization: `DPoP ${forged}`, dpop: await proof({ ath }) })).status).toBe(401);
  });
});
