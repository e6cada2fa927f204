import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from './business-fixtures';
import { dialects } from './context';
import type { InboxAgentList, MembershipList } from '@parley/protocol';
import { addStaff, asMember, botHandsOver, consoleSocket, customer, inboxWorld, type InboxWorld } from './inbox-fixtures';

// A console socket follows a business only while its person is a member who works the inbox:
// removing the member stops its events at the next periodic check, without waiting for a reconnect.

describe.each(dialects)('console membership on %s', (dialect) => {
  let world: InboxWorld;
  const clock = manualClock();

  beforeAll(async () => {
    world = await inboxWorld(dialect, { deps: { clock } });
  });
  afterAll(() => world.t.close());

  it('tells each member their own member id, even two agents who share a name', async () => {
    const { t, bank } = world;
    const twins = [await addStaff(t, bank.id, 'agent', 'Sam Same'), await addStaff(t, bank.id, 'agent', 'Sam Same')];
    for (const twin of twins) {
      const response = await asMember(t, twin, 'GET', '/v1/business');
      expect(response.statusCode, response.body).toBe(200);
      const membership = (response.json() as MembershipList).memberships.find((m) => m.business.id === bank.id);
      expect(membership).toMatchObject({ role: 'agent', memberId: twin.memberId });
    }
    // The id is the one the inbox names agents by, so the console can mark "me" in the agents list.
    const agents = await asMember(t, twins[0]!, 'GET', `/v1/business/${bank.id}/inbox/agents`);
    expect(agents.statusCode, agents.body).toBe(200);
    const named = (agents.json() as InboxAgentList).agents.filter((a) => a.displayName === 'Sam Same').map((a) => a.memberId);
    expect(named.sort()).toEqual(twins.map((twin) => twin.memberId).sort());
  });

  it('stops the events of a business to a socket whose member was removed', async () => {
    const { t } = world;
    const agentSocket = await consoleSocket(t, world.agent);
    const first = await customer(t);
    await botHandsOver(world, first.conversation.id);
    await agentSocket.take('inbox', (frame) => frame.conversation.conversationId === first.conversation.id);

    const removed = await asMember(t, world.owner, 'DELETE', `/v1/business/${world.bank.id}/members/${world.agent.memberId}`);
    expect(removed.statusCode).toBe(204);
    // The session check (and with it the membership check) runs on the injected clock's minute.
    clock.advance(61_000);
    const deadline = Date.now() + 10_000;
    let stillHears = true;
    while (stillHears && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const next = await customer(t);
      await botHandsOver(world, next.conversation.id);
      stillHears = (await agentSocket.quiet()).some((frame) => frame.type === 'inbox' || frame.type === 'message');
    }
    expect(stillHears).toBe(false);
    await agentSocket.close();
  });
});
