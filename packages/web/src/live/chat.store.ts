/**
 * The live chat of the signed-in person: owns the socket, the outbox and the chat state, and
 * is the only place that turns server frames into state. React reads it through
 * useSyncExternalStore (see chat.context.tsx).
 */
import type { Conversation, Message, Notice, PersonContent, ServerFrame } from '@parley/protocol';
import { describeError } from '../api/http.client';
import { previewOf } from '../chat/content/content.preview';
import { fetchHistory, listConversations, openConversation } from '../api/messaging.api';
import { NoticeFeeds } from '../notices/notice.feeds';
import { withLiveNotice } from '../notices/notice.state';
import * as chat from './chat.state';
import { gatewayUrl, LiveConnection } from './live.connection';
import { Outbox, type OutboxStorage } from './outbox';

type AckFrame = Extract<ServerFrame, { type: 'ack' }>;
type ErrorFrame = Extract<ServerFrame, { type: 'error' }>;

/** The business shows as typing for this long after a `start` unless it says `stop` or sends. */
const typingShownMs = 8_000;
const retryAfterRefusalMs = 3_000;
const retryableCodes = new Set(['ERR_RATE_LIMITED', 'ERR_UNAVAILABLE', 'ERR_SLOW_CONSUMER']);
const sessionCodes = new Set(['ERR_UNAUTHENTICATED', 'ERR_SESSION_EXPIRED']);

export interface ChatStoreOptions {
  personId: string;
  /** The socket was refused: the app checks whether the session is still alive. */
  onSessionInDoubt(): void;
  storage?: OutboxStorage | null;
}

export class ChatStore {
  private state: chat.ChatState = chat.initialChatState;
  private readonly listeners = new Set<() => void>();
  private readonly connection: LiveConnection;
  private readonly outbox: Outbox;
  private viewing: string | null = null;
  private listLoad: Promise<void> | null = null;
  private connectedBefore = false;
  private announcementId = 0;
  /** Banks' notices: loaded with their conversation, kept in `state.notices`. */
  readonly notices = new NoticeFeeds({ get: () => this.state.notices, set: (notices) => this.set({ ...this.state, notices }) });

