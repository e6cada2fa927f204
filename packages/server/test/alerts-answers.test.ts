import type { AlertList, Business, CreatedApiKey, CreatedWebhookEndpoint, Message, WebhookEventOf } from '@parley/protocol';
import { verifyStepUp, verifyWebhook } from '@parley/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bsidFor } from '../src/business';
import { alertBody, alertOk, answerAlert, answerOk, switchAlerts } from './alerts-fixtures';
import { adminToken, createKey, manualClock, openStore } from './business-fixtures';
import { createTestApp, dialects, type TestApp } from './context';
import { signUpWithPasskey } from './identity-fixtures';
import { openBankConversation, sandboxBank } from './messaging-client';
import { signUpPerson, type TestPerson } from './people';
import { codeOf, history } from './send-fixtures';
import { asTestPerson, stepUpAssertion } from './step-up-fixtures';
import { SoftwareAuthenticator } from './webauthn-authenticator';
import { headersOf, registerEndpoint, startReceiver, type WebhookReceiver } from './webhooks-fixtures';

// The person answers with one tap; the bank gets alert.answered, signed, once per answer — with
// Parley's step-up proof when the action asked for the person's passkey.

describe.each(dialects)('alert answers on %s', (dialect) => {
  const clock = manualClock(Date.now());
  let t: TestApp;
  let store: Awaited<ReturnType<typeof openStore>>;
  let receiver: WebhookReceiver;
  let endpoint: CreatedWebhookEndpoint;
  let bank: Business;
  let key: CreatedApiKey;
  let person: TestPerson;
  let passkey: SoftwareAuthenticator;
  let bsid: string;
  let conversationId: string;

  beforeAll(async () => {
    t = await createTestApp(dialect, { listen: true, config: { adminToken, webhookAllowPrivate: true }, deps: { clock } });
    store = await openStore(t.config, clock);
    receiver = await startReceiver();
    passkey = new SoftwareAuthenticator(t.baseUrl);
    person = asTestPerson(await signUpWithPasskey(t.app, passkey, { displayName: 'Alice' }));
    bank = await sandboxBank(t.app, person);
    key = await createKey(t.app, bank.id, ['alerts:send', 'webhooks:manage']);
    endpoint = await registerEndpoint(t.app, key.secret, { url: receiver.url, eventTypes: ['alert.answered'] });
    conversationId = (await openBankConversation(t.app, person)).id;
    bsid = await bsidFor(store.ctx, bank.id, person.me.id);
    await switchAlerts(t.app, person, bank.id, { card_transaction_review: true });
  });
  afterAll(async () => {
    await receiver?.close();
    await store?.close();
    await t?.close();
  });

  /** Every alert.answered the bank received for this alert, verified with the endpoint's secret. */
  async function answersReceived(alertId: string): Promise<{ id: string; event: WebhookEventOf<'alert.answered'> }[]> {
    await t.app.webhooks.flush();
    return receiver.received
      .map((hit) => ({ id: hit.id, event: verifyWebhook(headersOf(hit), hit.body, [endpoint.secret], { now: clock.now() }) }))
      .filter((hit): hit is { id: string; event: WebhookEventOf<'alert.answered'> } => hit.event.type === 'alert.answered' && hit.event.data.alertId === alertId);
  }
  const answerMessages = async (alertId: string): Promise<Message[]> =>
    (await history(t.app, person, conversationId)).messages.filter((m) => m.content.contentType === 'alert_answer' && m.content.alertId === alertId);

  it('sends alert.answered with the action and time, signed, once; shows the answer in the chat; a repeat gets the first answer', async () => {
    clock.advance(1);
    const { alertId } = await alertOk(t.app, key.secret, alertBody(bsid, {}, clock.now()));
    const answered = await answerOk(t.app, person, alertId, { actionId: 'confirm' });
    expect(answered).toEqual({ alertId, status: 'answered', answer: { actionId: 'confirm', label: 'Yes, it was me', answeredAt: clock.now(), steppedUp: false } });
    const [hit, ...more] = await answersReceived(alertId);
    expect(more).toEqual([]);
    expect(hit?.event.data).toEqual({ bsid, conversationId, alertId, kind: 'card_transaction_review', actionId: 'confirm', answeredAt: clock.now() });
    expect(JSON.stringify(hit?.event)).not.toContain(person.me.id);

    const again = await answerAlert(t.app, person, alertId, { actionId: 'confirm' });
    expect([again.statusCode, again.json()]).toEqual([200, answered]);
    const other = await answerAlert(t.app, person, alertId, { actionId: 'lock_card' });
    expect([other.statusCode, codeOf(other)]).toEqual([409, 'ERR_ALERT_ANSWERED']);
    expect(await answersReceived(alertId)).toHaveLength(1);
    const messages = await answerMessages(alertId);
    expect(messages.map((m) => [m.sender, m.content])).toEqual([
      ['system', { contentType: 'alert_answer', alertId, actionId: 'confirm', label: 'Yes, it was me', answeredAt: clock.now(), steppedUp: false }],
    ]);
  });

  it('refuses an action that needs the passkey without a step-up (403), and one confirmed for another action', async () => {
    clock.advance(1);
    const { alertId } = await alertOk(t.app, key.secret, alertBody(bsid, {}, clock.now()));
    const bare = await answerAlert(t.app, person, alertId, { actionId: 'lock_card' });
    expect([bare.statusCode, codeOf(bare)]).toEqual([403, 'ERR_STEP_UP_REQUIRED']);
    const forConfirm = await stepUpAssertion(t.app, person, passkey, { kind: 'alert', alertId, actionId: 'confirm' });
    const swapped = await answerAlert(t.app, person, alertId, { actionId: 'lock_card', stepUp: forConfirm });
    expect([swapped.statusCode, codeOf(swapped)]).toEqual([403, 'ERR_STEP_UP_FAILED']);
    expect(await answersReceived(alertId)).toEqual([]);
    expect(await answerMessages(alertId)).toEqual([]);
  });

  it('attaches a step-up proof the bank verifies with the SDK against the live JWKS, bound to this alert and action', async () => {
    clock.advance(1);
    const { alertId } = await alertOk(t.app, key.secret, alertBody(bsid, {}, clock.now()));
    const stepUp = await stepUpAssertion(t.app, person, passkey, { kind: 'alert', alertId, actionId: 'lock_card' });
    const answered = await answerOk(t.app, person, alertId, { actionId: 'lock_card', stepUp });
    expect(answered.answer).toMatchObject({ actionId: 'lock_card', steppedUp: true });
    const [hit] = await answersReceived(alertId);
    const proof = hit?.event.data.stepUp ?? '';
    const options = { jwks: new URL('/.well-known/jwks.json', t.baseUrl), issuer: t.config.publicUrl.origin, audience: bank.id, bsid, now: new Date(clock.now()) };
    const claims = await verifyStepUp(proof, { ...options, expect: { kind: 'alert', alertId, actionId: 'lock_card' } });
    expect(claims).toMatchObject({ sub: bsid, aud: bank.id, uv: true, kind: 'alert', ref: alertId, act: 'lock_card' });
    await expect(verifyStepUp(proof, { ...options, expect: { kind: 'alert', alertId, actionId: 'confirm' } })).rejects.toMatchObject({ code: 'wrong_binding' });
  });

  it('takes no answer for an action it does not offer (422), from another person (404), or after it expired (410)', async () => {
    clock.advance(1);
    const { alertId } = await alertOk(t.app, key.secret, alertBody(bsid, { expiresAt: clock.now() + 60_000 }, clock.now()));
    const unknown = await answerAlert(t.app, person, alertId, { actionId: 'transfer_all' });
    expect([unknown.statusCode, codeOf(unknown)]).toEqual([422, 'ERR_ALERT_ACTION_UNKNOWN']);
    const stranger = await signUpPerson(t.app);
    const foreign = await answerAlert(t.app, stranger, alertId, { actionId: 'confirm' });
    expect([foreign.statusCode, codeOf(foreign)]).toEqual([404, 'ERR_NOT_FOUND']);
    clock.advance(60_000);
    const late = await answerAlert(t.app, person, alertId, { actionId: 'confirm' });
    expect([late.statusCode, codeOf(late)]).toEqual([410, 'ERR_ALERT_EXPIRED']);
    expect(await answersReceived(alertId)).toEqual([]);
  });

  it("lists the person's alerts newest first with status and answer, a page at a time", async () => {
    clock.advance(1);
    const pending = await alertOk(t.app, key.secret, alertBody(bsid, { headline: 'Newest: still open' }, clock.now()));
    const page = (await t.app.inject({ url: '/v1/alerts?limit=2', headers: { cookie: person.cookie } })).json() as AlertList;
    expect(page.hasMore).toBe(true);
    expect(page.alerts[0]).toMatchObject({ id: pending.alertId, status: 'pending', answer: null, business: { id: bank.id, name: bank.name }, conversationId });
    expect(page.alerts[1]).toMatchObject({ status: 'expired', answer: null });
    const rest = (await t.app.inject({ url: `/v1/alerts?limit=10&before=${page.alerts[1]!.id}`, headers: { cookie: person.cookie } })).json() as AlertList;
    expect(rest.hasMore).toBe(false);
    expect(rest.alerts.map((alert) => [alert.status, alert.answer?.actionId, alert.answer?.steppedUp])).toEqual([
      ['answered', 'lock_card', true],
      ['pending', undefined, undefined],
      ['answered', 'confirm', false],
    ]);
    const stranger = await signUpPerson(t.app);
    const none = (await t.app.inject({ url: '/v1/alerts', headers: { cookie: stranger.cookie } })).json() as AlertList;
    expect(none).toEqual({ alerts: [], hasMore: false });
  });
});
