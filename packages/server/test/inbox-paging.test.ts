import type { HistoryPage, InboxConversation, InboxList } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tables } from '../src/database';
import { openDatabase } from '../src/platform/db/database';
import { dialects } from './context';
import { asMember, botHandsOver, customer, inboxWorld, type InboxWorld } from './inbox-fixtures';
import { clientId } from './messaging-client';

// The console reads long threads and long inboxes a page at a time: the thread backwards by seq
// ("Load earlier messages"), the list forwards by (updatedAt, conversationId) ("Load more").
// Paged to the end, each reads back whole, in order, with nothing twice.

describe.each(dialects)('console paging on %s', (dialect) => {
  let world: InboxWorld;
  const base = () => `/v1/business/${world.bank.id}`;

  beforeAll(async () => {
    world = await inboxWorld(dialect);
  });
  afterAll(async () => {
    await world.t.close();
  });

  it('pages a 250-message thread back to its first message with `before`', async () => {
    const { t } = world;
    const { person, conversation } = await customer(t);
    await botHandsOver(world, conversation.id);
    for (let i = 1; i <= 250; i++) {
      const sent = await t.app.inject({ method: 'POST', url: `/v1/conversations/${conversation.id}/messages`, headers: person.headers, payload: { clientId: clientId(), content: { contentType: 'text', text: `message ${i}` } } });
      expect(sent.statusCode, sent.body).toBe(201);
    }
    const url = `${base()}/inbox/${conversation.id}/messages`;
    const pages: HistoryPage[] = [];
    let before: number | undefined;
    for (;;) {
      const response = await asMember(t, world.agent, 'GET', `${url}?limit=100${before === undefined ? '' : `&before=${before}`}`);
      expect(response.statusCode, response.body).toBe(200);
      const page = response.json() as HistoryPage;
      pages.push(page);
      if (!page.hasMore) break;
      before = page.messages[0]!.seq;
    }
    expect(pages.map((page) => page.messages.length)).toEqual([100, 100, pages[2]!.messages.length]);
    const all = pages.reverse().flatMap((page) => page.messages);
    const seqs = all.map((message) => message.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, index) => index + 1));
    const texts = all.flatMap((message) => (message.sender === 'person' && message.content.contentType === 'text' ? [message.content.text] : []));
    expect(texts).toEqual(Array.from({ length: 250 }, (_, index) => `message ${index + 1}`));

    const bad = await asMember(t, world.agent, 'GET', `${url}?before=0`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'ERR_VALIDATION' } });
  });

  it('pages an inbox to the end, past rows changed in the same millisecond, with before + beforeId', async () => {
    const { t } = world;
    const handedOver: string[] = [];
    // Each customer signs up (argon2): a dozen rows paged 5 at a time stand for a long inbox paged 100 at a time.
    for (let i = 0; i < 13; i++) {
      const { conversation } = await customer(t);
      await botHandsOver(world, conversation.id);
      handedOver.push(conversation.id);
    }
    // A burst of handovers lands in one millisecond: a cursor on the time alone would skip rows at a page's edge.
    const database = await openDatabase<Tables>(t.config);
    await database.db.updateTable('inbox_conversations').set({ updated_at: 1_795_000_000_000 }).where('business_id', '=', world.bank.id).where('conversation_id', 'in', handedOver.slice(0, 7)).execute();
    await database.close();

    const read = async (query: string) => {
      const response = await asMember(t, world.owner, 'GET', `${base()}/inbox?view=all${query}`);
      expect(response.statusCode, response.body).toBe(200);
      return response.json() as InboxList;
    };
    const seen: InboxConversation[] = [];
    const sizes: number[] = [];
    let cursor = '';
    for (;;) {
      const page = await read(`&limit=5${cursor}`);
      seen.push(...page.conversations);
      sizes.push(page.conversations.length);
      if (!page.hasMore) break;
      const last = page.conversations.at(-1)!;
      cursor = `&before=${last.updatedAt}&beforeId=${last.conversationId}`;
    }
    const ids = seen.map((row) => row.conversationId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((id) => handedOver.includes(id)).sort()).toEqual([...handedOver].sort());
    expect(sizes.length).toBeGreaterThanOrEqual(3);
    // Newest activity first, ties by conversation id: the order the whole list has in one page.
    const whole = await read('&limit=200');
    expect(whole.hasMore).toBe(false);
    expect(ids).toEqual(whole.conversations.map((row) => row.conversationId));

    const orphan = await asMember(t, world.owner, 'GET', `${base()}/inbox?beforeId=${handedOver[0]}`);
    expect(orphan.statusCode).toBe(400);
    expect(orphan.json()).toMatchObject({ error: { code: 'ERR_VALIDATION' } });
  });
});
