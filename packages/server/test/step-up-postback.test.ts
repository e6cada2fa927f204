import { createReplayGuard, verifyStepUp } from '@parley/sdk';
import type { Business, Conversation, CreatedApiKey, StepUpFor, WebhookEvent, WebhookEventOf } from '@parley/protocol';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bsidFor } from '../src/business';
import { adminToken, createKey, openStore } from './business-fixtures';
import { createTestApp, dialects, type TestApp } from './context';
import { signUpWithPasskey } from './identity-fixtures';
import { clientId, connect, openBankConversation, sandboxBank } from './messaging-client';
import { outboxEvents } from './outbox-fixtures';
import type { TestPerson } from './people';
import { personSays, sendBody, sendOk } from './send-fixtures';
import { asTestPerson, stepUpAssertion } from './step-up-fixtures';
import { SoftwareAuthenticator } from './webauthn-authenticator';
import { registerEndpoint, startReceiver, type WebhookReceiver } from './webhooks-fixtures';

// A bank offers "Unlock card" as a postback button that requires step-up. Without a passkey
// confirmation Parley refuses the tap on every path; with one, the bank's `postback` webhook
// carries a proof its SDK verifies against Parley's JWKS — and a proof for another tap does not.

describe.each(dialects)('postbacks with step-up on %s', (dialect) => {
  let t: TestApp;
  let store: Awaited<ReturnType<typeof openStore>>;
  let receiver: WebhookReceiver;
  let bank: Business;
  let key: CreatedApiKey;
  let person: TestPerson;
  let keys: SoftwareAuthenticator;
  let conversation: Conversation;
  let bsid: string;
  let offerSeq: number;

  const unlock = { title: 'Unlock card', payload: 'UNLOCK_CARD' };
  const unlockFor = (seq = offerSeq): Extract<StepUpFor, { kind: 'postback' }> => ({ kind: 'postback', conversationId: conversation.id, seq, payload: unlock.payload });
  const tap = (body: Record<string, unknown>): Promise<LightMyRequestResponse> =>
    t.app.inject({ method: 'POST', url: `/v1/conversations/${conversation.id}/postbacks`, headers: person.headers, payload: body });
  const postbacksInOutbox = async (payload: string) =>
    (await outboxEvents<WebhookEventOf<'postback'>>(t, store.db, { businessId: bank.id, type: 'postback' }))
      .filter((event) => event.data.payload === payload);

  beforeAll(async () => {
    t = await createTestApp(dialect, { listen: true, config: { adminToken, webhookAllowPrivate: true } });
    store = await openStore(t.config);
    receiver = await startReceiver();
    keys = new SoftwareAuthenticator(t.baseUrl);
    person = asTestPerson(await signUpWithPasskey(t.app, keys, { displayName: 'Alice' }));
    bank = await sandboxBank(t.app, person);
    key = await createKey(t.app, bank.id, ['messages:send', 'webhooks:manage']);
    await registerEndpoint(t.app, key.secret, { url: receiver.url, eventTypes: ['postback'] });
    conversation = await openBankConversation(t.app, person);
    bsid = await bsidFor(store.ctx, bank.id, person.me.id);
    const offer = { contentType: 'buttons', text: 'Your card is locked.', buttons: [{ type: 'postback', ...unlock, requiresStepUp: true }, { type: 'postback', title: 'Keep it locked', payload: 'KEEP_LOCKED' }] };
    ({ seq: offerSeq } = await sendOk(t.app, key.secret, sendBody(bsid, offer)));
  });
  afterAll(async () => {
    await receiver?.close();
    await store?.close();
    await t?.close();
  });

  it('refuses the tap without a passkey confirmation over the WebSocket, the messages route and the postbacks route', async () => {
    const socket = await connect(t, person);
    try {
      const id = clientId();
      socket.send({ type: 'send', clientId: id, conversationId: conversation.id, content: { contentType: 'postback', ...unlock } });
      expect(await socket.take('error', (frame) => frame.ref === id)).toMatchObject({ code: 'ERR_STEP_UP_REQUIRED' });
    } finally {
      await socket.close();
    }
    const overHttp = await personSays(t.app, person, conversation.id, { contentType: 'postback', ...unlock });
    expect(overHttp.statusCode).toBe(403);
    expect(overHttp.json()).toMatchObject({ error: { code: 'ERR_STEP_UP_REQUIRED' } });
    const bare = await tap({ clientId: clientId(), ...unlock, seq: offerSeq });
    expect(bare.statusCode).toBe(403);
    expect(bare.json()).toMatchObject({ error: { code: 'ERR_STEP_UP_REQUIRED' } });
    expect(await postbacksInOutbox(unlock.payload)).toEqual([]);
  });

  it('still takes the other choice of the same message without step-up', async () => {
    const kept = await tap({ clientId: clientId(), title: 'Keep it locked', payload: 'KEEP_LOCKED', seq: offerSeq });
    expect(kept.statusCode).toBe(201);
    expect((await postbacksInOutbox('KEEP_LOCKED'))[0]?.data.stepUp).toBeUndefined();
  });

  it('with a confirmation, stores the tap once and gives the bank a proof its SDK verifies, for this tap only', async () => {
    const id = clientId();
    const stepUp = await stepUpAssertion(t.app, person, keys, unlockFor());
    const first = await tap({ clientId: id, ...unlock, seq: offerSeq, stepUp });
    expect(first.statusCode).toBe(201);
    const { seq } = first.json<{ seq: number }>();
    // A retry after a lost answer gets the same ack, though its challenge is spent.
    const again = await tap({ clientId: id, ...unlock, seq: offerSeq, stepUp });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ seq });

    const [recorded, ...more] = await postbacksInOutbox(unlock.payload);
    expect(more).toEqual([]);
    expect(recorded?.data).toMatchObject({ bsid, conversationId: conversation.id, seq, ...unlock });
    await t.app.webhooks.flush();
    const delivered = receiver.received.map((hit) => JSON.parse(hit.body) as WebhookEvent).find((event) => event.type === 'postback' && event.data.payload === unlock.payload);
    const proof = (delivered as WebhookEventOf<'postback'> | undefined)?.data.stepUp;
    if (!proof) throw new Error('the postback webhook carries no proof');

    const isReplay = createReplayGuard();
    const options = { jwks: new URL('/.well-known/jwks.json', t.baseUrl), issuer: t.config.publicUrl.origin, audience: bank.id, bsid, isReplay };
    const claims = await verifyStepUp(proof, { ...options, expect: unlockFor() });
    expect(claims).toMatchObject({ sub: bsid, kind: 'postback', ref: `${conversation.id}:${offerSeq}`, act: 'UNLOCK_CARD', uv: true });
    await expect(verifyStepUp(proof, { ...options, expect: unlockFor() })).rejects.toMatchObject({ code: 'replayed' });
    await expect(verifyStepUp(proof, { ...options, isReplay: undefined, expect: unlockFor(offerSeq + 1) })).rejects.toMatchObject({ code: 'wrong_binding' });
  });

  it('refuses a confirmation made for another message or payload, and a tap on a choice the message does not offer', async () => {
    const otherSeq = await stepUpAssertion(t.app, person, keys, unlockFor(offerSeq - 1));
    const refused = await tap({ clientId: clientId(), ...unlock, seq: offerSeq, stepUp: otherSeq });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ error: { code: 'ERR_STEP_UP_FAILED' } });

    const otherPayload = await stepUpAssertion(t.app, person, keys, { ...unlockFor(), payload: 'KEEP_LOCKED' });
    expect((await tap({ clientId: clientId(), ...unlock, seq: offerSeq, stepUp: otherPayload })).json()).toMatchObject({ error: { code: 'ERR_STEP_UP_FAILED' } });

    const notOffered = await tap({ clientId: clientId(), title: 'Pay me', payload: 'SEND_MONEY', seq: offerSeq });
    expect(notOffered.statusCode).toBe(404);
    expect(await postbacksInOutbox('SEND_MONEY')).toEqual([]);
  });
});
