import type { CsatSurveyContent, HistoryPage, InboxConversation, InboxStats, WebhookEvent, AccountExport } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createKey } from './business-fixtures';
import { dialects } from './context';
import { asMember, botHandsOver, consoleSocket, customer, inboxOf, inboxWorld, type InboxWorld } from './inbox-fixtures';
import { clientId, connect, textSend } from './messaging-client';
import { registerEndpoint, startReceiver, type WebhookReceiver } from './webhooks-fixtures';

// The inbox end to end over real sockets: the bot hands over, the agent sees it live, replies
// (the person sees the agent's name), leaves a note the person never gets, resolves, the person
// rates, and the figures show it.

describe.each(dialects)('agent inbox on %s', (dialect) => {
  let world: InboxWorld;
  let receivers: WebhookReceiver[];
  const base = () => `/v1/business/${world.bank.id}`;

  beforeAll(async () => {
    world = await inboxWorld(dialect);
    receivers = [await startReceiver(), await startReceiver()];
    const manage = await createKey(world.t.app, world.bank.id, ['webhooks:manage']);
    const everything = ['message.created', 'standby', 'postback', 'handover.passed', 'handover.taken', 'handover.returned', 'message.read', 'conversation.started'] as const;
    await registerEndpoint(world.t.app, manage.secret, { url: receivers[0]!.url, eventTypes: [...everything] });
    const inboxSide = await world.t.app.inject({ method: 'POST', url: '/v1/webhooks/endpoints', headers: bearer(manage.secret), payload: { url: receivers[1]!.url, eventTypes: [...everything], role: 'inbox' } });
    expect(inboxSide.statusCode).toBe(201);
  });
  afterAll(async () => {
    await world.t.close();
    await Promise.all(receivers.map((receiver) => receiver.close()));
  });

  it('shows a handover live on the agent socket, carries the reply with the agent name, keeps notes from the person, and counts the rating', async () => {
    const { t } = world;
    const agentSocket = await consoleSocket(t, world.agent);
    const { person, conversation } = await customer(t);
    const personSocket = await connect(t, person);

    await botHandsOver(world, conversation.id);
    const live = await agentSocket.take('inbox', (frame) => frame.conversation.conversationId === conversation.id && frame.conversation.assignee !== null);
    expect(live.conversation).toMatchObject({ status: 'open', owner: 'inbox', handoverNote: 'The person asked for a human.', assignee: { memberId: world.agent.memberId, displayName: 'Ana Agent' } });
    expect(live.conversation.bsid).toMatch(/^bsid_/);

    // The person writes; the agent's socket gets the message and the inbox row moves.
    personSocket.send(textSend(conversation.id, 'My card was charged twice'));
    await personSocket.take('ack');
    const heard = await agentSocket.take('message', (frame) => frame.message.conversationId === conversation.id && frame.message.sender === 'person');
    expect(heard.message.content).toEqual({ contentType: 'text', text: 'My card was charged twice' });
    const [row] = (await inboxOf(t, world.agent, world.bank.id, '?view=mine')).filter((c) => c.conversationId === conversation.id);
    expect(row!.unread).toBe(1);

    // Agent typing reaches the person as the business typing.
    expect((await asMember(t, world.agent, 'POST', `${base()}/inbox/${conversation.id}/typing`, { state: 'start' })).statusCode).toBe(204);
    expect(await personSocket.take('typing')).toMatchObject({ conversationId: conversation.id, sender: 'business', state: 'start' });

    const id = clientId();
    const reply = await asMember(t, world.agent, 'POST', `${base()}/inbox/${conversation.id}/messages`, { clientId: id, content: { contentType: 'text', text: 'I see two charges; refunding one now.' } });
    expect(reply.statusCode, reply.body).toBe(201);
    const seen = await personSocket.take('message', (frame) => frame.message.sender === 'business' && frame.message.content.contentType === 'text');
    expect(seen.message.agent).toEqual({ displayName: 'Ana Agent' });
    expect(JSON.stringify(seen)).not.toContain(world.agent.person.me.email!);
    const again = await asMember(t, world.agent, 'POST', `${base()}/inbox/${conversation.id}/messages`, { clientId: id, content: { contentType: 'text', text: 'I see two charges; refunding one now.' } });
    expect(again.statusCode).toBe(200);
    const history = (await t.app.inject({ url: `/v1/conversations/${conversation.id}/messages`, headers: { cookie: person.cookie } })).json() as HistoryPage;
    expect(history.messages.filter((m) => m.agent?.displayName === 'Ana Agent')).toHaveLength(1);

    // An internal note: the agent's socket gets it; the person's sockets, every webhook endpoint and the export never do.
    const secret = 'NOTE-SECRET-second-dispute-this-month';
    const note = await asMember(t, world.agent, 'POST', `${base()}/inbox/${conversation.id}/notes`, { text: secret });
    expect(note.statusCode, note.body).toBe(201);
    expect((await agentSocket.take('note')).note.text).toBe(secret);
    const view = await asMember(t, world.owner, 'GET', `${base()}/inbox/${conversation.id}`);
    expect(view.json().notes.map((n: { text: string }) => n.text)).toEqual([secret]);

    const resolved = await asMember(t, world.agent, 'POST', `${base()}/inbox/${conversation.id}/resolve`);
    expect(resolved.statusCode, resolved.body).toBe(200);
    expect((resolved.json() as InboxConversation)).toMatchObject({ status: 'resolved', owner: 'bot' });
    const survey = await personSocket.take('message', (frame) => frame.message.content.contentType === 'csat_survey');
    const { surveyId } = survey.message.content as CsatSurveyContent;
    const surveyView = (who: { cookie: string }) => t.app.inject({ url: `/v1/conversations/${conversation.id}/csat/${surveyId}`, headers: { cookie: who.cookie } });
    expect((await surveyView(person)).json()).toEqual({ surveyId, rating: null, answeredAt: null });
    const rated = await t.app.inject({ method: 'POST', url: `/v1/conversations/${conversation.id}/csat`, headers: person.headers, payload: { surveyId, rating: 4 } });
    expect(rated.statusCode, rated.body).toBe(200);
    const twice = await t.app.inject({ method: 'POST', url: `/v1/conversations/${conversation.id}/csat`, headers: person.headers, payload: { surveyId, rating: 1 } });
    expect(twice.json().error.code).toBe('ERR_CONFLICT');
    // The card reads its state back (after a reload, on another device): the first rating, not the refused one.
    expect((await surveyView(person)).json()).toEqual({ surveyId, rating: 4, answeredAt: (rated.json() as { answeredAt: number }).answeredAt });
    expect((await surveyView(world.agent.person)).json().error.code).toBe('ERR_NOT_FOUND');

    const personFrames = JSON.stringify([...(await personSocket.quiet()), ...personSocket.frames]);
    expect(personFrames).not.toContain(secret);
    await t.app.webhooks.flush();
    const events = receivers.flatMap((receiver) => receiver.received.map((hit) => JSON.parse(hit.body) as WebhookEvent));
    expect(events.map((event) => event.type)).toContain('handover.returned');
    expect(JSON.stringify(events)).not.toContain(secret);
    const exported = await t.app.inject({ url: '/v1/account/export', headers: { cookie: person.cookie } });
    expect(exported.statusCode).toBe(200);
    expect(exported.body).toContain('I see two charges');
    expect(exported.body).not.toContain(secret);
    // The person's own answer to the bank's people is theirs, and is in the export.
    expect((exported.json() as AccountExport).supportAnswers.ratings).toEqual([expect.objectContaining({ conversationId: conversation.id, rating: 4 })]);

    const stats = (await asMember(t, world.agent, 'GET', `${base()}/inbox/stats`)).json() as InboxStats;
    expect(stats.overall).toMatchObject({ handled: 1, csatAverage: 4, csatCount: 1 });
    expect(stats.overall.medianFirstResponseMs).not.toBeNull();
    expect(stats.perAgent).toEqual([expect.objectContaining({ memberId: world.agent.memberId, displayName: 'Ana Agent', csatCount: 1, csatAverage: 4 })]);
    expect(stats.perDay).toHaveLength(1);
    await Promise.all([agentSocket.close(), personSocket.close()]);

    // The person deletes their account: the conversation leaves the inbox with its notes, reveals and episodes.
    const deleted = await t.app.inject({ method: 'DELETE', url: '/v1/account', headers: person.headers, payload: { confirm: 'delete my account' } });
    expect(deleted.statusCode, deleted.body).toBe(200);
    expect((await asMember(t, world.agent, 'GET', `${base()}/inbox/${conversation.id}`)).json().error.code).toBe('ERR_NOT_FOUND');
    expect((await inboxOf(t, world.agent, world.bank.id)).map((c) => c.conversationId)).not.toContain(conversation.id);
    expect(((await asMember(t, world.agent, 'GET', `${base()}/inbox/stats`)).json() as InboxStats).overall.handled).toBe(0);
  });

  it('gives a thread back to the bot and takes it again from the console, telling the bank each time', async () => {
    const { t } = world;
    const { conversation } = await customer(t);
    await botHandsOver(world, conversation.id);
    const back = await asMember(t, world.owner, 'POST', `${base()}/inbox/${conversation.id}/return`, { metadata: 'Bot can finish this.' });
    expect(back.json()).toMatchObject({ owner: 'bot', status: 'resolved' });
    const refused = await asMember(t, world.agent, 'POST', `${base()}/inbox/${conversation.id}/messages`, { clientId: clientId(), content: { contentType: 'text', text: 'hello?' } });
    expect(refused.json().error.code).toBe('ERR_CONFLICT');
    const taken = await asMember(t, world.agent, 'POST', `${base()}/inbox/${conversation.id}/take`);
    expect(taken.json()).toMatchObject({ owner: 'inbox', status: 'open', assignee: { memberId: world.agent.memberId } });
    await t.app.webhooks.flush();
    const types = receivers[0]!.received.map((hit) => (JSON.parse(hit.body) as WebhookEvent)).filter((e) => 'conversationId' in e.data && e.data.conversationId === conversation.id).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['handover.passed', 'handover.returned', 'handover.taken']));
  });
});
