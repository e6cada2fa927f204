/**
 * The person's conversations as the app holds them, and the pure functions that fold server
 * news (history pages, live frames) into it. Immutable: every change returns a new state so
 * React re-renders exactly what changed. No I/O here; chat.store.ts does that.
 */
import type { Conversation, Message } from '@parley/protocol';
import { initialNoticesState, type NoticesState } from '../notices/notice.state';
import type { ConnectionStatus } from './live.connection';
import type { PendingSend } from './outbox';

/** The loaded window of one conversation's messages, ascending by seq and without gaps. */
export interface Thread {
  readonly messages: readonly Message[];
  /** Older messages exist on the server. */
  readonly hasMore: boolean;
  readonly loading: 'latest' | 'older' | null;
  readonly error: string | null;
}

export interface ChatState {
  readonly status: ConnectionStatus;
  /** Most recent activity first; null until the first load. */
  readonly conversations: readonly Conversation[] | null;
  readonly listError: string | null;
  readonly threads: Readonly<Record<string, Thread>>;
  readonly pending: readonly PendingSend[];
  /** conversationId → until when (ms) the business is shown as typing. */
  readonly typing: Readonly<Record<string, number>>;
  /** The latest message that arrived live from the other side, for screen readers. */
  readonly announcement: Announcement | null;
  /** Banks' notices to their followers, and which banks the person follows (notices/notice.state.ts). */
  readonly notices: NoticesState;
}

export interface Announcement {
  readonly id: number;
  readonly text: string;
}

export const emptyThread: Thread = { messages: [], hasMore: false, loading: null, error: null };

export const initialChatState: ChatState = {
  status: 'connecting',
  conversations: null,
  listError: null,
  threads: {},
  pending: [],
  typing: {},
  announcement: null,
  notices: initialNoticesState,
};

function activityOf(conversation: Conversation): number {
  return conversation.lastMessage?.sentAt ?? conversation.createdAt;
}

export function sortConversations(list: readonly Conversation[]): Conversation[] {
  return [...list].sort((a, b) => activityOf(b) - activityOf(a));
}