  constructor(private readonly options: ChatStoreOptions) {
    this.outbox = new Outbox(options.storage ?? null, `parley.outbox.${options.personId}`);
    this.state = { ...this.state, pending: this.outbox.all };
    this.connection = new LiveConnection(gatewayUrl(window.location), {
      onReady: () => this.resume(),
      onFrame: (frame) => this.receive(frame),
      onStatus: (status) => this.set({ ...this.state, status }),
      onRefused: () => options.onSessionInDoubt(),
    });
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getState = (): chat.ChatState => this.state;

  start(): void {
    document.addEventListener('visibilitychange', this.markViewedRead);
    void this.refreshList();
    void this.notices.refreshFollows();
    this.connection.start();
  }

  /** Stop for good (sign-out). `forget` also drops unsent messages. */
  stop(forget: boolean): void {
    document.removeEventListener('visibilitychange', this.markViewedRead);
    this.connection.stop();
    if (forget) this.outbox.clear();
  }

  /** Load (or reload) the conversation list; concurrent callers share one request. */
  refreshList(): Promise<void> {
    this.listLoad ??= listConversations()
      .then((list) => {
        this.set(chat.withConversations(this.state, list));
        for (const conversation of list) this.fillGap(conversation);
        this.markViewedRead();
      })
      .catch((error: unknown) => this.set({ ...this.state, listError: describeError(error) }))
      .finally(() => (this.listLoad = null));
    return this.listLoad;
  }

  async startConversation(businessId: string): Promise<Conversation> {
    const conversation = await openConversation(businessId);
    if (!chat.findConversation(this.state, conversation.id)) this.set(chat.upsertConversation(this.state, conversation));
    return conversation;
  }

  /** The chat view shows this conversation (null: none). Loads its newest page the first time. */
  setViewing(conversationId: string | null): void {
    this.viewing = conversationId;
    if (conversationId && !this.state.threads[conversationId]) void this.loadLatest(conversationId);
    this.markViewedRead();
  }

  async loadLatest(conversationId: string): Promise<void> {
    this.set(chat.updateThread(this.state, conversationId, (thread) => ({ ...thread, loading: 'latest', error: null })));
    try {
      // Await first: `this.state` must be read after the page arrives, not before.
      const page = await fetchHistory(conversationId);
      this.set(chat.withHistory(this.state, conversationId, page));
      this.markViewedRead();
    } catch (error) {
      this.set(chat.updateThread(this.state, conversationId, (thread) => ({ ...thread, loading: null, error: describeError(error) })));
    }
  }

  async loadOlder(conversationId: string): Promise<void> {
    const thread = this.state.threads[conversationId];
    const oldest = thread?.messages[0]?.seq;
    if (!thread || thread.loading || !thread.hasMore || oldest === undefined) return;
    this.set(chat.updateThread(this.state, conversationId, (held) => ({ ...held, loading: 'older', error: null })));
    try {
      const page = await fetchHistory(conversationId, { before: oldest });
      this.set(chat.withHistory(this.state, conversationId, page));
    } catch (error) {
      this.set(chat.updateThread(this.state, conversationId, (held) => ({ ...held, loading: null, error: describeError(error) })));
    }
  }

  send(conversationId: string, text: string): void {
    this.submit(conversationId, { contentType: 'text', text });
  }

  /** A tap on a quick reply or postback button: sent like a text, shown as its title. */
  postback(conversationId: string, choice: { title: string; payload: string }): void {
    this.submit(conversationId, { contentType: 'postback', title: choice.title, payload: choice.payload });
  }

  private submit(conversationId: string, content: PersonContent): void {
    const item = this.outbox.add(conversationId, content, Date.now());
    this.syncPending();
    this.connection.send({ type: 'send', clientId: item.clientId, conversationId, content: item.content });
  }

  /** Send a failed message again, with its original clientId. */
  retry(clientId: string): void {
    const item = this.outbox.retry(clientId);
    this.syncPending();
    if (item) this.connection.send({ type: 'send', clientId, conversationId: item.conversationId, content: item.content });
  }

  discard(clientId: string): void {
    this.outbox.remove(clientId);
    this.syncPending();
  }

  typing(conversationId: string, state: 'start' | 'stop'): void {
    this.connection.send({ type: 'typing', conversationId, state });
  }

  private set(next: chat.ChatState): void {
    if (next === this.state) return;
    this.state = next;
    for (const listener of this.listeners) listener();
  }

  private syncPending(): void {
    this.set({ ...this.state, pending: this.outbox.all });
  }

  /**
   * After every (re)connect: say what is held (taken now, before any live message can land on
   * the new socket and leave a gap), resend the outbox, then catch up on the list for
   * conversations opened elsewhere meanwhile.
   */
  private resume(): void {
    const positions = chat.resumePositions(this.state);
    if (positions.length > 0) this.connection.send({ type: 'resume', conversations: positions });
    for (const item of this.outbox.toSend) {
      this.connection.send({ type: 'send', clientId: item.clientId, conversationId: item.conversationId, content: item.content });
    }
    if (this.connectedBefore) void this.refreshList();
    // Notices have no seq to resume from: once this socket hears them live, ask again for the
    // newest of each bank loaded, for any sent before it did (or while it was down).
    void this.notices.catchUp();
    this.connectedBefore = true;
  }

  private receive(frame: ServerFrame): void {
    switch (frame.type) {
      case 'message':
        return this.receiveMessage(frame.message, true);
      case 'ack':
        return this.receiveAck(frame);
      case 'read':
        this.set(chat.withRead(this.state, frame.conversationId, frame.reader, frame.seq));
        return;
      case 'typing':
        return this.receiveTyping(frame.conversationId, frame.sender, frame.state);
      case 'resumed':
        return this.markViewedRead();
      case 'error':
        return this.receiveError(frame);
      case 'notice':
        return this.receiveNotice(frame.notice);
      default:
        return;
    }
  }

  private receiveMessage(message: Message, live: boolean): void {
    if (message.clientId && this.outbox.has(message.clientId)) this.outbox.remove(message.clientId);
    const next = chat.withMessage(this.state, message);
    if (!next) {
      // A conversation opened elsewhere (another device): the list has it now.
      void this.refreshList();
      return;
    }
    this.set(live && message.sender !== 'person' ? { ...next, announcement: this.announce(next, message) } : next);
    this.markViewedRead();
  }

  /** A bank's notice to its followers: shown in its conversation, and read out like a message. */
  private receiveNotice(notice: Notice): void {
    const from =
      this.state.notices.follows?.[notice.businessId]?.name ??
      this.state.conversations?.find((conversation) => conversation.business.id === notice.businessId)?.business.name ??
      'Your bank';
    const announcement = { id: ++this.announcementId, text: `Notice from ${from}: ${notice.text}` };
    this.set({ ...this.state, notices: withLiveNotice(this.state.notices, notice), announcement });
  }

  private receiveAck(ack: AckFrame): void {
    const item = this.outbox.remove(ack.clientId);
    if (!item) return;
    this.receiveMessage(
      { conversationId: ack.conversationId, seq: ack.seq, clientId: ack.clientId, sender: 'person', content: item.content, sentAt: ack.sentAt },
      false,
    );
    this.syncPending();
  }

  private receiveTyping(conversationId: string, sender: string, state: 'start' | 'stop'): void {
    if (sender === 'person') return;
    if (state === 'stop') return this.set(chat.withTyping(this.state, conversationId, null));
    const until = Date.now() + typingShownMs;
    this.set(chat.withTyping(this.state, conversationId, until));
    setTimeout(() => {
      if (this.state.typing[conversationId] === until) this.set(chat.withTyping(this.state, conversationId, null));
    }, typingShownMs);
  }

  private receiveError(frame: ErrorFrame): void {
    if (sessionCodes.has(frame.code)) return this.options.onSessionInDoubt();
    const ref = frame.ref;
    if (!ref || !this.outbox.has(ref)) return;
    if (retryableCodes.has(frame.code)) {
      setTimeout(() => this.retry(ref), retryAfterRefusalMs);
      return;
    }
    this.outbox.fail(ref, frame.message);
    this.syncPending();
  }

  /** The list says a loaded conversation has newer messages than its window: fetch them. */
  private fillGap(conversation: Conversation): void {
    const thread = this.state.threads[conversation.id];
    const held = thread?.messages.at(-1)?.seq;
    if (thread && !thread.loading && held !== undefined && conversation.lastSeq > held) void this.loadLatest(conversation.id);
  }

  private readonly markViewedRead = (): void => {
    const conversation = this.viewing ? chat.findConversation(this.state, this.viewing) : undefined;
    if (!conversation || document.visibilityState !== 'visible' || conversation.lastSeq <= conversation.readSeq) return;
    // Only the person's own messages are new: nothing to tell the bank (its webhook would hear of every send).
    if (conversation.unread === 0 && conversation.lastMessage?.sender === 'person') return;
    const seq = conversation.lastSeq;
    if (this.connection.send({ type: 'read', conversationId: conversation.id, seq })) {
      this.set(chat.withRead(this.state, conversation.id, 'person', seq));
    }
  };

  private announce(state: chat.ChatState, message: Message): chat.Announcement {
    const from = chat.findConversation(state, message.conversationId)?.business.name ?? 'Your bank';
    const text = previewOf(message.content);
    return { id: ++this.announcementId, text: `${from}: ${text}` };
  }
}
