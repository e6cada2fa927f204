import type { InboxConversation, Message } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { emptyThread, initialInboxState, unreadConversations, visibleRows, withEarlier, withInboxEvent, withListed, withMessage, withNote, withRead, type InboxState } from './inbox.state';

const businessId = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
let counter = 0;

function row(overrides: Partial<InboxConversation> = {}): InboxConversation {
  counter += 1;
  return {
    conversationId: `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`,
    businessId,
    bsid: `bsid_person${counter}`,
    status: 'open',
    assignee: null,
    owner: 'inbox',
    unread: 0,
    lastSeq: 3,
    readSeq: 3,
    lastMessage: null,
    handedOverAt: 1_000,
    handoverNote: null,
    firstResponseAt: null,
    resolvedAt: null,
    updatedAt: 1_000 + counter,
    ...overrides,
  };
}

function message(conversationId: string, seq: number, sender: Message['sender'] = 'person'): Message {
  return { conversationId, seq, clientId: null, sender, content: { contentType: 'text', text: `m${seq}` }, sentAt: 2_000 + seq };
}

const withThread = (state: InboxState, conversationId: string): InboxState => ({
  ...state,
  threads: { ...state.threads, [conversationId]: { ...emptyThread, loaded: true } },
});

describe('the inbox state', () => {
  it('counts a customer message as unread unless the agent is looking at that conversation, and only once per seq', () => {
    const a = row();
    let state = withListed(initialInboxState, [a], false);
    state = withMessage(state, message(a.conversationId, 4), null);
    state = withMessage(state, message(a.conversationId, 4), null);
    expect(state.conversations[a.conversationId]?.unread).toBe(1);
    state = withMessage(state, message(a.conversationId, 5, 'business'), null);
    expect(state.conversations[a.conversationId]?.unread).toBe(1);
    state = withMessage(state, message(a.conversationId, 6), a.conversationId);
    expect(state.conversations[a.conversationId]?.unread).toBe(1);
    expect(unreadConversations(state)).toBe(1);
    state = withRead(state, a.conversationId);
    expect(state.conversations[a.conversationId]).toMatchObject({ unread: 0, readSeq: 6 });
  });

  it('keeps its own unread count when an inbox frame changes a held conversation, and adds new ones', () => {
    const a = row({ unread: 2 });
    let state = withListed(initialInboxState, [a], false);
    state = withInboxEvent(state, { ...a, status: 'pending', unread: 0 });
    expect(state.conversations[a.conversationId]).toMatchObject({ status: 'pending', unread: 2 });
    const b = row({ unread: 1 });
    state = withInboxEvent(state, b);
    expect(state.conversations[b.conversationId]?.unread).toBe(1);
  });

  it('places messages by seq in an open thread and keeps notes once', () => {
    const a = row();
    let state = withThread(withListed(initialInboxState, [a], false), a.conversationId);
    state = withMessage(state, message(a.conversationId, 6), a.conversationId);
    state = withMessage(state, message(a.conversationId, 5), a.conversationId);
    expect(state.threads[a.conversationId]?.messages.map((m) => m.seq)).toEqual([5, 6]);
    const note = { id: '11111111-1111-4111-8111-111111111111', conversationId: a.conversationId, author: { memberId: a.conversationId, displayName: 'Ana' }, text: 'Check fraud', createdAt: 3_000 };
    state = withNote(withNote(state, note), note);
    expect(state.threads[a.conversationId]?.notes).toHaveLength(1);
  });

  it('filters by status, by whose, and by the start of a BSID, newest first', () => {
    const me = '22222222-2222-4222-8222-222222222222';
    const mine = row({ assignee: { memberId: me, displayName: 'Me' }, updatedAt: 5_000 });
    const nobody = row({ updatedAt: 6_000 });
    const done = row({ status: 'resolved', updatedAt: 7_000 });
    const base: InboxState = { ...withListed(initialInboxState, [mine, nobody, done], false), myMemberId: me, filter: { status: 'any', view: 'all', search: '' } };
    const ids = (state: InboxState) => visibleRows(state).map((r) => r.conversationId);
    expect(ids(base)).toEqual([done.conversationId, nobody.conversationId, mine.conversationId]);
    expect(ids({ ...base, filter: { status: 'open', view: 'all', search: '' } })).toEqual([nobody.conversationId, mine.conversationId]);
    expect(ids({ ...base, filter: { status: 'any', view: 'mine', search: '' } })).toEqual([mine.conversationId]);
    expect(ids({ ...base, filter: { status: 'any', view: 'unassigned', search: '' } })).toEqual([done.conversationId, nobody.conversationId]);
    expect(ids({ ...base, filter: { status: 'any', view: 'all', search: nobody.bsid } })).toEqual([nobody.conversationId]);
  });

  it('puts an earlier page of the thread before what it holds, once per seq, and stops offering more at the first message', () => {
    const a = row();
    let state = withThread(withListed(initialInboxState, [a], true), a.conversationId);
    expect(state.listHasMore).toBe(true);
    state = withEarlier(state, a.conversationId, [message(a.conversationId, 101), message(a.conversationId, 102)], true);
    state = withEarlier(state, a.conversationId, [message(a.conversationId, 1), message(a.conversationId, 2), message(a.conversationId, 101)], false);
    const thread = state.threads[a.conversationId]!;
    expect(thread.messages.map((m) => m.seq)).toEqual([1, 2, 101, 102]);
    expect(thread.hasEarlier).toBe(false);
  });
});
