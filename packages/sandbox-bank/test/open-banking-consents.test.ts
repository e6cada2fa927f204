import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aispBasePath, aispClient, type AispConnection } from './aisp-client';
import { startTestBank, type TestBank } from './bank-fixtures';
import { expectOpenBankingResponse, obCall, obCreateConsent } from './openapi-validator';

const alice = { username: 'alice', password: 'alice-sandbox' };
const inSeconds = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();

describe('Open Banking account-access-consents', () => {
  let bank: TestBank;
  let parley: AispConnection;
  let other: AispConnection;
  // The bank's clock runs with real time plus an offset the expiry test moves forward.
  let offsetMs = 0;
  const revocations: { consentId: string; by: string }[] = [];

  beforeAll(async () => {
    const [parleyClient, otherClient] = await Promise.all([aispClient(), aispClient({ clientId: 'other-app', name: 'Other App' })]);
    bank = await startTestBank({ config: { clients: [parleyClient.client, otherClient.client] }, deps: { clock: { now: () => Date.now() + offsetMs } } });
    bank.ctx.events.on('consent.revoked', (event) => revocations.push(event));
    [parley, other] = await Promise.all([parleyClient.connect(bank.url), otherClient.connect(bank.url)]);
  });
  afterAll(() => bank.stop());

  it('goes AWAU → AUTH → CANC: created, authorised by the customer, read, deleted; then its tokens no longer work', async () => {
    const cc = await parley.clientCredentialsToken();
    const created = await obCall(parley, '/account-access-consents', {
      accessToken: cc,
      method: 'POST',
      body: { Data: { Permissions: ['ReadAccountsDetail', 'ReadBalances'], ExpirationDateTime: inSeconds(3600) }, Risk: {} },
    });
    expect(created.status).toBe(201);
    expect(created.body.Data).toMatchObject({ Status: 'AWAU', Permissions: ['ReadAccountsDetail', 'ReadBalances'] });
    const consentId: string = created.body.Data.ConsentId;
    expect(created.body.Links.Self).toBe(`${bank.url}${aispBasePath}/account-access-consents/${consentId}`);

    const tokens = await parley.authorize({ ...alice, consentId });
    const authorised = await obCall(parley, `/account-access-consents/${consentId}`, { accessToken: cc });
    expect(authorised.body.Data.Status).toBe('AUTH');
    expect((await obCall(parley, '/accounts')).body.Data.Account).toHaveLength(3);

    const deleted = await obCall(parley, `/account-access-consents/${consentId}`, { accessToken: cc, method: 'DELETE' });
    expect(deleted.status).toBe(204);
    expect((await obCall(parley, `/account-access-consents/${consentId}`, { accessToken: cc })).body.Data.Status).toBe('CANC');
    expect(revocations).toContainEqual(expect.objectContaining({ consentId, by: 'client' }));

    // The consent's tokens were revoked with it: the access token is refused as a revoked
    // consent (403 U009, as for any consent no longer authorised), and the refresh token
    // cannot mint another.
    const revoked = await obCall(parley, '/accounts');
    expect(revoked.status).toBe(403);
    expect(revoked.body.Errors[0].ErrorCode).toBe('U009');
    expect((await obCall(parley, '/balances')).status).toBe(403);
    await expect(parley.refresh(tokens.refreshToken ?? '')).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('answers 403 with UK.OBIE.Resource.InvalidConsentStatus once a consent has expired, and shows it EXPD', async () => {
    const consentId = await obCreateConsent(parley, ['ReadAccountsBasic'], { ExpirationDateTime: inSeconds(20) });
    await parley.authorize({ ...alice, consentId });
    expect((await obCall(parley, '/accounts')).status).toBe(200);

    offsetMs += 30_000;
    const refused = await obCall(parley, '/accounts');
    expect(refused.status).toBe(403);
    expect(refused.body.Errors[0].ErrorCode).toBe('U009');
    const read = await obCall(parley, `/account-access-consents/${consentId}`, { accessToken: await parley.clientCredentialsToken() });
    expect(read.body.Data.Status).toBe('EXPD');
  });

  it('lets no other client read or delete a consent, and says 400 Resource.NotFound for an unknown id', async () => {
    const consentId = await obCreateConsent(parley, ['ReadBalances']);
    const otherToken = await other.clientCredentialsToken();
    const read = await obCall(other, `/account-access-consents/${consentId}`, { accessToken: otherToken });
    expect(read.status).toBe(403);
    expect(JSON.stringify(read.body)).not.toContain('ReadBalances');
    expect((await obCall(other, `/account-access-consents/${consentId}`, { accessToken: otherToken, method: 'DELETE' })).status).toBe(403);
    expect((await obCall(parley, `/account-access-consents/${consentId}`, { accessToken: await parley.clientCredentialsToken() })).body.Data.Status).toBe('AWAU');

    const unknown = await obCall(parley, '/account-access-consents/aac-nope', { accessToken: await parley.clientCredentialsToken() });
    expect(unknown.status).toBe(400);
    expect(unknown.body.Errors[0]).toMatchObject({ ErrorCode: 'U011', Path: 'ConsentId' });
  });

  it.each([
    ['an unknown permission', { Data: { Permissions: ['ReadEverything'] }, Risk: {} }, 'U002', 'Data.Permissions[0]'],
    ['a permission this bank does not serve', { Data: { Permissions: ['ReadBeneficiariesBasic'] }, Risk: {} }, 'U002', 'Data.Permissions[0]'],
    ['ReadTransactionsDetail without Credits or Debits', { Data: { Permissions: ['ReadTransactionsDetail'] }, Risk: {} }, 'U002', 'Data.Permissions'],
    ['ReadTransactionsCredits without Basic or Detail', { Data: { Permissions: ['ReadAccountsBasic', 'ReadTransactionsCredits'] }, Risk: {} }, 'U002', 'Data.Permissions'],
    ['no permissions', { Data: { Permissions: [] }, Risk: {} }, 'U010', 'Data.Permissions'],
    ['an expiry in the past', { Data: { Permissions: ['ReadBalances'], ExpirationDateTime: '2020-01-01T00:00:00+00:00' }, Risk: {} }, 'U003', 'Data.ExpirationDateTime'],
    ['a date that is not a date', { Data: { Permissions: ['ReadBalances'], TransactionFromDateTime: 'last tuesday' }, Risk: {} }, 'U003', 'Data.TransactionFromDateTime'],
    ['a window ending before it starts', { Data: { Permissions: ['ReadBalances'], TransactionFromDateTime: '2026-02-01T00:00:00Z', TransactionToDateTime: '2026-01-01T00:00:00Z' }, Risk: {} }, 'U003', 'Data.TransactionFromDateTime'],
    ['no Risk', { Data: { Permissions: ['ReadBalances'] } }, 'U004', 'Risk'],
    ['a field OBReadConsent1 does not have', { Data: { Permissions: ['ReadBalances'], Everything: true }, Risk: {} }, 'U005', 'Data.Everything'],
  ])('refuses a consent with %s: 400 in OBErrorResponse1', async (_case, body, code, path) => {
    const response = await obCall(parley, '/account-access-consents', { accessToken: await parley.clientCredentialsToken(), method: 'POST', body });
    expect(response.status).toBe(400);
    expect(response.body.Errors[0]).toMatchObject({ ErrorCode: code, Path: path });
  });

  it('answers a body that is not JSON or a malformed x-fapi-auth-date with 400, and a missing or forged token with 401, echoing the interaction id', async () => {
    const url = `${bank.url}${aispBasePath}/account-access-consents`;
    const notJson = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-fapi-interaction-id': 'test-1' }, body: '{"Data":' });
    expect(notJson.headers.get('x-fapi-interaction-id')).toBe('test-1');
    expect(await expectOpenBankingResponse('POST', url, notJson)).toMatchObject({ Errors: [{ ErrorCode: 'U010' }] });

    const forged = await fetch(`${bank.url}${aispBasePath}/accounts`, { headers: { authorization: 'DPoP forged', 'x-fapi-interaction-id': 'test-2' } });
    expect(forged.status).toBe(401);
    expect(forged.headers.get('x-fapi-interaction-id')).toBe('test-2');
    expect(forged.headers.get('www-authenticate')).toBe('DPoP algs="ES256 PS256", error="invalid_dpop_proof"');
    await expectOpenBankingResponse('GET', forged.url, forged);
    const badDate = await fetch(`${bank.url}${aispBasePath}/accounts`, { headers: { 'x-fapi-auth-date': 'yesterday' } });
    expect(badDate.status).toBe(400);
    expect(await expectOpenBankingResponse('GET', badDate.url, badDate)).toMatchObject({ Errors: [{ ErrorCode: 'U006', Path: 'x-fapi-auth-date' }] });
    const none = await fetch(`${bank.url}${aispBasePath}/account-access-consents`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('DPoP algs="ES256 PS256"');
    await expectOpenBankingResponse('POST', none.url, none);
    expect(none.headers.get('x-fapi-interaction-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers another method with 405, a non-JSON Accept with 406 and a non-JSON body with 415, all without a body as the document says', async () => {
    const accounts = `${bank.url}${aispBasePath}/accounts`;
    const put = await fetch(accounts, { method: 'PUT' });
    expect(put.status).toBe(405);
    // The document lists 405 under each operation of the path; check the answer against GET's.
    await expectOpenBankingResponse('GET', accounts, put);
    const html = await fetch(accounts, { headers: { accept: 'text/html' } });
    expect(html.status).toBe(406);
    await expectOpenBankingResponse('GET', accounts, html);
    const consents = `${bank.url}${aispBasePath}/account-access-consents`;
    const text = await fetch(consents, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'Permissions: all' });
    expect(text.status).toBe(415);
    await expectOpenBankingResponse('POST', consents, text);
    // An endpoint of the document this bank does not offer: 404, as the OB profile asks.
    const beneficiaries = await fetch(`${bank.url}${aispBasePath}/beneficiaries`);
    expect(beneficiaries.status).toBe(404);
    await expectOpenBankingResponse('GET', beneficiaries.url, beneficiaries);
  });

  it('keeps consents and data apart: no data for a client-credentials token, no consents for a customer token', async () => {
    const cc = await parley.clientCredentialsToken();
    const data = await obCall(parley, '/accounts', { accessToken: cc });
    expect(data.status).toBe(403);
    const consentId = await obCreateConsent(parley, ['ReadAccountsBasic']);
    const tokens = await parley.authorize({ ...alice, consentId });
    const create = await obCall(parley, '/account-access-consents', { accessToken: tokens.accessToken, method: 'POST', body: { Data: { Permissions: ['ReadBalances'] }, Risk: {} } });
    expect(create.status).toBe(403);
  });
});
