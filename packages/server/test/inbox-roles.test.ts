import type { BusinessRole, CreatedInvite, CreatedWebhookEndpoint, RevealRequest } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBusiness, createKey } from './business-fixtures';
import { dialects } from './context';
import { addStaff, asMember, botHandsOver, customer, inboxWorld, type InboxWorld, type Staff } from './inbox-fixtures';
import { clientId } from './messaging-client';
import { startReceiver, type WebhookReceiver } from './webhooks-fixtures';

// Every console route against every role, and against a member of another bank: the roles
// allowed get past authorization, the others 403 ERR_FORBIDDEN, a stranger 404 ERR_NOT_FOUND
// (exactly as for a business that does not exist), whatever the ids.

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
interface Route {
  readonly method: Method;
  readonly url: string;
  readonly body?: object;
  readonly allowed: readonly BusinessRole[];
}

const inbox: BusinessRole[] = ['agent', 'owner'];
const builders: BusinessRole[] = ['owner', 'developer'];
const owner: BusinessRole[] = ['owner'];

describe.each(dialects)('console roles on %s', (dialect) => {
  let world: InboxWorld;
  let receiver: WebhookReceiver;
  let stranger: Staff;
  let routes: Route[];

  beforeAll(async () => {
    world = await inboxWorld(dialect);
    const { t, bank } = world;
    receiver = await startReceiver();
    const other = await createBusiness(t.app, 'Other Bank');
    stranger = await addStaff(t, other.id, 'owner', 'Sam Stranger');
    const { conversation } = await customer(t);
    await botHandsOver(world, conversation.id);
    const b = `/v1/business/${bank.id}`;
    const c = `${b}/inbox/${conversation.id}`;
    const canned = (await asMember(t, world.owner, 'POST', `${b}/canned`, { shortcut: 'hello', text: 'Hello!' })).json() as { id: string };
    const invite = (await asMember(t, world.owner, 'POST', `${b}/invites`, { role: 'agent' })).json() as CreatedInvite;
    const endpoint = (await asMember(t, world.owner, 'POST', `${b}/webhooks/endpoints`, { url: receiver.url, eventTypes: ['message.created'] })).json() as CreatedWebhookEndpoint;
    const test = (await asMember(t, world.developer, 'POST', `${b}/webhooks/endpoints/${endpoint.id}/test`)).json() as { deliveryId: string };
    const reveal = (await asMember(t, world.agent, 'POST', `${c}/reveals`, { field: 'account_mask' })).json() as RevealRequest;
    expect(reveal.status).toBe('pending');
    const key = await createKey(t.app, bank.id, ['messages:send']);
    routes = [
      { method: 'GET', url: `${b}/inbox`, allowed: inbox },
      { method: 'GET', url: `${b}/inbox/agents`, allowed: inbox },
      { method: 'GET', url: `${b}/inbox/stats`, allowed: inbox },
      { method: 'GET', url: c, allowed: inbox },
      { method: 'GET', url: `${c}/messages`, allowed: inbox },
      { method: 'POST', url: `${c}/messages`, body: { clientId: clientId(), content: { contentType: 'text', text: 'Hi' } }, allowed: inbox },
      { method: 'POST', url: `${c}/assign`, body: { memberId: world.agent.memberId }, allowed: inbox },
      { method: 'POST', url: `${c}/status`, body: { status: 'pending' }, allowed: inbox },
      { method: 'POST', url: `${c}/read`, body: { seq: 1 }, allowed: inbox },
      { method: 'POST', url: `${c}/typing`, body: { state: 'stop' }, allowed: inbox },
      { method: 'GET', url: `${c}/notes`, allowed: inbox },
      { method: 'POST', url: `${c}/notes`, body: { text: 'A note' }, allowed: inbox },
      { method: 'GET', url: `${c}/reveals`, allowed: inbox },
      { method: 'POST', url: `${c}/reveals`, body: { field: 'balance' }, allowed: inbox },
      { method: 'POST', url: `${c}/take`, allowed: inbox },
      { method: 'POST', url: `${c}/resolve`, allowed: inbox },
      { method: 'POST', url: `${c}/return`, body: {}, allowed: inbox },
      { method: 'GET', url: `${b}/canned`, allowed: inbox },
      { method: 'POST', url: `${b}/canned`, body: { shortcut: `s${Date.now()}`, text: 'Text' }, allowed: owner },
      { method: 'PATCH', url: `${b}/canned/${canned.id}`, body: { text: 'Hello again!' }, allowed: owner },
      { method: 'DELETE', url: `${b}/canned/${canned.id}`, allowed: owner },
      { method: 'GET', url: `${b}/settings`, allowed: builders },
      { method: 'PATCH', url: `${b}/settings`, body: { maxPerAgent: 5 }, allowed: owner },
      { method: 'GET', url: `${b}/menu`, allowed: owner },
      { method: 'PUT', url: `${b}/menu`, body: { persistentMenu: [{ type: 'postback', title: 'My balance', payload: 'BALANCE' }] }, allowed: owner },
      { method: 'GET', url: `${b}/invites`, allowed: owner },
      { method: 'POST', url: `${b}/invites`, body: { role: 'agent' }, allowed: owner },
      { method: 'DELETE', url: `${b}/invites/${invite.invite.id}`, allowed: owner },
      { method: 'GET', url: `${b}/members`, allowed: builders },
      { method: 'POST', url: `${b}/members`, body: { email: stranger.person.me.email, role: 'agent' }, allowed: owner },
      { method: 'DELETE', url: `${b}/members/${world.developer.memberId}`, allowed: owner },
      { method: 'GET', url: `${b}/keys`, allowed: builders },
      { method: 'POST', url: `${b}/keys`, body: { name: 'k', scopes: ['messages:send'] }, allowed: builders },
      { method: 'DELETE', url: `${b}/keys/${key.key.id}`, allowed: builders },
      { method: 'GET', url: `${b}/webhooks/endpoints`, allowed: builders },
      { method: 'POST', url: `${b}/webhooks/endpoints`, body: { url: receiver.url, eventTypes: ['standby'] }, allowed: builders },
      { method: 'POST', url: `${b}/webhooks/endpoints/${endpoint.id}/rotate-secret`, allowed: builders },
      { method: 'POST', url: `${b}/webhooks/endpoints/${endpoint.id}/test`, allowed: builders },
      { method: 'GET', url: `${b}/webhooks/deliveries`, allowed: builders },
      { method: 'POST', url: `${b}/webhooks/deliveries/${test.deliveryId}/replay`, allowed: builders },
      { method: 'DELETE', url: `${b}/webhooks/endpoints/${endpoint.id}`, allowed: builders },
    ];
  });
  afterAll(async () => {
    await world.t.close();
    await receiver.close();
  });

  it('answers a member of another bank 404 on every route, as for a bank that does not exist', async () => {
    for (const route of routes) {
      const response = await asMember(world.t, stranger, route.method, route.url, route.body);
      expect([route.method, route.url, response.statusCode, response.json().error?.code]).toEqual([route.method, route.url, 404, 'ERR_NOT_FOUND']);
    }
  });

  it('answers 403 ERR_FORBIDDEN to every role that lacks the right: agents manage no keys, members, webhooks or settings; developers no members or settings', async () => {
    for (const staff of [world.agent, world.developer, world.owner]) {
      for (const route of routes.filter((r) => !r.allowed.includes(staff.role))) {
        const response = await asMember(world.t, staff, route.method, route.url, route.body);
        expect([staff.role, route.method, route.url, response.statusCode, response.json().error?.code]).toEqual([staff.role, route.method, route.url, 403, 'ERR_FORBIDDEN']);
      }
    }
  });

  it('lets every allowed role through (the owner last, so its deletes come after)', async () => {
    for (const staff of [world.agent, world.developer, world.owner]) {
      for (const route of routes.filter((r) => r.allowed.includes(staff.role))) {
        const response = await asMember(world.t, staff, route.method, route.url, route.body);
        expect([staff.role, route.method, route.url, response.statusCode]).not.toEqual([staff.role, route.method, route.url, 403]);
        expect(response.statusCode, `${staff.role} ${route.method} ${route.url}: ${response.body}`).toBeLessThan(500);
      }
    }
  });

  it('keeps reveal requests and surveys of one person from another person', async () => {
    const { t, bank } = world;
    const { person, conversation } = await customer(t);
    const someoneElse = await customer(t);
    await botHandsOver(world, conversation.id);
    const reveal = (await asMember(t, world.agent, 'POST', `/v1/business/${bank.id}/inbox/${conversation.id}/reveals`, { field: 'account_mask' })).json() as RevealRequest;
    const theirs = await t.app.inject({ url: `/v1/reveal-requests/${reveal.id}`, headers: { cookie: person.cookie } });
    expect(theirs.json()).toMatchObject({ id: reveal.id, status: 'pending' });
    for (const method of ['GET', 'POST'] as const) {
      const response = await asMember(t, someoneElse.person, method, `/v1/reveal-requests/${reveal.id}`, method === 'POST' ? { decision: 'approve' } : undefined);
      expect(response.json().error.code).toBe('ERR_NOT_FOUND');
    }
    const rating = await asMember(t, someoneElse.person, 'POST', `/v1/conversations/${conversation.id}/csat`, { surveyId: reveal.id, rating: 5 });
    expect(rating.json().error.code).toBe('ERR_NOT_FOUND');
  });
});
