import type { Conversation, Message } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import * as chat from './chat.state';
import type { PendingSend } from './outbox';

const conversationId = '3f1c2b1e-8a9d-4c51-9b7e-3c2d1f0a9b8c';

function message(seq: number, sender: Message['sender'] = 'business', clientId: string | null = null): Message {
  return { conversationId, seq, clientId, sender, content: { contentType: 'text', text: `m${seq}` }, sentAt: 1_000 + seq };
}

function conversation(overrides: Partial<Conversation> = {}): Conversation {
  return {
    id: conversationId,
    business: { id: 'b6c8f1a2-0000-4000-8000-000000000001', name: 'Sandbox Bank', slug: 'sandbox-bank', greeting: null },
    lastSeq: 0,
    readSeq: 0,
    peerReadSeq: 0,
    unread: 0,
    lastMessage: null,
    createdAt: 1_000,
    ...overrides,
  };
}

function stateWith(held: Conversation, messages?: Message[]): chat.ChatState {
  const base = chat.withConversations(chat.initialChatState, [held]);
  return messages ? chat.withHistory(base, held.id, { messages, hasMore: false }) : base;
}

const seqsOf = (state: chat.ChatState) => state.threads[conversationId]?.messages.map((held) => held.seq);

describe('chat state', () => {
  it('keeps each seq once and in order whatever order messages arrive in', () => {
    let state = stateWith(conversation({ lastSeq: 2 }), [message(1), message(2)]);
    for (const seq of [4, 3, 3, 2, 5]) state = chat.withMessage(state, message(seq)) ?? state;
    expect(seqsOf(state)).toEqual([1, 2, 3, 4, 5]);
    expect(chat.findConversation(state, conversationId)?.lastSeq).toBe(5);
  });

  it('counts a business message as unread once, and not the person’s own', () => {
    let state = stateWith(conversation());
    state = chat.withMessage(state, message(1)) ?? state;
    state = chat.withMessage(state, message(1)) ?? state;
    state = chat.withMessage(state, message(2, 'person', 'client-0002')) ?? state;
    expect(chat.findConversation(state, conversationId)?.unread).toBe(1);
    state = chat.withRead(state, conversationId, 'person', 2);
    expect(chat.findConversation(state, conversationId)?.unread).toBe(0);
  });

  it('returns null for a message of a conversation it does not know, so the list is fetched again', () => {
    expect(chat.withMessage(chat.initialChatState, message(1))).toBeNull();
  });

  it('turns a pending send into a stored message with the same key, sent then read', () => {
    const pending: PendingSend = {
      clientId: 'client-0001',
      conversationId,
      content: { contentType: 'text', text: 'hello' },
      createdAt: 5,
      state: 'sending',
      error: null,
    };
    let state: chat.ChatState = { ...stateWith(conversation(), []), pending: [pending] };
    expect(chat.threadItems(state, conversationId).map((item) => [item.key, item.delivery])).toEqual([['client-0001', 'sending']]);
    state = chat.withMessage(state, message(1, 'person', 'client-0001')) ?? state;
    expect(chat.threadItems(state, conversationId).map((item) => [item.key, item.delivery])).toEqual([['client-0001', 'sent']]);
    state = chat.withRead(state, conversationId, 'business', 1);
    expect(chat.threadItems(state, conversationId).map((item) => item.delivery)).toEqual(['read']);
  });

  it('resumes from the loaded window when the list is ahead of it, so the gap is replayed', () => {
    const state = stateWith(conversation({ lastSeq: 3 }), [message(1), message(2), message(3)]);
    const ahead = chat.withConversations(state, [conversation({ lastSeq: 9 })]);
    expect(chat.resumePositions(ahead)).toEqual([{ conversationId, lastSeq: 3 }]);
    const unloaded = stateWith(conversation({ lastSeq: 9 }));
    expect(chat.resumePositions(unloaded)).toEqual([{ conversationId, lastSeq: 9 }]);
  });

  it('merges an older page and keeps its hasMore; replaces the window with a newest page that does not touch it', () => {
    let state = stateWith(conversation({ lastSeq: 60 }));
    state = chat.withHistory(state, conversationId, { messages: [message(59), message(60)], hasMore: true });
    state = chat.withHistory(state, conversationId, { messages: [message(57), message(58)], hasMore: false });
    expect(seqsOf(state)).toEqual([57, 58, 59, 60]);
    expect(state.threads[conversationId]?.hasMore).toBe(false);
    state = chat.withHistory(state, conversationId, { messages: [message(200), message(201)], hasMore: true });
    expect(seqsOf(state)).toEqual([200, 201]);
    expect(state.threads[conversationId]?.hasMore).toBe(true);
  });

  it('never lets a list fetched before the latest frames roll positions back', () => {
    let state = stateWith(conversation({ lastSeq: 1, unread: 1, lastMessage: message(1) }));
    state = chat.withRead(state, conversationId, 'person', 1);
    state = chat.withRead(state, conversationId, 'business', 1);
    state = chat.withMessage(state, message(2, 'person', 'client-0002')) ?? state;
    state = chat.withConversations(state, [conversation({ lastSeq: 1, unread: 1, lastMessage: message(1) })]);
    expect(chat.findConversation(state, conversationId)).toMatchObject({ lastSeq: 2, readSeq: 1, peerReadSeq: 1, unread: 0 });
    expect(chat.findConversation(state, conversationId)?.lastMessage?.seq).toBe(2);
  });

  it('puts the conversation with the newest message first', () => {
    const older = conversation();
    const newer = conversation({ id: 'a0000000-0000-4000-8000-000000000002', createdAt: 2_000 });
    let state = chat.withConversations(chat.initialChatState, [older, newer]);
    expect(state.conversations?.map((held) => held.id)).toEqual([newer.id, older.id]);
    state = chat.withMessage(state, { ...message(1), sentAt: 3_000 }) ?? state;
    expect(state.conversations?.map((held) => held.id)).toEqual([older.id, newer.id]);
  });
});
