import type { Conversation, Message } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, type TestApp } from './context';
import { addBusiness, clientId, connect, startBankChat, textSend, type TestSocket } from './messaging-client';
import type { TestPerson } from './people';

const text = (value: string) => ({ contentType: 'text', text: value }) as const;

/** Message frames up to the `resumed` frame, which is returned too. */
async function replayOf(socket: TestSocket): Promise<{ messages: Message[]; resumed: { conversationId: string; lastSeq: number }[] }> {
  const resumed = await socket.take('resumed');
  const messages: Message[] = [];
  // Frames are queued in arrival order; everything before `resumed` is the replay.
  for (const frame of socket.frames.splice(0)) if (frame.type === 'message') messages.push(frame.message);
  return { messages, resumed: resumed.conversations };
}

describe.each(dialects)('resume after a dropped connection on %s', (dialect) => {
  let t: TestApp;
  let person: TestPerson;
  let conversation: Conversation;

  beforeAll(async () => {
    ({ t, person, conversation } = await startBankChat(dialect));
  });
  afterAll(() => t.close());

  const append = (value: string) => t.app.messaging.append({ conversationId: conversation.id, sender: 'business', content: text(value) });

  it('replays exactly the missed messages, in order, then resumed', async () => {
    const [a, b] = await Promise.all([connect(t, person), connect(t, person)]);
    b.send(textSend(conversation.id, 'before the drop'));
    const seen = (await b.take('ack')).seq;
    expect((await a.take('message')).message.seq).toBe(seen);
    await a.close();

    const missed: number[] = [];
    for (let i = 0; i < 3; i++) {
      b.send(textSend(conversation.id, `while away ${i}`));
      missed.push((await b.take('ack')).seq);
      missed.push((await append(`bank while away ${i}`)).seq);
    }
    const again = await connect(t, person);
    again.send({ type: 'resume', conversations: [{ conversationId: conversation.id, lastSeq: seen }] });
    const { messages, resumed } = await replayOf(again);
    expect(messages.map((m) => m.seq)).toEqual(missed);
    expect(messages.map((m) => m.sender)).toEqual(['person', 'business', 'person', 'business', 'person', 'business']);
    expect(resumed).toEqual([{ conversationId: conversation.id, lastSeq: missed.at(-1) }]);
    expect(await again.quiet()).toEqual([]);
    await Promise.all([again.close(), b.close()]);
  });

  it('replays nothing to a client that is up to date', async () => {
    const { lastSeq } = (await t.app.inject({ url: `/v1/conversations/${conversation.id}`, headers: { cookie: person.cookie } })).json() as Conversation;
    const socket = await connect(t, person);
    socket.send({ type: 'resume', conversations: [{ conversationId: conversation.id, lastSeq }] });
    expect(await replayOf(socket)).toEqual({ messages: [], resumed: [{ conversationId: conversation.id, lastSeq }] });
    await socket.close();
  });

  it('delivers every seq exactly once while messages keep arriving during the replay', async () => {
    for (let i = 0; i < 30; i++) await append(`backlog ${i}`);
    const socket = await connect(t, person);
    socket.send({ type: 'resume', conversations: [{ conversationId: conversation.id, lastSeq: 0 }] });
    const live = await Promise.all(Array.from({ length: 40 }, (_, i) => append(`live ${i}`)));
    const newest = Math.max(...live.map((m) => m.seq));
    await socket.take('resumed');
    const last = await socket.take('message', (frame) => frame.message.seq === newest);
    const rest = await socket.quiet();
    const seqs = [...rest.flatMap((frame) => (frame.type === 'message' ? [frame.message.seq] : [])), last.message.seq];
    expect(rest.filter((frame) => frame.type !== 'message')).toEqual([]);
    // Live messages that reached the socket before its resume was read are not replayed, so
    // they may precede older replayed ones; but none is missing and none comes twice.
    expect([...seqs].sort((x, y) => x - y)).toEqual(Array.from({ length: newest }, (_, i) => i + 1));
    await socket.close();
  });

  it('replays a backlog larger than one page, in order', async () => {
    const quiet = await addBusiness(t, { slug: `backlog-${clientId()}`, name: 'Backlog Bank', greeting: null });
    const opened = (await t.app.inject({ method: 'POST', url: '/v1/conversations', headers: person.headers, payload: { businessId: quiet } })).json() as Conversation;
    // One batch of 1,300 messages (an alert storm): the replay reads them in pages.
    await Promise.all(Array.from({ length: 1300 }, (_, i) => t.app.messaging.append({ conversationId: opened.id, sender: 'business', content: text(`storm ${i}`) })));
    const socket = await connect(t, person);
    socket.send({ type: 'resume', conversations: [{ conversationId: opened.id, lastSeq: 0 }] });
    const { messages, resumed } = await replayOf(socket);
    expect(messages.map((m) => m.seq)).toEqual(Array.from({ length: 1300 }, (_, i) => i + 1));
    expect(messages[1299]?.content).toEqual(text('storm 1299'));
    expect(resumed).toEqual([{ conversationId: opened.id, lastSeq: 1300 }]);
    await socket.close();
  });

  it('resumes several conversations in one frame', async () => {
    const other = await addBusiness(t, { slug: `second-${clientId()}`, name: 'Second Bank', greeting: 'Welcome.' });
    const second = (await t.app.inject({ method: 'POST', url: '/v1/conversations', headers: person.headers, payload: { businessId: other } })).json() as Conversation;
    const { lastSeq } = (await t.app.inject({ url: `/v1/conversations/${conversation.id}`, headers: { cookie: person.cookie } })).json() as Conversation;
    const missed = await append('one more');
    const socket = await connect(t, person);
    socket.send({
      type: 'resume',
      conversations: [
        { conversationId: conversation.id, lastSeq },
        { conversationId: second.id, lastSeq: 0 },
      ],
    });
    const { messages, resumed } = await replayOf(socket);
    expect(messages.map((m) => [m.conversationId, m.seq])).toEqual([
      [conversation.id, missed.seq],
      [second.id, 1],
    ]);
    expect(resumed).toEqual([
      { conversationId: conversation.id, lastSeq: missed.seq },
      { conversationId: second.id, lastSeq: 1 },
    ]);
    await socket.close();
  });

  it('still delivers new messages to a client that claimed more than exists', async () => {
    const socket = await connect(t, person);
    socket.send({ type: 'resume', conversations: [{ conversationId: conversation.id, lastSeq: 1_000_000 }] });
    const { resumed } = await replayOf(socket);
    const newest = resumed[0]!.lastSeq;
    expect(newest).toBeLessThan(1_000_000);
    const next = await append('after a bogus resume');
    expect(next.seq).toBe(newest + 1);
    expect((await socket.take('message')).message).toEqual(next);
    await socket.close();
  });
});
