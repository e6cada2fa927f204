import type { AlertPreferences, Business, CreatedApiKey, Message } from '@parley/protocol';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mendUndelivered } from '../src/alerts';
import { sendAlert } from '../src/alerts/alert.service';
import { bsidFor } from '../src/business';
import { alertBody, alertOk, postAlert, switchAlerts } from './alerts-fixtures';
import { adminToken, createBusiness, createKey, manualClock, openStore } from './business-fixtures';
import { createTestApp, dialects, type TestApp } from './context';
import { openSideContext } from './identity-fixtures';
import { openBankConversation, sandboxBank } from './messaging-client';
import { signUpPerson, type TestPerson } from './people';
import { codeOf, history, sendApi, sendBody } from './send-fixtures';

// Who a bank may alert: only a person who switched that kind of alert on for that bank, named
// by that bank's own BSID, with a key holding alerts:send — and each request stores one alert.

const hour = 60 * 60 * 1000;

describe.each(dialects)('Alert API on %s', (dialect) => {
  const clock = manualClock(Date.UTC(2026, 10, 3, 9, 0, 0));
  let t: TestApp;
  let store: Awaited<ReturnType<typeof openStore>>;
  let bank: Business;
  let other: Business;
  let key: CreatedApiKey;

  beforeAll(async () => {
    t = await createTestApp(dialect, { config: { adminToken }, deps: { clock } });
    store = await openStore(t.config, clock);
    bank = await sandboxBank(t.app, await signUpPerson(t.app));
    other = await createBusiness(t.app, 'Other Bank');
    key = await createKey(t.app, bank.id, ['alerts:send', 'messages:send']);
  });
  afterAll(async () => {
    await store?.close();
    await t?.close();
  });

  /** An alerts row as the Alert API stores it, for tests that write it themselves; answered with 'confirm' when `answeredAt` is a time. */
  function alertRow(who: { person: TestPerson; conversationId: string; bsid: string }, fields: { id: string; sourceKey: string; headline: string; answeredAt: number | null }) {
    const { answeredAt } = fields;
    return {
      id: fields.id,
      business_id: bank.id,
      person_id: who.person.me.id,
      bsid: who.bsid,
      conversation_id: who.conversationId,
      kind: 'card_transaction_review' as const,
      body: JSON.stringify({ headline: fields.headline, facts: {}, actions: [{ id: 'confirm', label: 'Yes', style: 'primary', requiresStepUp: false }] }),
      source_key: fields.sourceKey,
      expires_at: clock.now() + hour,
      created_at: clock.now(),
      answer_action_id: answeredAt === null ? null : 'confirm',
      answered_at: answeredAt,
      answer_stepped_up: answeredAt === null ? null : 0,
    };
  }

  async function customer(): Promise<{ person: TestPerson; conversationId: string; bsid: string }> {
    const person = await signUpPerson(t.app);
    const conversation = await openBankConversation(t.app, person);
    return { person, conversationId: conversation.id, bsid: await bsidFor(store.ctx, bank.id, person.me.id) };
  }
  const alertCards = async (person: TestPerson, conversationId: string): Promise<Message[]> =>
    (await history(t.app, person, conversationId)).messages.filter((message) => message.content.contentType === 'alert');

  it('lists every bank the person talks to with every kind off, and switches kinds one by one', async () => {
    const { person } = await customer();
    const listed = (await t.app.inject({ url: '/v1/alert-preferences', headers: { cookie: person.cookie } })).json() as AlertPreferences;
    expect(listed.businesses).toEqual([
      {
        businessId: bank.id,
        name: bank.name,
        kinds: { card_transaction_review: false, low_balance: false, large_withdrawal: false, new_device_login: false, consent_expiring: false },
      },
    ]);
    const on = await switchAlerts(t.app, person, bank.id, { card_transaction_review: true, low_balance: true });
    expect(on.kinds).toMatchObject({ card_transaction_review: true, low_balance: true, large_withdrawal: false });
    const off = await switchAlerts(t.app, person, bank.id, { low_balance: false });
    expect(off.kinds).toMatchObject({ card_transaction_review: true, low_balance: false });
    const again = (await t.app.inject({ url: '/v1/alert-preferences', headers: { cookie: person.cookie } })).json() as AlertPreferences;
    expect(again.businesses[0]?.kinds).toEqual(off.kinds);
  });

  it('refuses switches for a bank the person has nothing to do with (404), and without the CSRF token', async () => {
    const { person } = await customer();
    const foreign = await t.app.inject({ method: 'PUT', url: `/v1/alert-preferences/${other.id}`, headers: person.headers, payload: { kinds: { low_balance: true } } });
    expect([foreign.statusCode, codeOf(foreign)]).toEqual([404, 'ERR_NOT_FOUND']);
    const forged = await t.app.inject({ method: 'PUT', url: `/v1/alert-preferences/${bank.id}`, headers: { cookie: person.cookie }, payload: { kinds: { low_balance: true } } });
    expect([forged.statusCode, codeOf(forged)]).toEqual([403, 'ERR_CSRF']);
  });

  it('refuses an alert of a kind the person did not switch on with 403 ERR_ALERTS_NOT_ENABLED, and stores nothing', async () => {
    const { person, conversationId, bsid } = await customer();
    const before = await postAlert(t.app, key.secret, alertBody(bsid, {}, clock.now()));
    expect([before.statusCode, codeOf(before)]).toEqual([403, 'ERR_ALERTS_NOT_ENABLED']);
    expect(before.json()).toMatchObject({ error: { message: expect.stringContaining('card_transaction_review') } });

    await switchAlerts(t.app, person, bank.id, { low_balance: true });
    const otherKind = await postAlert(t.app, key.secret, alertBody(bsid, {}, clock.now()));
    expect([otherKind.statusCode, codeOf(otherKind)]).toEqual([403, 'ERR_ALERTS_NOT_ENABLED']);
    expect(await alertCards(person, conversationId)).toEqual([]);

    await switchAlerts(t.app, person, bank.id, { card_transaction_review: true });
    const accepted = await alertOk(t.app, key.secret, alertBody(bsid, {}, clock.now()));
    expect(accepted.conversationId).toBe(conversationId);
    // A UUIDv7 of when the request came (Parley's clock): the alerts' key and the card's clientId sort by time.
    expect(accepted.alertId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Number.parseInt(accepted.alertId.replace(/-/g, '').slice(0, 12), 16)).toBe(clock.now());
    const [card] = await alertCards(person, conversationId);
    expect(card).toMatchObject({ seq: accepted.seq, sender: 'system', content: { contentType: 'alert', alertId: accepted.alertId, kind: 'card_transaction_review' } });

    await switchAlerts(t.app, person, bank.id, { card_transaction_review: false });
    const switchedOff = await postAlert(t.app, key.secret, alertBody(bsid, {}, clock.now()));
    expect([switchedOff.statusCode, codeOf(switchedOff)]).toEqual([403, 'ERR_ALERTS_NOT_ENABLED']);
  });

  it("answers 404 for another bank's BSID, as for one that does not exist, and 403 to a key without alerts:send", async () => {
    const { person, bsid } = await customer();
    await switchAlerts(t.app, person, bank.id, { card_transaction_review: true });
    const otherKey = await createKey(t.app, other.id, ['alerts:send']);
    const foreign = await postAlert(t.app, otherKey.secret, alertBody(bsid, {}, clock.now()));
    const unknown = await postAlert(t.app, otherKey.secret, alertBody('bsid_doesNotExist0000000000', {}, clock.now()));
    expect([foreign.statusCode, codeOf(foreign)]).toEqual([404, 'ERR_NOT_FOUND']);
    expect(foreign.json()).toEqual(unknown.json());

    const sendOnly = await createKey(t.app, bank.id, ['messages:send']);
    const scoped = await postAlert(t.app, sendOnly.secret, alertBody(bsid, {}, clock.now()));
    expect([scoped.statusCode, codeOf(scoped)]).toEqual([403, 'ERR_SCOPE_MISSING']);
  });

  it('stores one alert per Idempotency-Key: a retry gets the first answer, another body with the key is 422', async () => {
    const { person, conversationId, bsid } = await customer();
    await switchAlerts(t.app, person, bank.id, { large_withdrawal: true });
    const body = alertBody(bsid, { kind: 'large_withdrawal', headline: 'A withdrawal of €2,000.00 was just made at an ATM in Porto.' }, clock.now());
    const first = await postAlert(t.app, key.secret, body, 'withdrawal-77');
    const retry = await postAlert(t.app, key.secret, body, 'withdrawal-77');
    expect(first.statusCode).toBe(201);
    expect([retry.statusCode, retry.headers['idempotent-replayed']]).toEqual([201, 'true']);
    expect(retry.json()).toEqual(first.json());
    expect(await alertCards(person, conversationId)).toHaveLength(1);
    const changed = await postAlert(t.app, key.secret, { ...body, headline: 'Something else' }, 'withdrawal-77');
    expect([changed.statusCode, codeOf(changed)]).toEqual([422, 'ERR_IDEMPOTENCY_MISMATCH']);
  });

  it('refuses an expiry in the past or beyond 7 days, two actions with one id, four actions and facts it does not know', async () => {
    const { person, bsid } = await customer();
    await switchAlerts(t.app, person, bank.id, { card_transaction_review: true });
    const base = alertBody(bsid, {}, clock.now());
    const action = { id: 'confirm', label: 'Yes', style: 'primary', requiresStepUp: false };
    for (const body of [
      { ...base, expiresAt: clock.now() - 1 },
      { ...base, expiresAt: clock.now() + 8 * 24 * hour },
      { ...base, actions: [action, { ...action, label: 'Also yes' }] },
      { ...base, actions: [1, 2, 3, 4].map((n) => ({ ...action, id: `a${n}` })) },
      { ...base, facts: { ...base.facts, iban: 'PT50000201231234567890154' } },
      { ...base, actions: [{ ...action, label: 'A label far too long for a button' }] },
    ]) {
      const refused = await postAlert(t.app, key.secret, body);
      expect([refused.statusCode, codeOf(refused)]).toEqual([400, 'ERR_VALIDATION']);
    }
  });

  it('opens the conversation for a person who linked the bank but never wrote, and puts the card in it', async () => {
    const person = await signUpPerson(t.app);
    const bsid = await bsidFor(store.ctx, bank.id, person.me.id);
    // What linking leaves behind when the conversation is not there: a BSID and the switch.
    await store.db.insertInto('alert_preferences').values({ person_id: person.me.id, business_id: bank.id, kind: 'consent_expiring', updated_at: clock.now() }).execute();
    const body = alertBody(bsid, { kind: 'consent_expiring', headline: 'Your link to Sandbox Bank ends on 1 December.', facts: { expiresOn: '2026-12-01' }, actions: [{ id: 'renew', label: 'Renew', style: 'primary', requiresStepUp: false }] }, clock.now());
    const accepted = await alertOk(t.app, key.secret, body);
    expect(await alertCards(person, accepted.conversationId)).toHaveLength(1);
  });

  it('mends a crash between storing an alert (or its answer) and its message: the card and the answer appear once, however often it runs', async () => {
    const who = await customer();
    const { person, conversationId } = who;
    const side = await openSideContext(t, clock);
    try {
      const stored = (id: string, answeredAt: number | null) =>
        alertRow(who, { id, sourceKey: `crashed-${id}`, headline: 'Did you just spend €9.99 in Faro?', answeredAt });
      const open = randomUUID();
      const answered = randomUUID();
      await store.db.insertInto('alerts').values([stored(open, null), stored(answered, clock.now())]).execute();
      expect(await mendUndelivered(side.ctx, t.app.messaging)).toBe(2);
      expect(await mendUndelivered(side.ctx, t.app.messaging)).toBe(0);
      const contents = (await history(t.app, person, conversationId)).messages.map((m) => m.content);
      expect(contents.filter((c) => c.contentType === 'alert').map((c) => (c.contentType === 'alert' ? c.alertId : ''))).toEqual([open]);
      expect(contents.filter((c) => c.contentType === 'alert_answer').map((c) => (c.contentType === 'alert_answer' ? [c.alertId, c.actionId] : []))).toEqual([[answered, 'confirm']]);
    } finally {
      await side.close();
    }
  });

  /**
   * A customer who switched card alerts on, an Alert API request for them as `sendAlert` gets it
   * from the route (its key reserved now), and a second server context to send it through.
   */
  async function withAlertRequest(run: (input: { who: Awaited<ReturnType<typeof customer>>; side: Awaited<ReturnType<typeof openSideContext>>; request: Parameters<typeof sendAlert>[2] }) => Promise<void>) {
    const who = await customer();
    await switchAlerts(t.app, who.person, bank.id, { card_transaction_review: true });
    const side = await openSideContext(t, clock);
    try {
      await run({ who, side, request: { businessId: bank.id, body: alertBody(who.bsid, {}, clock.now()), sourceKey: `request-${randomUUID()}`, reservedAt: clock.now() } });
    } finally {
      await side.close();
    }
  }
  const storedAlertIds = async (sourceKey: string) => (await store.db.selectFrom('alerts').select('id').where('source_key', '=', sourceKey).execute()).map((row) => row.id);
  const cardAlertIds = async (who: { person: TestPerson; conversationId: string }) =>
    (await alertCards(who.person, who.conversationId)).map((card) => (card.content.contentType === 'alert' ? card.content.alertId : ''));

  it('stores an alert once per request: the same request run again (a takeover after a crash), even twice at once, finds its alert and its one card', async () => {
    await withAlertRequest(async ({ who, side, request }) => {
      const first = await sendAlert(side.ctx, t.app.messaging, request);
      const [again, andAgain] = await Promise.all([sendAlert(side.ctx, t.app.messaging, request), sendAlert(side.ctx, t.app.messaging, request)]);
      expect([again, andAgain]).toEqual([first, first]);
      expect(await storedAlertIds(request.sourceKey)).toEqual([first.alertId]);
      expect(await cardAlertIds(who)).toEqual([first.alertId]);
      // Another request (another key) is another alert.
      const other = await sendAlert(side.ctx, t.app.messaging, { ...request, sourceKey: `request-${randomUUID()}` });
      expect(other.alertId).not.toBe(first.alertId);
    });
  });

  it('stores an alert and its card together: when the card cannot be stored, neither is', async () => {
    await withAlertRequest(async ({ who, side, request }) => {
      // A messaging whose transaction fails after the alert's row went in: the row must roll back with it.
      const failing = {
        ...t.app.messaging,
        append: (input: Parameters<typeof t.app.messaging.append>[0]) =>
          t.app.messaging.append({
            ...input,
            alongside: async (trx) => {
              await input.alongside?.(trx);
              throw new Error('the disk is full');
            },
          }),
      };
      await expect(sendAlert(side.ctx, failing, request)).rejects.toMatchObject({ code: 'ERR_UNAVAILABLE' });
      expect(await storedAlertIds(request.sourceKey)).toEqual([]);
      expect(await cardAlertIds(who)).toEqual([]);
    });
  });

  it("erases the person's alerts and switches with their account", async () => {
    const { person, bsid } = await customer();
    await switchAlerts(t.app, person, bank.id, { card_transaction_review: true });
    await alertOk(t.app, key.secret, alertBody(bsid, {}, clock.now()));
    const deleted = await t.app.inject({ method: 'DELETE', url: '/v1/account', headers: person.headers, payload: { confirm: 'delete my account' } });
    expect(deleted.statusCode).toBe(200);
    for (const table of ['alerts', 'alert_preferences'] as const) {
      expect([table, await store.db.selectFrom(table).select('person_id').where('person_id', '=', person.me.id).execute()]).toEqual([table, []]);
    }
    const after = await postAlert(t.app, key.secret, alertBody(bsid, {}, clock.now()));
    expect(after.statusCode).toBe(404);
  });

  it('lets ALERT through the Send API outside the 24-hour window only to a person who enabled alerts from the bank', async () => {
    const { person, bsid } = await customer();
    const text = { contentType: 'text', text: 'Your card ending 4821 was declined in Lisbon.' };
    const refused = await sendApi(t.app, key.secret, sendBody(bsid, text, 'ALERT'));
    expect([refused.statusCode, codeOf(refused)]).toEqual([403, 'ERR_ALERTS_NOT_ENABLED']);
    await switchAlerts(t.app, person, bank.id, { card_transaction_review: true });
    clock.advance(48 * hour);
    const late = await sendApi(t.app, key.secret, sendBody(bsid, text, 'RESPONSE'));
    expect([late.statusCode, codeOf(late)]).toEqual([403, 'ERR_OUTSIDE_WINDOW']);
    const alert = await sendApi(t.app, key.secret, sendBody(bsid, text, 'ALERT'));
    expect(alert.statusCode).toBe(201);
  });
});
