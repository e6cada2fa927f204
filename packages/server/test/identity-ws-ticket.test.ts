import type { WsTicket } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ServerContext } from '../src/context';
import { authenticateWsTicket } from '../src/identity';
import { createTestApp, dialects, type TestApp } from './context';
import { ManualClock, openSideContext } from './identity-fixtures';
import { signUpPerson, type TestPerson } from './people';

describe.each(dialects)('WebSocket tickets on %s', (dialect) => {
  const clock = new ManualClock();
  let t: TestApp;
  let side: { ctx: ServerContext; close(): Promise<void> };
  beforeAll(async () => {
    t = await createTestApp(dialect, { deps: { clock } });
    side = await openSideContext(t, clock);
  });
  afterAll(async () => {
    await side.close();
    await t.close();
  });

  async function ticketFor(person: TestPerson): Promise<WsTicket> {
    const response = await t.app.inject({ method: 'POST', url: '/v1/ws-ticket', headers: person.headers });
    expect(response.statusCode).toBe(200);
    return response.json<WsTicket>();
  }

  it('admits one upgrade as the person who asked, and no second one', async () => {
    const person = await signUpPerson(t.app);
    const { ticket, expiresAt } = await ticketFor(person);
    expect(expiresAt).toBe(clock.now() + 60_000);
    const principal = await authenticateWsTicket(side.ctx, ticket);
    expect(principal.personId).toBe(person.me.id);
    expect(principal.csrfToken).toBe(person.csrfToken);
    await expect(authenticateWsTicket(side.ctx, ticket)).rejects.toMatchObject({ code: 'ERR_TICKET_INVALID', status: 401 });
  });

  it('admits only one of two upgrades racing with the same ticket', async () => {
    const person = await signUpPerson(t.app);
    const { ticket } = await ticketFor(person);
    const results = await Promise.allSettled([authenticateWsTicket(side.ctx, ticket), authenticateWsTicket(side.ctx, ticket)]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
  });

  it('refuses a ticket used after 60 seconds, and one that never existed', async () => {
    const person = await signUpPerson(t.app);
    const fresh = await ticketFor(person);
    const stale = await ticketFor(person);
    clock.advance(59_000);
    await expect(authenticateWsTicket(side.ctx, fresh.ticket)).resolves.toMatchObject({ personId: person.me.id });
    clock.advance(1_000);
    await expect(authenticateWsTicket(side.ctx, stale.ticket)).rejects.toMatchObject({ code: 'ERR_TICKET_INVALID' });
    await expect(authenticateWsTicket(side.ctx, 'made-up-ticket')).rejects.toMatchObject({ code: 'ERR_TICKET_INVALID' });
    await expect(authenticateWsTicket(side.ctx, '')).rejects.toMatchObject({ code: 'ERR_TICKET_INVALID' });
  });

  it('dies with the session it was issued for', async () => {
    const person = await signUpPerson(t.app);
    const { ticket } = await ticketFor(person);
    await t.app.inject({ method: 'POST', url: '/v1/auth/sign-out', headers: person.headers });
    await expect(authenticateWsTicket(side.ctx, ticket)).rejects.toMatchObject({ code: 'ERR_TICKET_INVALID' });
  });

  it('is issued only to a signed-in caller with the CSRF token', async () => {
    const person = await signUpPerson(t.app);
    expect((await t.app.inject({ method: 'POST', url: '/v1/ws-ticket' })).statusCode).toBe(401);
    const noToken = await t.app.inject({ method: 'POST', url: '/v1/ws-ticket', headers: { cookie: person.cookie } });
    expect(noToken.statusCode).toBe(403);
  });

  it('makes every ticket different, 32 random bytes long', async () => {
    const person = await signUpPerson(t.app);
    const tickets = new Set<string>();
    for (let i = 0; i < 5; i++) tickets.add((await ticketFor(person)).ticket);
    expect(tickets.size).toBe(5);
    for (const ticket of tickets) expect(ticket).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

/** How a WebSocket upgrade ends: open, or refused with an HTTP status. */
function upgrade(url: string, headers: Record<string, string>): Promise<number | 'open'> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.once('open', () => {
      socket.close();
      resolve('open');
    });
    socket.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.once('error', reject);
  });
}

describe.each(dialects)('a WebSocket upgrade with a ticket, over a real socket, on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect, { listen: true });
  });
  afterAll(() => t.close());

  it('opens with Authorization: Bearer <ticket> once, and is refused the second time', async () => {
    const person = await signUpPerson(t.app);
    const response = await fetch(`${t.baseUrl}/v1/ws-ticket`, { method: 'POST', headers: person.headers });
    expect(response.status).toBe(200);
    const { ticket } = (await response.json()) as WsTicket;
    const url = `${t.baseUrl.replace('http', 'ws')}/v1/ws`;
    expect(await upgrade(url, { authorization: `Bearer ${ticket}` })).toBe('open');
    expect(await upgrade(url, { authorization: `Bearer ${ticket}` })).toBe(401);
  });
});