/** Union by seq, ascending; on a duplicate seq the copy already held wins (they are equal). */
export function mergeMessages(held: readonly Message[], incoming: readonly Message[]): readonly Message[] {
  if (incoming.length === 0) return held;
  const bySeq = new Map<number, Message>();
  for (const message of incoming) bySeq.set(message.seq, message);
  for (const message of held) bySeq.set(message.seq, message);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

export function findConversation(state: ChatState, conversationId: string): Conversation | undefined {
  return state.conversations?.find((conversation) => conversation.id === conversationId);
}

/**
 * A fresh list from HTTP. It may have left the server before the last live frames did, so
 * positions only move forward: a stale snapshot never un-reads or un-sends anything.
 */
export function withConversations(state: ChatState, list: readonly Conversation[]): ChatState {
  const held = new Map((state.conversations ?? []).map((conversation) => [conversation.id, conversation]));
  const merged = list.map((fresh) => newerOf(held.get(fresh.id), fresh));
  return { ...state, conversations: sortConversations(merged), listError: null };
}

function newerOf(held: Conversation | undefined, fresh: Conversation): Conversation {
  if (!held) return fresh;
  const lastSeq = Math.max(held.lastSeq, fresh.lastSeq);
  const readSeq = Math.max(held.readSeq, fresh.readSeq);
  const heldNewer = (held.lastMessage?.seq ?? 0) > (fresh.lastMessage?.seq ?? 0);
  return {
    ...fresh,
    lastSeq,
    readSeq,
    peerReadSeq: Math.max(held.peerReadSeq, fresh.peerReadSeq),
    lastMessage: heldNewer ? held.lastMessage : fresh.lastMessage,
    unread: readSeq >= lastSeq ? 0 : held.readSeq > fresh.readSeq ? Math.min(held.unread, fresh.unread) : fresh.unread,
  };
}

export function upsertConversation(state: ChatState, conversation: Conversation): ChatState {
  const others = (state.conversations ?? []).filter((held) => held.id !== conversation.id);
  return { ...state, conversations: sortConversations([...others, conversation]) };
}

function updateConversation(state: ChatState, conversationId: string, change: (held: Conversation) => Conversation): ChatState {
  const held = findConversation(state, conversationId);
  return held ? upsertConversation(state, change(held)) : state;
}

export function updateThread(state: ChatState, conversationId: string, change: (thread: Thread) => Thread): ChatState {
  const thread = state.threads[conversationId] ?? emptyThread;
  return { ...state, threads: { ...state.threads, [conversationId]: change(thread) } };
}

/** The summary learns of a message (history or live): last message, lastSeq, unread. */
function noteMessage(conversation: Conversation, message: Message): Conversation {
  if (message.seq <= conversation.lastSeq && conversation.lastMessage) return conversation;
  const unreadMore = message.sender !== 'person' && message.seq > conversation.readSeq && message.seq > conversation.lastSeq;
  return {
    ...conversation,
    lastSeq: Math.max(conversation.lastSeq, message.seq),
    lastMessage: !conversation.lastMessage || message.seq >= conversation.lastMessage.seq ? message : conversation.lastMessage,
    unread: conversation.unread + (unreadMore ? 1 : 0),
  };
}

/**
 * A page of history. The newest page replaces the window when it does not touch what is
 * held (the socket was down longer than a page); otherwise pages merge.
 */
export function withHistory(
  state: ChatState,
  conversationId: string,
  page: { messages: readonly Message[]; hasMore: boolean },
): ChatState {
  const next = updateThread(state, conversationId, (thread) => {
    const heldFirst = thread.messages[0]?.seq;
    const heldLast = thread.messages.at(-1)?.seq;
    const pageFirst = page.messages[0]?.seq;
    const disjoint = heldLast === undefined || (pageFirst !== undefined && pageFirst > heldLast + 1);
    if (disjoint) return { messages: page.messages, hasMore: page.hasMore, loading: null, error: null };
    const reachesOlder = pageFirst !== undefined && heldFirst !== undefined && pageFirst < heldFirst;
    return {
      messages: mergeMessages(thread.messages, page.messages),
      hasMore: reachesOlder || page.messages.length === 0 ? page.hasMore : thread.hasMore,
      loading: null,
      error: null,
    };
  });
  const newest = page.messages.at(-1);
  return newest ? updateConversation(next, conversationId, (held) => noteMessage(held, newest)) : next;
}

/** A live or replayed message. Returns null when the conversation is not known yet. */
export function withMessage(state: ChatState, message: Message): ChatState | null {
  if (!findConversation(state, message.conversationId)) return null;
  let next: ChatState = state;
  if (message.clientId) {
    const pending = next.pending.filter((item) => item.clientId !== message.clientId);
    if (pending.length !== next.pending.length) next = { ...next, pending };
  }
  if (next.threads[message.conversationId]) {
    next = updateThread(next, message.conversationId, (thread) => ({ ...thread, messages: mergeMessages(thread.messages, [message]) }));
  }
  if (message.sender === 'business' && next.typing[message.conversationId]) next = withTyping(next, message.conversationId, null);
  return updateConversation(next, message.conversationId, (held) => noteMessage(held, message));
}

/** A read receipt: from the business it drives "read" ticks; from the person (any device) it clears unread. */
export function withRead(state: ChatState, conversationId: string, reader: string, seq: number): ChatState {
  return updateConversation(state, conversationId, (held) => {
    if (reader === 'business') return seq > held.peerReadSeq ? { ...held, peerReadSeq: seq } : held;
    if (reader !== 'person' || seq <= held.readSeq) return held;
    const thread = state.threads[conversationId];
    const unread =
      seq >= held.lastSeq
        ? 0
        : thread
          ? thread.messages.filter((message) => message.sender !== 'person' && message.seq > seq).length
          : held.unread;
    return { ...held, readSeq: seq, unread };
  });
}

export function withTyping(state: ChatState, conversationId: string, until: number | null): ChatState {
  const typing = { ...state.typing };
  if (until === null) delete typing[conversationId];
  else typing[conversationId] = until;
  return { ...state, typing };
}

/** For `resume`: the highest seq held per conversation (the loaded window if any, else the summary). */
export function resumePositions(state: ChatState): { conversationId: string; lastSeq: number }[] {
  return (state.conversations ?? []).map((conversation) => {
    const loadedLast = state.threads[conversation.id]?.messages.at(-1)?.seq;
    return { conversationId: conversation.id, lastSeq: loadedLast ?? conversation.lastSeq };
  });
}

export type DeliveryState = 'sending' | 'failed' | 'sent' | 'read';

/** One row of a chat: a stored message, or a send the server has not acknowledged yet. */
export type ThreadItem =
  | { readonly kind: 'message'; readonly key: string; readonly message: Message; readonly delivery: DeliveryState | null }
  | { readonly kind: 'pending'; readonly key: string; readonly pending: PendingSend; readonly delivery: DeliveryState };

export function threadItems(state: ChatState, conversationId: string): ThreadItem[] {
  const conversation = findConversation(state, conversationId);
  const peerReadSeq = conversation?.peerReadSeq ?? 0;
  const messages = state.threads[conversationId]?.messages ?? [];
  const stored: ThreadItem[] = messages.map((message) => ({
    kind: 'message',
    key: message.clientId ?? `seq-${message.seq}`,
    message,
    delivery: message.sender === 'person' ? (message.seq <= peerReadSeq ? 'read' : 'sent') : null,
  }));
  const pending: ThreadItem[] = state.pending
    .filter((item) => item.conversationId === conversationId)
    .map((item) => ({ kind: 'pending', key: item.clientId, pending: item, delivery: item.state }));
  return [...stored, ...pending];
}
