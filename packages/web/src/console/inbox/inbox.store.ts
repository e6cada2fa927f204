/**
 * The live inbox of one business: owns the console's WebSocket (the same gateway as the
 * person's app, joined with `inbox.join`), loads the list and the open conversation over HTTP,
 * and turns frames into state. React reads it with useSyncExternalStore (inbox.context.tsx).
 */
import type { InboxConversation, Message, Note, RevealRequest, ServerFrame } from '@parley/protocol';
import { describeError } from '../../api/http.client';
import { fetchInboxConversation, fetchThread, listInbox, markAgentRead } from '../../api/inbox.api';
import { previewOf } from '../../chat/content/content.preview';
import { gatewayUrl, LiveConnection } from '../../live/live.connection';
import * as inbox from './inbox.state';

/** Rows per list page and messages per thread page (the routes allow up to 200). */
const listPage = 100;
const threadPage = 100;

/** Where the next list page starts: the last row the server gave, by time and then id (rows can share a millisecond). */
type ListCursor = { before: number; beforeId: string };

function cursorOf(rows: readonly InboxConversation[]): ListCursor | null {
  const last = rows.at(-1);
  return last ? { before: last.updatedAt, beforeId: last.conversationId } : null;
}

/** The person shows as typing for this long after a `start`, unless they stop or send. */
const typingShownMs = 8_000;

export interface InboxStoreOptions {
  businessId: string;
  /** My member id in the business (from the memberships list): "mine", "(me)" and "Assign to me". */
  memberId: string;
  role: string;
  /** Whether this member works the inbox (agent, owner): only they join it. */
  answers: boolean;
  onSessionInDoubt(): void;
}

export class InboxStore {
  private state: inbox.InboxState = inbox.initialInboxState;
  private readonly listeners = new Set<() => void>();
  private readonly connection: LiveConnection;
  private viewing: string | null = null;
  private readonly typingTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private listRequest = 0;
  private listCursor: ListCursor | null = null;
  private announcementId = 0;

