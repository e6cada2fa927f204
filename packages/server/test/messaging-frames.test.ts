import type { Socket } from 'node:net';
import type { Conversation, HistoryPage } from '@parley/protocol';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tables } from '../src/database';
import { openDatabase } from '../src/platform/db/database';
import { dialects, type TestApp } from './context';
import { connect, startBankChat, textSend } from './messaging-client';
import type { TestPerson } from './people';

describe.each(dialects)('refused frames on %s', (dialect) => {
  let t: TestApp;
  let person: TestPerson;
  let conversation: Conversation;

  beforeAll(async () => {
    ({ t, person, conversation } = await startBankChat(dialect));
  });
  afterAll(() => t.close());

  const valid = () => textSend(conversation.id, 'still here');

  it.each([
    ['not JSON', '{"type": "send",', 'ERR_BAD_JSON'],
    ['a JSON array', '[1, 2]', 'ERR_FRAME_INVALID'],
    ['an unknown type', { type: 'subscribe', conversationId: 'x' }, 'ERR_FRAME_INVALID'],
    ['no type', { clientId: 'abcdefgh' }, 'ERR_FRAME_INVALID'],
    ['a missing field', { type: 'read', conversationId: '3f1c2b1e-8a9d-4c51-9b7e-3c2d1f0a9b8c' }, 'ERR_VALIDATION'],
    ['an extra field', { type: 'ping', nonce: 'x', admin: true }, 'ERR_VALIDATION'],
    ['a wrong type', { type: 'read', conversationId: '3f1c2b1e-8a9d-4c51-9b7e-3c2d1f0a9b8c', seq: '7' }, 'ERR_VALIDATION'],
    ['a conversation id that is not a uuid', { type: 'typing', conversationId: 'abc', state: 'start' }, 'ERR_VALIDATION'],
    ['an unknown content type', { type: 'send', clientId: 'abcdefgh', conversationId: '3f1c2b1e-8a9d-4c51-9b7e-3c2d1f0a9b8c', content: { contentType: 'html', text: 'x' } }, 'ERR_VALIDATION'],
  ])('answers %s with an error frame and keeps the socket open', async (_name, frame, code) => {
    const socket = await connect(t, person);
    socket.send(frame);
    expect(await socket.take('error')).toMatchObject({ type: 'error', code, message: expect.any(String) });
    socket.send(valid());
    expect(await socket.take('ack')).toMatchObject({ conversationId: conversation.id });
    await socket.close();
  });

  it('refuses a text longer than allowed, naming the send by its clientId', async () => {
    const socket = await connect(t, person);
    const tooLong = textSend(conversation.id, 'x'.repeat(4001));
    socket.send(tooLong);
    const error = await socket.take('error');
    expect(error).toMatchObject({ code: 'ERR_VALIDATION', ref: tooLong.clientId });
    expect(error.message).toContain('/content');
    expect(error.message).not.toContain('xxxx');
    socket.send(valid());
    await socket.take('ack');
    await socket.close();
  });

  it('refuses binary frames', async () => {
    const socket = await connect(t, person);
    socket.socket.send(Buffer.from(JSON.stringify(valid())), { binary: true });
    expect(await socket.take('error')).toMatchObject({ code: 'ERR_FRAME_INVALID' });
    expect(await socket.quiet()).toEqual([]);
    await socket.close();
  });

  it('closes the socket with 1009 on a frame over 16 KiB', async () => {
    const socket = await connect(t, person);
    socket.send(textSend(conversation.id, 'x'.repeat(17 * 1024)));
    expect((await socket.closed).code).toBe(1009);
  });
});

describe.each(dialects)('commit failures, slow readers and shutdown on %s', (dialect) => {
  let t: TestApp;
  let person: TestPerson;
  let conversation: Conversation;

  beforeAll(async () => {
    ({ t, person, conversation } = await startBankChat(dialect));
  });
  afterAll(() => t.close());

  it('never acks a send whose transaction failed, and leaves no gap in seqs', async () => {
    const socket = await connect(t, person);
    const store = await openDatabase<Tables>(t.config);
    await sql`alter table messages rename to messages_away`.execute(store.db);
    const send = textSend(conversation.id, 'into the void');
    socket.send(send);
    expect(await socket.take('error')).toMatchObject({ code: 'ERR_UNAVAILABLE', ref: send.clientId });
    expect(socket.frames.filter((frame) => frame.type === 'ack')).toEqual([]);
    await sql`alter table messages_away rename to messages`.execute(store.db);
    await store.close();

    socket.send(send);
    expect(await socket.take('ack')).toMatchObject({ clientId: send.clientId, seq: conversation.lastSeq + 1 });
    const page = (await t.app.inject({ url: `/v1/conversations/${conversation.id}/messages`, headers: { cookie: person.cookie } })).json() as HistoryPage;
    expect(page.messages.map((m) => m.seq)).toEqual([1, 2]);
    await socket.close();
  });

  it('closes a socket that stops reading instead of buffering without bound', async () => {
    const slow = await connect(t, person);
    const raw = (slow.socket as unknown as { _socket: Socket })._socket;
    raw.pause();
    const text = 'y'.repeat(4000);
    // About 20 MB for a reader that reads nothing: more than the kernel buffers plus 1 MiB.
    await Promise.all(
      Array.from({ length: 5000 }, () => t.app.messaging.append({ conversationId: conversation.id, sender: 'business', content: { contentType: 'text', text } })),
    );
    const metrics = async () => (await t.app.inject('/metrics')).body;
    await expect.poll(metrics, { timeout: 10_000 }).toMatch(/parley_ws_frames_rejected_total\{code="ERR_SLOW_CONSUMER"\} 1/);
    await expect.poll(metrics, { timeout: 10_000 }).toMatch(/^parley_ws_open_sockets 0$/m);
    raw.resume();
    const closed = await slow.closed;
    expect([1006, 1013]).toContain(closed.code);
    expect(slow.frames.length).toBeLessThan(5000);
  });

  it('keeps a socket that reads through a burst larger than its buffer limit', async () => {
    const reader = await connect(t, person);
    const text = 'z'.repeat(4000);
    // About 2.4 MB in one commit batch: more than 1 MiB waits in the buffer for a moment.
    const burst = await Promise.all(
      Array.from({ length: 600 }, () => t.app.messaging.append({ conversationId: conversation.id, sender: 'business', content: { contentType: 'text', text } })),
    );
    const last = burst.at(-1)!.seq;
    await reader.take('message', (frame) => frame.message.seq === last);
    expect(reader.frames.filter((frame) => frame.type === 'message')).toHaveLength(599);
    reader.frames.splice(0);
    expect(await reader.quiet()).toEqual([]);
    await reader.close();
  });

  it('on shutdown, commits and delivers what is queued, then closes sockets with 1001', async () => {
    const socket = await connect(t, person);
    const queued = t.app.messaging.append({ conversationId: conversation.id, sender: 'business', content: { contentType: 'text', text: 'last words' } });
    const closing = t.app.close();
    const message = await queued;
    expect((await socket.take('message')).message).toEqual(message);
    expect((await socket.closed).code).toBe(1001);
    await closing;
    await expect(t.app.messaging.append({ conversationId: conversation.id, sender: 'business', content: { contentType: 'text', text: 'too late' } })).rejects.toMatchObject({ code: 'ERR_UNAVAILABLE' });
  });
});
