import type { InboxAgentList, InboxConversation } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from './context';
import { addStaff, asMember, botHandsOver, consoleSocket, customer, inboxOf, inboxWorld, type InboxWorld, type Staff } from './inbox-fixtures';

// Round-robin: handed-over conversations go to online, available agents in turn, never past the
// per-agent limit; the rest wait, and go out as soon as someone comes online or frees a place.

describe.each(dialects)('inbox assignment on %s', (dialect) => {
  let world: InboxWorld;
  let second: Staff;
  const base = () => `/v1/business/${world.bank.id}`;
  const assigneeOf = async (conversationId: string) => (await inboxOf(world.t, world.owner, world.bank.id)).find((c) => c.conversationId === conversationId)?.assignee?.memberId ?? null;
  const handOverNew = async () => {
    const { conversation } = await customer(world.t);
    await botHandsOver(world, conversation.id);
    return conversation.id;
  };

  beforeAll(async () => {
    world = await inboxWorld(dialect);
    second = await addStaff(world.t, world.bank.id, 'agent', 'Ben Agent');
    const limit = await asMember(world.t, world.owner, 'PATCH', `${base()}/settings`, { maxPerAgent: 2 });
    expect(limit.json()).toMatchObject({ maxPerAgent: 2, autoAssign: true });
  });
  afterAll(() => world.t.close());

  it('assigns nobody while no agent is online, then rotates among online agents up to the limit', async () => {
    const waiting = await handOverNew();
    expect(await assigneeOf(waiting)).toBeNull();

    // The developer's console socket counts for nothing (developers do not work the inbox); an away agent neither.
    const developerSocket = await consoleSocket(world.t, world.developer);
    const away = await consoleSocket(world.t, second, false);
    expect(await assigneeOf(waiting)).toBeNull();

    const ana = await consoleSocket(world.t, world.agent);
    // Coming online takes the waiting conversation.
    await ana.take('inbox', (frame) => frame.conversation.conversationId === waiting && frame.conversation.assignee !== null);
    expect(await assigneeOf(waiting)).toBe(world.agent.memberId);

    away.send({ type: 'inbox.join', available: true });
    await away.take('inbox.joined', (frame) => frame.available);
    const agents = (await asMember(world.t, world.owner, 'GET', `${base()}/inbox/agents`)).json() as InboxAgentList;
    expect(agents.agents.filter((a) => a.online).map((a) => a.memberId).sort()).toEqual([world.agent.memberId, second.memberId].sort());

    // Ben has none, Ana one: Ben, then whoever was given one least recently (Ana), then Ben reaches 2 as well.
    const next = [await handOverNew(), await handOverNew(), await handOverNew()];
    expect(await Promise.all(next.map(assigneeOf))).toEqual([second.memberId, world.agent.memberId, second.memberId]);

    // Both at the limit of 2: the next waits.
    const overflow = await handOverNew();
    expect(await assigneeOf(overflow)).toBeNull();

    // Resolving one of Ana's frees a place, and the waiting one goes to her.
    const resolved = await asMember(world.t, world.agent, 'POST', `${base()}/inbox/${waiting}/resolve`);
    expect(resolved.statusCode, resolved.body).toBe(200);
    await ana.take('inbox', (frame) => frame.conversation.conversationId === overflow && frame.conversation.assignee !== null);
    expect(await assigneeOf(overflow)).toBe(world.agent.memberId);
    await Promise.all([developerSocket.close(), away.close(), ana.close()]);
  });

  it('forgets an agent whose console closes, and lets anyone transfer by hand past the limit', async () => {
    const ben = await consoleSocket(world.t, second);
    await ben.close();
    // Let the server see the close before the next handover.
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline && ((await asMember(world.t, world.owner, 'GET', `${base()}/inbox/agents`)).json() as InboxAgentList).agents.some((a) => a.online)) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const id = await handOverNew();
    expect(await assigneeOf(id)).toBeNull();
    const moved = await asMember(world.t, world.agent, 'POST', `${base()}/inbox/${id}/assign`, { memberId: second.memberId });
    expect((moved.json() as InboxConversation).assignee).toEqual({ memberId: second.memberId, displayName: 'Ben Agent' });
    const toDeveloper = await asMember(world.t, world.agent, 'POST', `${base()}/inbox/${id}/assign`, { memberId: world.developer.memberId });
    expect(toDeveloper.json().error.code).toBe('ERR_NOT_FOUND');
    const mine = await inboxOf(world.t, second, world.bank.id, '?view=mine&status=open');
    expect(mine.map((c) => c.conversationId)).toContain(id);
    const unassigned = await inboxOf(world.t, second, world.bank.id, '?view=unassigned');
    expect(unassigned.map((c) => c.conversationId)).not.toContain(id);
    const bsid = mine.find((c) => c.conversationId === id)!.bsid;
    expect((await inboxOf(world.t, second, world.bank.id, `?bsid=${bsid}`)).map((c) => c.conversationId)).toEqual([id]);
  });
});