  constructor(private readonly options: InboxStoreOptions) {
    this.state = { ...this.state, available: readAvailable(options.businessId), myMemberId: options.memberId };
    this.connection = new LiveConnection(gatewayUrl(window.location), {
      onReady: () => this.joined(),
      onFrame: (frame) => this.receive(frame),
      onStatus: (status) => this.set({ ...this.state, status }),
      onRefused: () => options.onSessionInDoubt(),
    });
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getState = (): inbox.InboxState => this.state;

  start(): void {
    document.addEventListener('visibilitychange', this.markViewedRead);
    if (!this.options.answers) {
      this.set({ ...this.state, listLoading: false });
      return;
    }
    void this.refreshList();
    this.connection.start();
  }

  stop(): void {
    document.removeEventListener('visibilitychange', this.markViewedRead);
    this.connection.stop();
    for (const timer of this.typingTimers.values()) clearTimeout(timer);
  }

  /** Online (round-robin may give me conversations) or away. */
  setAvailable(available: boolean): void {
    writeAvailable(this.options.businessId, available);
    this.set({ ...this.state, available });
    this.connection.send({ type: 'inbox.join', available });
  }

  setFilter(filter: Partial<inbox.InboxFilter>): void {
    this.set({ ...this.state, filter: { ...this.state.filter, ...filter } });
    void this.refreshList();
  }

  /** Load the first page of the current filter (the server's unread counts are the caller's). */
  async refreshList(): Promise<void> {
    const ticket = ++this.listRequest;
    this.set({ ...this.state, listLoading: true, listMoreLoading: false });
    try {
      const list = await listInbox(this.options.businessId, { ...this.listQuery(), limit: listPage });
      if (ticket !== this.listRequest) return;
      this.listCursor = cursorOf(list.conversations);
      this.set(inbox.withListed(this.state, list.conversations, list.hasMore));
    } catch (error) {
      if (ticket === this.listRequest) this.set({ ...this.state, listLoading: false, listError: describeError(error) });
    }
  }

  /** "Load more": the page after the last row the server gave (rows that moved since come live). */
  async loadMoreList(): Promise<void> {
    const cursor = this.listCursor;
    if (!cursor || !this.state.listHasMore || this.state.listMoreLoading || this.state.listLoading) return;
    const ticket = this.listRequest;
    this.set({ ...this.state, listMoreLoading: true });
    try {
      const list = await listInbox(this.options.businessId, { ...this.listQuery(), limit: listPage, ...cursor });
      if (ticket !== this.listRequest) return;
      this.listCursor = cursorOf(list.conversations) ?? cursor;
      this.set(inbox.withListed(this.state, list.conversations, list.hasMore));
    } catch (error) {
      if (ticket === this.listRequest) this.set({ ...this.state, listMoreLoading: false, listError: describeError(error) });
    }
  }

  private listQuery() {
    const { status, view, search } = this.state.filter;
    const bsid = /^bsid_[A-Za-z0-9_-]{1,}$/.test(search.trim()) && search.trim().length >= 6 ? search.trim() : undefined;
    return { view, ...(status === 'any' ? {} : { status }), ...(bsid ? { bsid } : {}) };
  }

  /** Open a conversation: load its thread, notes and customer context, and mark it read. */
  async open(conversationId: string | null): Promise<void> {
    this.viewing = conversationId;
    if (!conversationId) return;
    const businessId = this.options.businessId;
    try {
      const [view, page] = await Promise.all([fetchInboxConversation(businessId, conversationId), fetchThread(businessId, conversationId, { limit: threadPage })]);
      const messages = page.messages.reduce<Message[]>((all, message) => inbox.insertBySeq(all, message), [...(this.state.threads[conversationId]?.messages ?? [])]);
      const held = this.state.threads[conversationId];
      // A reopen keeps what was paged back already; a first open believes the server.
      const reachesFurther = held !== undefined && held.messages.length > 0 && (page.messages.length === 0 || held.messages[0]!.seq < page.messages[0]!.seq);
      const hasEarlier = reachesFurther ? held.hasEarlier : page.hasMore;
      const thread: inbox.Thread = { ...inbox.emptyThread, messages, notes: view.notes, context: view.context, loaded: true, hasEarlier };
      const conversations = { ...this.state.conversations, [conversationId]: this.state.conversations[conversationId] ?? view.conversation };
      this.set({ ...this.state, conversations, threads: { ...this.state.threads, [conversationId]: thread } });
      this.markViewedRead();
    } catch (error) {
      const thread = { ...(this.state.threads[conversationId] ?? inbox.emptyThread), error: describeError(error) };
      this.set({ ...this.state, threads: { ...this.state.threads, [conversationId]: thread } });
    }
  }

  /** "Load earlier messages": the page of the thread just before its first message held. */
  async loadEarlier(conversationId: string): Promise<void> {
    const thread = this.state.threads[conversationId];
    const first = thread?.messages[0];
    if (!thread || !first || !thread.hasEarlier || thread.loadingEarlier) return;
    this.setThread(conversationId, { ...thread, loadingEarlier: true, earlierError: null });
    try {
      const page = await fetchThread(this.options.businessId, conversationId, { before: first.seq, limit: threadPage });
      this.set(inbox.withEarlier(this.state, conversationId, page.messages, page.hasMore));
    } catch (error) {
      const now = this.state.threads[conversationId];
      if (now) this.setThread(conversationId, { ...now, loadingEarlier: false, earlierError: describeError(error) });
    }
  }

  private setThread(conversationId: string, thread: inbox.Thread): void {
    this.set({ ...this.state, threads: { ...this.state.threads, [conversationId]: thread } });
  }

  /** A change the console made itself over HTTP (assign, resolve…): show it now, before its frame. */
  applied(row: InboxConversation): void {
    this.set(inbox.withInboxEvent(this.state, row));
  }

  /** The agent's own reply, stored: into the thread now (its frame, if any, is a no-op). */
  sent(message: Message): void {
    this.set(inbox.withMessage(this.state, message, this.viewing));
  }

  noted(note: Note): void {
    this.set(inbox.withNote(this.state, note));
  }

  revealAsked(reveal: RevealRequest): void {
    this.set(inbox.withReveal(this.state, reveal));
  }

  private joined(): void {
    this.connection.send({ type: 'inbox.join', available: this.state.available });
    // After a drop the socket does not replay inbox changes: catch up over HTTP.
    void this.refreshList();
    if (this.viewing) void this.open(this.viewing);
  }

  private receive(frame: ServerFrame): void {
    switch (frame.type) {
      case 'inbox':
        if (frame.conversation.businessId !== this.options.businessId) return;
        if (!this.state.conversations[frame.conversation.conversationId] && frame.conversation.owner === 'inbox') {
          this.announce(`New conversation handed over: ${frame.conversation.bsid}`);
        }
        this.set(inbox.withInboxEvent(this.state, frame.conversation));
        return;
      case 'message':
        this.set(inbox.withMessage(this.state, frame.message, this.viewing));
        if (frame.message.sender === 'person' && frame.message.conversationId === this.viewing) {
          this.announce(`Customer: ${previewOf(frame.message.content)}`);
          this.markViewedRead();
        }
        return;
      case 'note':
        if (frame.businessId === this.options.businessId) this.set(inbox.withNote(this.state, frame.note));
        return;
      case 'reveal':
        if (frame.businessId === this.options.businessId) this.set(inbox.withReveal(this.state, frame.reveal));
        return;
      case 'typing':
        if (frame.sender === 'person') this.personTyping(frame.conversationId, frame.state === 'start');
        return;
      case 'read':
        if (frame.reader === 'person') this.set({ ...this.state, personRead: { ...this.state.personRead, [frame.conversationId]: frame.seq } });
        return;
      case 'inbox.joined':
        this.set({ ...this.state, available: frame.available });
        return;
      case 'error':
        if (frame.fatal) this.options.onSessionInDoubt();
        return;
      default:
        return;
    }
  }

  private personTyping(conversationId: string, typing: boolean): void {
    const timer = this.typingTimers.get(conversationId);
    if (timer) clearTimeout(timer);
    if (typing) this.typingTimers.set(conversationId, setTimeout(() => this.personTyping(conversationId, false), typingShownMs));
    this.set({ ...this.state, typing: { ...this.state.typing, [conversationId]: typing } });
  }

  private readonly markViewedRead = (): void => {
    const id = this.viewing;
    if (!id || document.visibilityState !== 'visible') return;
    const row = this.state.conversations[id];
    if (!row || (row.unread === 0 && row.readSeq >= row.lastSeq)) return;
    this.set(inbox.withRead(this.state, id));
    void markAgentRead(this.options.businessId, id, row.lastSeq).catch(() => undefined);
  };

  private announce(text: string): void {
    this.set({ ...this.state, announcement: { id: ++this.announcementId, text } });
  }

  private set(next: inbox.InboxState): void {
    if (next === this.state) return;
    this.state = next;
    for (const listener of this.listeners) listener();
  }
}

function readAvailable(businessId: string): boolean {
  try {
    return window.sessionStorage.getItem(`parley.console.away.${businessId}`) !== '1';
  } catch {
    return true;
  }
}

function writeAvailable(businessId: string, available: boolean): void {
  try {
    if (available) window.sessionStorage.removeItem(`parley.console.away.${businessId}`);
    else window.sessionStorage.setItem(`parley.console.away.${businessId}`, '1');
  } catch {
    // Storage blocked: the choice lasts as long as the page.
  }
}
