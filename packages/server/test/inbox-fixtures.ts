import type { Business, BusinessRole, Conversation, CreatedApiKey, InboxConversation } from '@parley/protocol';
import { expect } from 'vitest';
import { addMember, adminToken, bearer, createKey } from './business-fixtures';
import { createTestApp, type TestApp } from './context';
import { connect, openBankConversation, sandboxBank, type TestSocket } from './messaging-client';
import { signUpPerson, type TestPerson } from './people';

/** A member of the bank as the console tests hold them: the person and their membership id. */
export interface Staff {
  readonly person: TestPerson;
  readonly memberId: string;
  readonly role: BusinessRole;
}

export interface InboxWorld {
  readonly t: TestApp;
  readonly bank: Business;
  readonly sendKey: CreatedApiKey;
  readonly owner: Staff;
  readonly developer: Staff;
  readonly agent: Staff;
}

export async function addStaff(t: TestApp, businessId: string, role: BusinessRole, name: string): Promise<Staff> {
  const person = await signUpPerson(t.app, name);
  const member = await addMember(t.app, businessId, person.me.email!, role);
  return { person, memberId: member.id, role };
}

/** A listening Parley with the Sandbox Bank, an owner, a developer and an agent, and a `messages:send` key for the bot. */
export async function inboxWorld(dialect: TestApp['dialect'], config: Parameters<typeof createTestApp>[1] = {}): Promise<InboxWorld> {
  const t = await createTestApp(dialect, { listen: true, ...config, config: { adminToken, webhookAllowPrivate: true, ...config.config } });
  const anyone = await signUpPerson(t.app);
  const bank = await sandboxBank(t.app, anyone);
  const sendKey = await createKey(t.app, bank.id, ['messages:send']);
  const [owner, developer, agent] = [await addStaff(t, bank.id, 'owner', 'Olga Owner'), await addStaff(t, bank.id, 'developer', 'Dev Eloper'), await addStaff(t, bank.id, 'agent', 'Ana Agent')];
  return { t, bank, sendKey, owner, developer, agent };
}

/** A customer with an open conversation with the bank. */
export async function customer(t: TestApp): Promise<{ person: TestPerson; conversation: Conversation }> {
  const person = await signUpPerson(t.app, 'Carla Customer');
  return { person, conversation: await openBankConversation(t.app, person) };
}

/** The bot passes the thread to the inbox over the Business API. */
export async function botHandsOver(world: Pick<InboxWorld, 't' | 'sendKey'>, conversationId: string, metadata = 'The person asked for a human.'): Promise<void> {
  const response = await world.t.app.inject({
    method: 'POST',
    url: `/v1/conversations/${conversationId}/pass-thread-control`,
    headers: bearer(world.sendKey.secret),
    payload: { to: 'inbox', metadata },
  });
  expect(response.statusCode, response.body).toBe(200);
}

/** A console socket: the member's session, joined to their inboxes. */
export async function consoleSocket(t: TestApp, staff: Staff, available = true): Promise<TestSocket> {
  const socket = await connect(t, staff.person);
  socket.send({ type: 'inbox.join', available });
  await socket.take('inbox.joined');
  return socket;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A console request as `who` (session cookie and CSRF token). */
export function asMember(t: TestApp, who: { person: TestPerson } | TestPerson, method: Method, url: string, payload?: object) {
  const person = 'person' in who ? who.person : who;
  return t.app.inject({ method, url, headers: method === 'GET' ? { cookie: person.cookie } : person.headers, ...(payload === undefined ? {} : { payload }) });
}

export async function inboxOf(t: TestApp, staff: Staff, businessId: string, query = ''): Promise<InboxConversation[]> {
  const response = await asMember(t, staff, 'GET', `/v1/business/${businessId}/inbox${query}`);
  expect(response.statusCode, response.body).toBe(200);
  return (response.json() as { conversations: InboxConversation[] }).conversations;
}
