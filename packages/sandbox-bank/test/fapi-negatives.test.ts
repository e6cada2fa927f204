import { setTimeout as sleep } from 'node:timers/promises';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aispClient, authorizationErrorAt, startTwoClientBank, type AispClient, type AispConnection } from './aisp-client';
import { startTestBank, type TestBank } from './bank-fixtures';

// FAPI 2.0 negatives: each request below must be refused, with the OAuth error oidc-provider gives.

const alice = { username: 'alice', password: 'alice-sandbox' };
const permissions = ['ReadAccountsDetail', 'ReadBalances'];

/** Alice authorises a fresh consent in the browser; the client has the callback URL but has not redeemed the code. */
async function codeFor(connection: AispConnection, options: { dpop?: oidc.DPoPHandle } = {}) {
  const consentId = await connection.createConsent(permissions);
  const pushed = await connection.pushAuthorization(consentId, {}, options);
  const { callbackUrl } = await connection.visit(pushed.url, alice);
  const checks = { pkceCodeVerifier: pushed.codeVerifier, expectedState: pushed.state };
  return { callbackUrl, checks, consentId };
}

describe('FAPI 2.0 at the Sandbox Bank: what it refuses', () => {
  let parley: AispClient;
  let other: AispClient;
  let bank: TestBank;
  let connection: AispConnection;
  beforeAll(async () => {
    ({ parley, other, bank, connection } = await startTwoClientBank());
  });
  afterAll(() => bank.stop());

  it('refuses an authorization request that was not pushed (PAR is required)', async () => {
    const consentId = await connection.createConsent(permissions);
    const url = oidc.buildAuthorizationUrl(connection.config, {
      redirect_uri: parley.client.redirectUris[0] ?? '',
      scope: 'openid accounts',
      code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
      state: oidc.randomState(),
      claims: JSON.stringify({ id_token: { openbanking_intent_id: { value: consentId, essential: true } } }),
    });
    expect(await authorizationErrorAt(url)).toMatchObject({ error: 'invalid_request', description: 'Pushed Authorization Request must be used' });
  });

  it('refuses PKCE with the plain method', async () => {
    const consentId = await connection.createConsent(permissions);
    const verifier = oidc.randomPKCECodeVerifier();
    await expect(connection.pushAuthorization(consentId, { code_challenge_method: 'plain', code_challenge: verifier })).rejects.toMatchObject({
      error: 'invalid_request',
      error_description: 'not supported value of code_challenge_method',
    });
  });

  it('refuses a code redeemed with the wrong code_verifier', async () => {
    const { callbackUrl, checks } = await codeFor(connection);
    const wrong = { ...checks, pkceCodeVerifier: oidc.randomPKCECodeVerifier() };
    await expect(oidc.authorizationCodeGrant(connection.config, callbackUrl, wrong, undefined, { DPoP: connection.dpop })).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('refuses a reused code, and revokes the tokens the first use gave', async () => {
    const { callbackUrl, checks } = await codeFor(connection);
    const first = await oidc.authorizationCodeGrant(connection.config, callbackUrl, checks, undefined, { DPoP: connection.dpop });
    expect((await connection.fetchAisp('/accounts', { accessToken: first.access_token })).status).toBe(200);

    await expect(oidc.authorizationCodeGrant(connection.config, callbackUrl, checks, undefined, { DPoP: connection.dpop })).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    expect((await connection.fetchAisp('/accounts', { accessToken: first.access_token })).status).toBe(401);
    await expect(connection.refresh(first.refresh_token ?? '')).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses a token request without a DPoP proof (code and client credentials)', async () => {
    const { callbackUrl, checks } = await codeFor(connection);
    await expect(oidc.authorizationCodeGrant(connection.config, callbackUrl, checks)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(oidc.clientCredentialsGrant(connection.config, { scope: 'accounts' })).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses a code redeemed with a DPoP proof from another key than the one the PAR named', async () => {
    const { callbackUrl, checks } = await codeFor(connection);
    const stranger = await connection.newDPoPHandle();
    await expect(oidc.authorizationCodeGrant(connection.config, callbackUrl, checks, undefined, { DPoP: stranger })).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('refuses a refresh with a DPoP proof from another key than the one the tokens are bound to', async () => {
    const tokens = await connection.authorize({ consentId: await connection.createConsent(permissions), ...alice });
    const stranger = await connection.newDPoPHandle();
    await expect(connection.refresh(tokens.refreshToken ?? '', { dpop: stranger })).rejects.toMatchObject({ error: 'invalid_grant' });
    // The rightful key still refreshes: the refusal was about the key, not a dead token.
    expect((await connection.refresh(tokens.refreshToken ?? '')).access_token).toBeTruthy();
  });

  it('refuses an API call whose DPoP proof is made with another key than the token is bound to', async () => {
    const tokens = await connection.authorize({ consentId: await connection.createConsent(permissions), ...alice });
    const stranger = await connection.newDPoPHandle();
    expect((await connection.fetchAisp('/accounts', { accessToken: tokens.accessToken, dpop: stranger })).status).toBe(401);
    expect((await connection.fetchAisp('/accounts', { accessToken: tokens.accessToken })).status).toBe(200);
  });

  it('refuses a client assertion made for another audience', async () => {
    const elsewhere = await parley.connect(bank.url, {
      modifyAssertion: (_header, payload) => {
        payload.aud = 'https://another-bank.example';
      },
    });
    await expect(elsewhere.clientCredentialsToken()).rejects.toMatchObject({ error: 'invalid_client' });
  });

  it('refuses a request_uri used a second time', async () => {
    const pushed = await connection.pushAuthorization(await connection.createConsent(permissions));
    await connection.visit(pushed.url, alice);
    expect(await authorizationErrorAt(pushed.url)).toMatchObject({ error: 'invalid_request_uri', iss: bank.url });
  });

  it("refuses a request_uri presented by another client than the one that pushed it", async () => {
    const pushed = await connection.pushAuthorization(await connection.createConsent(permissions));
    const stolen = new URL(pushed.url);
    stolen.searchParams.set('client_id', other.client.clientId);
    expect(await authorizationErrorAt(stolen)).toMatchObject({ error: 'invalid_request_object', description: 'request client_id must equal the one in request parameters' });
    // The rightful client can still use it: the refusal did not depend on it being spent.
    expect((await connection.visit(pushed.url, alice)).callbackUrl.searchParams.get('code')).toBeTruthy();
  });
});

describe('FAPI 2.0 at the Sandbox Bank: codes expire', () => {
  let bank: TestBank;
  let connection: AispConnection;
  beforeAll(async () => {
    const parley = await aispClient();
    bank = await startTestBank({ config: { clients: [parley.client], codeTtlSeconds: 1 } });
    connection = await parley.connect(bank.url);
  });
  afterAll(() => bank.stop());

  it('refuses a code redeemed after its lifetime', async () => {
    const { callbackUrl, checks } = await codeFor(connection);
    await sleep(2_000);
    await expect(oidc.authorizationCodeGrant(connection.config, callbackUrl, checks, undefined, { DPoP: connection.dpop })).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });
});
