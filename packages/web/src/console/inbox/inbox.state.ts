/**
 * The inbox of one business as the console holds it: pure functions from state and a server
 * answer or frame to the next state, so the rules (what counts as unread, which rows a filter
 * shows, ordering by seq) are tested without a browser.
 */
import type { CustomerContext, InboxConversation, InboxStatus, InboxView, Message, Note, RevealRequest } from '@parley/protocol';
import type { ConnectionStatus } from '../../live/live.connection';

export interface InboxFilter {
  readonly status: InboxStatus | 'any';
  readonly view: InboxView;
  /** The start of a BSID (the only thing an agent knows a person by). */
  readonly search: string;
}

export interface Thread {
  readonly messages: readonly Message[];
  readonly notes: readonly Note[];
  readonly context: CustomerContext | null;
  readonly loaded: boolean;
  readonly error: string | null;
  /** The server holds messages before the first one here ("Load earlier messages"). */
  readonly hasEarlier: boolean;
  readonly loadingEarlier: boolean;
  readonly earlierError: string | null;
}

export interface InboxState {
  readonly status: ConnectionStatus;
  readonly available: boolean;
  /** The caller's member id in this business, once known (assign to me, the "mine" view). */
  readonly myMemberId: string | null;
  readonly conversations: Readonly<Record<string, InboxConversation>>;
  readonly filter: InboxFilter;
  readonly listLoading: boolean;
  readonly listError: string | null;
  /** The server has rows past the last page loaded ("Load more"). */
  readonly listHasMore: boolean;
  readonly listMoreLoading: boolean;
  readonly threads: Readonly<Record<string, Thread>>;
  /** The person is typing, per conversation. */
  readonly typing: Readonly<Record<string, boolean>>;
  /** How far the person has read, per conversation (drives "Read" under the agent's replies). */
  readonly personRead: Readonly<Record<string, number>>;
  readonly announcement: { readonly id: number; readonly text: string } | null;
}

export const emptyThread: Thread = { messages: [], notes: [], context: null, loaded: false, error: null, hasEarlier: false, loadingEarlier: false, earlierError: null };

export const initialInboxState: InboxState = {
  status: 'connecting',
  available: true,
  myMemberId: null,
  conversations: {},
  filter: { status: 'open', view: 'all', search: '' },
  listLoading: true,
  listError: null,
  listHasMore: false,
  listMoreLoading: false,
  threads: {},
  typing: {},
  personRead: {},
  announcement: null,
};

/** Rows from a list answer (a first page or the next one): the server's unread counts are the caller's own, so they win. */
export function withListed(state: InboxState, rows: readonly InboxConversation[], hasMore: boolean): InboxState {
  const conversations = { ...state.conversations };
  for (const row of rows) conversations[row.conversationId] = row;
  return { ...state, conversations, listLoading: false, listError: null, listHasMore: hasMore, listMoreLoading: false };
}

/** An earlier page of a thread: its messages go in by seq, once; `hasMore` says whether there is still more before them. */
export function withEarlier(state: InboxState, conversationId: string, messages: readonly Message[], hasMore: boolean): InboxState {
  const thread = state.threads[conversationId];
  if (!thread) return state;
  const merged = messages.reduce<Message[]>((all, message) => insertBySeq(all, message), [...thread.messages]);
  return { ...state, threads: { ...state.threads, [conversationId]: { ...thread, messages: merged, hasEarlier: hasMore, loadingEarlier: false, earlierError: null } } };
}

/**
 * An `inbox` frame: a conversation arrived or changed. Its unread/readSeq are the assignee's,
 * so for a row already held the console keeps its own count.
 */
export function withInboxEvent(state: InboxState, row: InboxConversation): InboxState {
  const held = state.conversations[row.conversationId];
  const next = held ? { ...row, unread: held.unread, readSeq: held.readSeq } : row;
  return { ...state, conversations: { ...state.conversations, [row.conversationId]: next } };
}

/** A message of a conversation in this inbox: into its thread (by seq, once), and the row's last message and unread. */
export function withMessage(state: InboxState, message: Message, viewing: string | null): InboxState {
  const row = state.conversations[message.conversationId];
  if (!row) return state;
  const thread = state.threads[message.conversationId];
  const threads = thread ? { ...state.threads, [message.conversationId]: { ...thread, messages: insertBySeq(thread.messages, message) } } : state.threads;
  const newer = message.seq > row.lastSeq;
  const fromPerson = message.sender === 'person';
  const unread = fromPerson && newer && viewing !== message.conversationId ? row.unread + 1 : row.unread;
  const updated: InboxConversation = newer ? { ...row, lastSeq: message.seq, lastMessage: message, unread, updatedAt: Math.max(row.updatedAt, message.sentAt) } : row;
  const typing = fromPerson ? { ...state.typing, [message.conversationId]: false } : state.typing;
  return { ...state, threads, typing, conversations: { ...state.conversations, [message.conversationId]: updated } };
}

export function insertBySeq(messages: readonly Message[], message: Message): Message[] {
  if (messages.some((m) => m.seq === message.seq)) return [...messages];
  const next = [...messages, message];
  next.sort((a, b) => a.seq - b.seq);
  return next;
}

export function withNote(state: InboxState, note: Note): InboxState {
  const thread = state.threads[note.conversationId];
  if (!thread || thread.notes.some((n) => n.id === note.id)) return state;
  return { ...state, threads: { ...state.threads, [note.conversationId]: { ...thread, notes: [...thread.notes, note] } } };
}

export function withReveal(state: InboxState, reveal: RevealRequest): InboxState {
  const thread = state.threads[reveal.conversationId];
  if (!thread?.context) return state;
  const others = thread.context.reveals.filter((r) => r.id !== reveal.id);
  const reveals = [...others, reveal].sort((a, b) => a.createdAt - b.createdAt);
  return { ...state, threads: { ...state.threads, [reveal.conversationId]: { ...thread, context: { ...thread.context, reveals } } } };
}

/** The agent read a conversation up to its last message. */
export function withRead(state: InboxState, conversationId: string): InboxState {
  const row = state.conversations[conversationId];
  if (!row || (row.unread === 0 && row.readSeq >= row.lastSeq)) return state;
  return { ...state, conversations: { ...state.conversations, [conversationId]: { ...row, unread: 0, readSeq: row.lastSeq } } };
}

/** The rows the current filter shows, newest activity first. */
export function visibleRows(state: InboxState): InboxConversation[] {
  const { status, view, search } = state.filter;
  const needle = search.trim().toLowerCase();
  return Object.values(state.conversations)
    .filter((row) => status === 'any' || row.status === status)
    .filter((row) => view === 'all' || (view === 'unassigned' ? row.assignee === null : row.assignee !== null && row.assignee.memberId === state.myMemberId))
    .filter((row) => needle === '' || row.bsid.toLowerCase().startsWith(needle) || row.bsid.toLowerCase().includes(needle))
    .sort((a, b) => b.updatedAt - a.updatedAt || (a.conversationId < b.conversationId ? -1 : a.conversationId > b.conversationId ? 1 : 0));
}

/** Unresolved conversations with something unread, for the tab badge and the page title. */
export function unreadConversations(state: InboxState): number {
  return Object.values(state.conversations).filter((row) => row.status !== 'resolved' && row.unread > 0).length;
}
