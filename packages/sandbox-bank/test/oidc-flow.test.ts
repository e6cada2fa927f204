import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCustomerByUsername, listAccountsOfCustomer } from '../src/customers/customer.repository';
import { findConsent, insertConsent } from '../src/open-banking/consent.repository';
import { aispBasePath, aispClient, BankPageError, intentClaims, linkCustomer, startTwoClientBank, type AispClient, type AispConnection } from './aisp-client';
import { startTestBank, type TestBank } from './bank-fixtures';

const alice = { username: 'alice', password: 'alice-sandbox' };
const permissions = ['ReadAccountsDetail', 'ReadBalances'];

/** The pages the browser saw before the helper gave up (an error page, a form shown again). */
async function pagesOfFailedVisit(visit: Promise<unknown>) {
  const error = await visit.then(
    () => null,
    (reason: unknown) => reason,
  );
  if (!(error instanceof BankPageError)) throw new Error(`expected the bank to stop the visit, got ${String(error)}`);
  return error.pages;
}

async function accountsOf(bank: TestBank, username: string) {
  const customer = await findCustomerByUsername(bank.ctx.db, username);
  if (!customer) throw new Error(`no customer ${username}`);
  return listAccountsOfCustomer(bank.ctx.db, customer.id);
}

describe("the bank's OpenID provider: a customer connects Parley", () => {
  let parley: AispClient;
  let other: AispClient;
  let bank: TestBank;
  let connection: AispConnection;
  beforeAll(async () => {
    ({ parley, other, bank, connection } = await startTwoClientBank());
  });
  afterAll(() => bank.stop());

  it('advertises the FAPI 2.0 profile in its discovery document', async () => {
    const discovery = (await (await fetch(`${bank.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(discovery).toMatchObject({
      issuer: bank.url,
      pushed_authorization_request_endpoint: `${bank.url}/request`,
      require_pushed_authorization_requests: true,
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
      authorization_response_iss_parameter_supported: true,
      response_types_supported: ['code'],
    });
    expect(discovery.dpop_signing_alg_values_supported).toEqual(expect.arrayContaining(['PS256', 'ES256']));
    expect(discovery.grant_types_supported).toEqual(expect.arrayContaining(['authorization_code', 'refresh_token', 'client_credentials']));
  });

  it('publishes only the public halves of its signing keys', async () => {
    const jwks = (await (await fetch(`${bank.url}/jwks`)).json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys.map((key) => key.alg).sort()).toEqual(['ES256', 'PS256']);
    for (const key of jwks.keys) expect(key).not.toHaveProperty('d');
  });

  it('gives DPoP-bound tokens for the accounts the customer ticked, and only those', async () => {
    const [chosen, ...notChosen] = await accountsOf(bank, 'alice');
    const consentId = await connection.createConsent(permissions);
    const tokens = await connection.authorize({ consentId, ...alice, accountIds: [chosen?.id ?? ''] });

    expect(tokens.response.token_type.toLowerCase()).toBe('dpop');
    expect(tokens.refreshToken).toBeTruthy();
    const consent = await findConsent(bank.ctx.db, consentId);
    expect(consent).toMatchObject({ status: 'AUTH', account_ids: JSON.stringify([chosen?.id]) });

    const response = await connection.fetchAisp('/accounts');
    expect(response.status).toBe(200);
    const shared = ((await response.json()) as { Data: { Account: { AccountId: string }[] } }).Data.Account.map((account) => account.AccountId);
    expect(shared).toEqual([chosen?.id]);
    expect(notChosen.length).toBeGreaterThan(0);
  });

  it('shows who is asking, the permissions in plain words, the expiry and the accounts; refusing sends access_denied and rejects the consent', async () => {
    const consentId = await connection.createConsent(['ReadAccountsDetail', 'ReadBalances', 'ReadTransactionsDetail', 'ReadTransactionsCredits', 'ReadTransactionsDebits'], {
      expirationDateTime: '2027-03-31T10:00:00+00:00',
    });
    const pushed = await connection.pushAuthorization(consentId);
    const visit = await connection.visit(pushed.url, { ...alice, refuse: true });

    const consentPage = visit.pages.find((shown) => shown.body.includes('/confirm'))?.body ?? '';
    expect(consentPage).toContain('Parley is asking to see your data');
    expect(consentPage).toContain('Your account names and numbers');
    expect(consentPage).toContain('Your balances');
    expect(consentPage).toContain('Your transactions, with merchant and reference details');
    expect(consentPage).toContain('Until 31 March 2027');
    for (const account of await accountsOf(bank, 'alice')) expect(consentPage).toContain(`value="${account.id}"`);

    expect(visit.callbackUrl.searchParams.get('error')).toBe('access_denied');
    expect(visit.callbackUrl.searchParams.get('iss')).toBe(bank.url);
    expect(visit.callbackUrl.searchParams.get('state')).toBe(pushed.state);
    expect((await findConsent(bank.ctx.db, consentId))?.status).toBe('RJCT');
  });

  it('says a consent without an expiry lasts until the customer revokes it', async () => {
    const pushed = await connection.pushAuthorization(await connection.createConsent(permissions));
    const visit = await connection.visit(pushed.url, { ...alice, refuse: true });
    expect(visit.pages.find((shown) => shown.body.includes('/confirm'))?.body).toContain('Until you revoke it');
  });

  it('gives the same answer for an unknown customer and a wrong password', async () => {
    const answers = [];
    for (const customer of [{ username: 'alice', password: 'not-her-password' }, { username: 'nobody', password: 'alice-sandbox' }]) {
      const pushed = await connection.pushAuthorization(await connection.createConsent(permissions));
      const pages = await pagesOfFailedVisit(connection.visit(pushed.url, customer));
      const last = pages.at(-1);
      expect(last?.status).toBe(401);
      answers.push(/<p class="error" role="alert">([^<]*)<\/p>/.exec(last?.body ?? '')?.[1]);
    }
    expect(answers[0]).toBe('That username and password do not match.');
    expect(answers[1]).toBe(answers[0]);
  });

  it('asks again when the customer allows without ticking an account, and leaves the consent waiting', async () => {
    const consentId = await connection.createConsent(permissions);
    const pushed = await connection.pushAuthorization(consentId);
    const pages = await pagesOfFailedVisit(connection.visit(pushed.url, { ...alice, accountIds: [] }));
    expect(pages.at(-1)?.status).toBe(400);
    expect(pages.at(-1)?.body).toContain('Choose at least one account to share, or refuse.');
    expect((await findConsent(bank.ctx.db, consentId))?.status).toBe('AWAU');
  });

  it('refuses a login form posted with a forged CSRF token, or from a browser without the interaction cookie', async () => {
    const pushed = await connection.pushAuthorization(await connection.createConsent(permissions));
    const toLogin = await fetch(pushed.url, { redirect: 'manual' });
    const interactionUrl = new URL(toLogin.headers.get('location') ?? '', bank.url);
    const cookie = toLogin.headers
      .getSetCookie()
      .map((line) => line.split(';')[0])
      .join('; ');
    const loginPage = await (await fetch(interactionUrl, { headers: { cookie } })).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(loginPage)?.[1] ?? '';
    const post = (form: Record<string, string>, headers: Record<string, string>) =>
      fetch(`${interactionUrl.href}/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams(form).toString(),
      });

    expect((await post({ ...alice, csrf: 'forged' }, { cookie })).status).toBe(403);
    expect((await post({ ...alice, csrf }, {})).status).toBe(400);
    // The rightful browser with the right token gets through.
    expect((await post({ ...alice, csrf }, { cookie })).status).toBe(303);
  });

  it('refuses a PAR without a consent, for an unknown one, for another client’s, for an expired one, or for one already decided', async () => {
    const push = (claims: string | undefined) => connection.pushAuthorization('unused', { claims: claims ?? JSON.stringify({ id_token: { auth_time: { essential: true } } }) });
    await expect(push(undefined)).rejects.toMatchObject({ error: 'invalid_request', error_description: 'an openbanking_intent_id claim (the ConsentId) is required' });
    await expect(push(intentClaims('no-such-consent'))).rejects.toMatchObject({ error: 'invalid_request', error_description: 'unknown openbanking_intent_id' });

    const theirs = await (await other.connect(bank.url)).createConsent(permissions);
    await expect(push(intentClaims(theirs))).rejects.toMatchObject({ error: 'invalid_request', error_description: 'unknown openbanking_intent_id' });

    const lapsed = randomUUID();
    const past = Date.now() - 60_000;
    const row = { id: lapsed, client_id: parley.client.clientId, status: 'AWAU' as const, permissions: JSON.stringify(permissions), expires_at: past };
    await insertConsent(bank.ctx.db, { ...row, transaction_from: null, transaction_to: null, customer_id: null, account_ids: '[]', created_at: past, status_updated_at: past });
    await expect(push(intentClaims(lapsed))).rejects.toMatchObject({ error: 'invalid_request', error_description: 'the consent has expired' });

    const decided = await connection.createConsent(permissions);
    await connection.authorize({ consentId: decided, ...alice });
    await expect(push(intentClaims(decided))).rejects.toMatchObject({
      error: 'invalid_request',
      error_description: 'the consent is AUTH, not AWAU (awaiting authorisation)',
    });
  });

  it('rotates refresh tokens, and a refresh token used twice ends the whole grant', async () => {
    const tokens = await linkCustomer(connection, { ...alice, permissions });
    const refreshed = await connection.refresh(tokens.refreshToken ?? '');
    expect(refreshed.refresh_token).toBeTruthy();
    expect(refreshed.refresh_token).not.toBe(tokens.refreshToken);

    await expect(connection.refresh(tokens.refreshToken ?? '')).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(connection.refresh(refreshed.refresh_token ?? '')).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('ends the tokens of a consent the client deletes: the API answers 403 (consent revoked) and refresh fails with invalid_grant', async () => {
    const tokens = await linkCustomer(connection, { ...alice, permissions });
    const clientToken = await connection.clientCredentialsToken();
    const url = new URL(`${aispBasePath}/account-access-consents/${tokens.consentId}`, bank.url);
    const deleted = await oidc.fetchProtectedResource(connection.config, clientToken, url, 'DELETE', undefined, new Headers(), { DPoP: connection.dpop });
    expect(deleted.status).toBe(204);

    expect((await connection.fetchAisp('/accounts', { accessToken: tokens.accessToken })).status).toBe(403);
    await expect(connection.refresh(tokens.refreshToken ?? '')).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('ends the consent when the client revokes its refresh token at the revocation endpoint', async () => {
    const revoked = new Promise<{ consentId: string; by: string }>((resolve) => bank.ctx.events.once('consent.revoked', resolve));
    const tokens = await linkCustomer(connection, { ...alice, permissions });
    await oidc.tokenRevocation(connection.config, tokens.refreshToken ?? '', { token_type_hint: 'refresh_token' });

    expect(await revoked).toEqual({ consentId: tokens.consentId, clientId: parley.client.clientId, by: 'client' });
    expect((await findConsent(bank.ctx.db, tokens.consentId))?.status).toBe('CANC');
    expect((await connection.fetchAisp('/accounts', { accessToken: tokens.accessToken })).status).toBe(401);
  });
});

describe("the bank's OpenID provider with a client registered by its JWKS URL, as Parley is", () => {
  it('fetches the client’s keys from its JWKS URL to check its private_key_jwt', async () => {
    const parley = await aispClient();
    const jwksServer = http.createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(parley.client.jwks));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    const { port } = jwksServer.address() as AddressInfo;
    const { jwks: _inline, ...byUrl } = parley.client;
    const bank = await startTestBank({ config: { clients: [{ ...byUrl, jwksUri: `http://localhost:${port}/.well-known/jwks.json` }] } });
    try {
      const connection = await parley.connect(bank.url);
      expect(await connection.clientCredentialsToken()).toBeTruthy();
    } finally {
      await bank.stop();
      jwksServer.close();
    }
  });
});

describe("the bank's OpenID provider across a restart", () => {
  it('keeps refresh tokens: a restarted bank (same data folder) still refreshes them', async () => {
    const parley = await aispClient();
    const first = await startTestBank({ config: { clients: [parley.client] } });
    const before = await parley.connect(first.url);
    const tokens = await linkCustomer(before, { ...alice, permissions });
    await first.stop({ keepData: true });

    const again = await startTestBank({ dataDir: first.dataDir, config: { clients: [parley.client] } });
    try {
      const after = await parley.connect(again.url, { dpopKeys: before.dpopKeys });
      const refreshed = await after.refresh(tokens.refreshToken ?? '');
      expect((await after.fetchAisp('/accounts', { accessToken: refreshed.access_token })).status).toBe(200);
    } finally {
      await again.stop();
    }
  });
});
