import type { AccessLogPage, Conversation, HistoryPage, InboxConversationView, RevealRequest, RevealRequestContent, AccountExport } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, bearer, createKey } from './business-fixtures';
import { linkBank, startBankingWorld, type BankingWorld } from './banking-fixtures';
import { dialects } from './context';
import { asMember, consoleSocket, type Staff } from './inbox-fixtures';
import { signUpPerson, type TestPerson } from './people';

// Reveal requests against a real Sandbox Bank link: the agent asks for one field, the person
// approves with one tap, Parley reads it through the gate for support_context with the agent as
// actor (the person's access log shows it) and only the console sees the value; a decline reads nothing.

describe.each(dialects)('reveal requests on %s', (dialect) => {
  let world: BankingWorld;
  let alice: TestPerson;
  let agent: Staff;
  let conversation: Conversation;
  let base: string;
  const supportReads = async () =>
    ((await world.t.app.inject({ url: '/v1/privacy/access-log?purpose=support_context', headers: { cookie: alice.cookie } })).json() as AccessLogPage).entries;

  beforeAll(async () => {
    world = await startBankingWorld(dialect);
    const { t, institution } = world;
    alice = await signUpPerson(t.app, 'Alice');
    expect((await linkBank(world, alice)).linked).toBe(institution.id);
    const agentPerson = await signUpPerson(t.app, 'Ana Agent');
    agent = { person: agentPerson, memberId: (await addMember(t.app, institution.businessId, agentPerson.me.email!, 'agent')).id, role: 'agent' };
    const opened = await t.app.inject({ method: 'POST', url: '/v1/conversations', headers: alice.headers, payload: { businessId: institution.businessId } });
    conversation = opened.json() as Conversation;
    const key = await createKey(t.app, institution.businessId, ['messages:send']);
    const passed = await t.app.inject({ method: 'POST', url: `/v1/conversations/${conversation.id}/pass-thread-control`, headers: bearer(key.secret), payload: { to: 'inbox' } });
    expect(passed.statusCode, passed.body).toBe(200);
    base = `/v1/business/${institution.businessId}/inbox/${conversation.id}`;
  });
  afterAll(() => world?.close());

  it('reads an approved field through the gate for support_context, logs it for the person, and shows it to the agent only', async () => {
    const { t } = world;
    const consoleWs = await consoleSocket(t, agent);
    const view = (await asMember(t, agent, 'GET', base)).json() as InboxConversationView;
    expect(view.context.consents).toEqual([expect.objectContaining({ status: 'active', categories: expect.arrayContaining(['account_details', 'balances']) })]);
    expect(JSON.stringify(view)).not.toContain(alice.me.email!);

    const asked = await asMember(t, agent, 'POST', `${base}/reveals`, { field: 'account_mask' });
    expect(asked.statusCode, asked.body).toBe(201);
    const reveal = asked.json() as RevealRequest;
    expect(reveal).toMatchObject({ status: 'pending', value: null });
    expect(await supportReads()).toEqual([]);

    const history = (await t.app.inject({ url: `/v1/conversations/${conversation.id}/messages`, headers: { cookie: alice.cookie } })).json() as HistoryPage;
    const card = history.messages.find((m) => m.content.contentType === 'reveal_request')!;
    expect(card.content as RevealRequestContent).toMatchObject({ requestId: reveal.id, field: 'account_mask' });
    expect((card.content as RevealRequestContent).text).toContain('Ana Agent');

    const approved = await t.app.inject({ method: 'POST', url: `/v1/reveal-requests/${reveal.id}`, headers: alice.headers, payload: { decision: 'approve' } });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'approved' });
    expect(approved.body).not.toContain('••••');

    const live = await consoleWs.take('reveal', (frame) => frame.reveal.id === reveal.id && frame.reveal.status === 'approved');
    expect(live.reveal.value).toMatch(/•••• \d{4}/);
    const listed = ((await asMember(t, agent, 'GET', `${base}/reveals`)).json() as { reveals: RevealRequest[] }).reveals;
    expect(listed.find((r) => r.id === reveal.id)!.value).toBe(live.reveal.value);

    const reads = await supportReads();
    expect(reads).toEqual([expect.objectContaining({ actor: `agent:${agent.memberId}`, purpose: 'support_context', category: 'account_details', outcome: 'allowed' })]);
    // The person's own view of the request never carries the value; and nothing more reaches their chat.
    const after = (await t.app.inject({ url: `/v1/conversations/${conversation.id}/messages`, headers: { cookie: alice.cookie } })).json() as HistoryPage;
    expect(JSON.stringify(after)).not.toContain(live.reveal.value!);

    const again = await t.app.inject({ method: 'POST', url: `/v1/reveal-requests/${reveal.id}`, headers: alice.headers, payload: { decision: 'decline' } });
    expect(again.json().error.code).toBe('ERR_CONFLICT');
    await consoleWs.close();
  });

  it('reads nothing when the person declines, and shows the agent it was declined', async () => {
    const { t } = world;
    const before = (await supportReads()).length;
    const reveal = (await asMember(t, agent, 'POST', `${base}/reveals`, { field: 'balance' })).json() as RevealRequest;
    const declined = await t.app.inject({ method: 'POST', url: `/v1/reveal-requests/${reveal.id}`, headers: alice.headers, payload: { decision: 'decline' } });
    expect(declined.json()).toMatchObject({ status: 'declined' });
    const listed = ((await asMember(t, agent, 'GET', `${base}/reveals`)).json() as { reveals: RevealRequest[] }).reveals;
    expect(listed.find((r) => r.id === reveal.id)).toMatchObject({ status: 'declined', value: null });
    expect((await supportReads()).length).toBe(before);
    const exported = (await t.app.inject({ url: '/v1/account/export', headers: { cookie: alice.cookie } })).json() as AccountExport;
    expect(exported.supportAnswers.reveals).toContainEqual(expect.objectContaining({ field: 'balance', status: 'declined', decidedAt: expect.any(Number) }));
  });
});
