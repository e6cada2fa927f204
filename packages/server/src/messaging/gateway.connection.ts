import { errorCatalog, type ClientFrame, type ErrorCode, type ServerFrame } from '@parley/protocol';
import type { Socket } from 'node:net';
import type { RawData, WebSocket } from 'ws';
import { isAppError } from '../platform/errors';
import { markRead, relayTyping, type MessagingCore } from './conversation.service';
import type { DeliveryEvent, Subscriber } from './delivery.hub';
import { parseClientFrame } from './frame.validator';
import { refuseUnprovenPostback } from './postback.guard';
import { replayMissed, type HeldRange, type ReplayTarget } from './gateway.resume';
import type { SendResult } from './message.batch';

/** A socket with more than this waiting to be written for longer than the grace period is a slow consumer, and is closed. */
export const slowConsumerBytes = 1024 * 1024;
const slowConsumerGraceMs = 1_000;
/** Past this, a socket is closed at once: the memory one reader may hold up is bounded. */
const hardLimitBytes = 16 * slowConsumerBytes;

export const closeCodes = {
  goingAway: 1001,
  policy: 1008,
  tryAgainLater: 1013,
} as const;

/** Who a socket belongs to, fixed at the upgrade. */
export interface SocketIdentity {
  readonly personId: string;
  readonly sessionId: string;
  readonly expiresAt: number;
}

type SendFrame = Extract<ClientFrame, { type: 'send' }>;

/**
 * Turns of the event loop, counted lazily (one setImmediate per turn that writes at all): a
 * socket's second frame in the same turn corks the rest of that turn into one syscall, while a
 * lone frame — one notice to each of 10,000 followers, one message per socket per commit — goes
 * out at once, with no cork and no nextTick per socket.
 */
let writeTurn = 0;
let turnCounted = false;
function currentTurn(): number {
  if (!turnCounted) {
    turnCounted = true;
    setImmediate(() => {
      writeTurn += 1;
      turnCounted = false;
    });
  }
  return writeTurn;
}

/**
 * One open WebSocket: reads and answers client frames, receives the person's events from
 * the hub, and never sends a seq of a conversation twice.
 */
export class Connection implements Subscriber, ReplayTarget {
  /** Set by every pong and frame; the heartbeat closes a socket that stayed silent. */
  alive = true;
  readonly held = new Map<string, HeldRange>();
  readonly parked = new Map<string, { event: DeliveryEvent; render: () => string }[]>();
  /** Set by the registry: what an `inbox.join` frame does (agent console). */
  inboxJoin: ((available: boolean) => Promise<void>) | undefined;
  #closing = false;
  #corked = false;
  /** The turn of this socket's last write (see currentTurn). */
  #lastTurn = -1;
  #slowCheck: NodeJS.Timeout | undefined;
  #chain: Promise<void> = Promise.resolve();

  constructor(
    readonly id: string,
    readonly identity: SocketIdentity,
    readonly socket: WebSocket,
    private readonly core: MessagingCore,
  ) {}

  get personId(): string {
    return this.identity.personId;
  }

  get closing(): boolean {
    return this.#closing || this.socket.readyState !== this.socket.OPEN;
  }

  onFrame(data: RawData, isBinary: boolean): void {
    this.alive = true;
    // A socket being closed (its session ended) takes no more frames, sends least of all.
    if (this.#closing) return;
    const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    const parsed = parseClientFrame(buffer, isBinary);
    if (!parsed.ok) {
      this.sendError(parsed.code, { message: parsed.message, ref: parsed.ref });
      return;
    }
    const frame = parsed.frame;
    switch (frame.type) {
      case 'send':
        this.#send(frame);
        return;
      case 'ping':
        this.write(JSON.stringify(frame.nonce === undefined ? { type: 'pong' } : { type: 'pong', nonce: frame.nonce }));
        return;
      case 'resume':
        this.#serially(() => replayMissed(this, this.core, frame.conversations));
        return;
      case 'read': {
        const read = { personId: this.personId, conversationId: frame.conversationId, seq: frame.seq, skipSocket: this.id };
        this.#serially(() => markRead(this.core, read), frame.conversationId);
        return;
      }
      case 'typing': {
        const typing = { personId: this.personId, conversationId: frame.conversationId, state: frame.state };
        this.#serially(() => relayTyping(this.core, typing), frame.conversationId);
        return;
      }
      case 'inbox.join': {
        const join = this.inboxJoin;
        if (join) this.#serially(() => join(frame.available ?? true));
        return;
      }
    }
  }

  #send(frame: SendFrame): void {
    if (frame.content.contentType === 'postback') {
      // A tap on a choice that needs a passkey confirmation is refused here: a frame carries no
      // proof (the web app sends those taps over HTTP, POST /v1/conversations/:id/postbacks).
      const { content, conversationId } = frame;
      this.#serially(async () => {
        await refuseUnprovenPostback(this.core.ctx, { conversationId, content });
        this.#enqueue(frame);
      }, frame.clientId);
      return;
    }
    this.#enqueue(frame);
  }

  #enqueue(frame: SendFrame): void {
    this.core.committer.enqueue({
      conversationId: frame.conversationId,
      personId: this.personId,
      sender: 'person',
      content: frame.content,
      clientId: frame.clientId,
      origin: this.id,
      done: this.#answerTo(frame),
    });
  }

  /** The ack (or error) for a send frame. Returned, not written in place: tsx names a closure made per frame with Object.defineProperty (bench/README.md, "Hidden classes made per request"). */
  #answerTo(frame: SendFrame): (result: SendResult) => void {
    return (result) => {
      if (!result.ok) {
        this.sendError(result.error.code, { message: result.error.message, ref: frame.clientId });
        return;
      }
      const { conversationId, seq, sentAt } = result.message;
      this.write(JSON.stringify({ type: 'ack', clientId: frame.clientId, conversationId, seq, sentAt }));
    };
  }

  /** Frames that read the database run one at a time, in the order they came. */
  #serially(task: () => Promise<void>, ref?: string): void {
    this.#chain = this.#chain.then(task).catch((error: unknown) => {
      if (isAppError(error)) {
        this.sendError(error.code, { message: error.message, ref });
      } else {
        this.core.ctx.log.error({ err: error }, 'websocket frame failed');
        this.sendError('ERR_INTERNAL', { ref });
      }
    });
  }

  /** From the hub: a frame for this person. Message frames are checked against what the socket holds. */
  deliver(event: DeliveryEvent, render: () => string): void {
    if (this.#closing) return;
    const frame = event.frame;
    if (frame.type !== 'message') {
      if (event.skipSocket !== this.id) this.write(render());
      return;
    }
    const parked = this.parked.get(frame.message.conversationId);
    if (parked) {
      parked.push({ event, render });
      return;
    }
    this.deliverLive(event, render);
  }

  deliverLive(event: DeliveryEvent, render: () => string): void {
    if (event.frame.type !== 'message') return;
    const { conversationId, seq } = event.frame.message;
    const range = this.held.get(conversationId);
    if (range && seq <= range.last) return;
    if (range) range.last = seq;
    else this.held.set(conversationId, { first: seq, last: seq });
    // The socket a send came from already has it, as the ack.
    if (event.skipSocket !== this.id) this.write(render());
  }

  write(text: string): void {
    if (this.closing) return;
    const turn = currentTurn();
    if (this.#lastTurn === turn) this.corkTurn();
    this.#lastTurn = turn;
    this.socket.send(text);
    const buffered = this.socket.bufferedAmount;
    if (buffered > hardLimitBytes) this.#slowConsumer();
    else if (buffered > slowConsumerBytes) this.#checkSlowLater();
  }

  /**
   * The rest of what this turn writes to this socket leaves in one syscall: a commit batch's
   * acks (from the second on), or a replay page and its `resumed` (called before the first).
   */
  corkTurn(): void {
    if (this.#corked) return;
    const raw = (this.socket as unknown as { _socket?: Socket })._socket;
    if (!raw) return;
    this.#corked = true;
    raw.cork();
    process.nextTick(() => {
      this.#corked = false;
      raw.uncork();
    });
  }

  /** A burst may exceed the limit for a moment; a reader that has not caught up a second later is too slow. */
  #checkSlowLater(): void {
    if (this.#slowCheck) return;
    this.#slowCheck = setTimeout(() => {
      this.#slowCheck = undefined;
      if (this.socket.bufferedAmount > slowConsumerBytes) this.#slowConsumer();
    }, slowConsumerGraceMs);
    this.#slowCheck.unref();
  }

  get congested(): boolean {
    return this.socket.bufferedAmount > slowConsumerBytes / 2;
  }

  sendFrame(frame: ServerFrame): void {
    this.write(JSON.stringify(frame));
  }

  sendError(code: ErrorCode, options: { message?: string | undefined; ref?: string | undefined; fatal?: boolean } = {}): void {
    this.core.ctx.metrics.framesRejected.labels(code).inc();
    const frame: ServerFrame = { type: 'error', code, message: options.message ?? errorCatalog[code].message };
    if (options.ref !== undefined) frame.ref = options.ref;
    if (options.fatal) frame.fatal = true;
    this.sendFrame(frame);
  }

  /** Tell the client why, then close. */
  close(code: number, error?: ErrorCode): void {
    if (this.#closing) return;
    this.#closing = true;
    this.parked.clear();
    clearTimeout(this.#slowCheck);
    if (error && this.socket.readyState === this.socket.OPEN) {
      this.core.ctx.metrics.framesRejected.labels(error).inc();
      // Written past any buffer limit: a slow peer sees why if it ever reads again.
      this.socket.send(JSON.stringify({ type: 'error', code: error, message: errorCatalog[error].message, fatal: true }));
    }
    this.socket.close(code, error);
    // A peer that does not read will not answer the close handshake either.
    setTimeout(() => this.socket.terminate(), 2000).unref();
  }

  #slowConsumer(): void {
    this.close(closeCodes.tryAgainLater, 'ERR_SLOW_CONSUMER');
  }

  /** Wait until the socket has written out most of what is queued (during long replays). */
  async drained(): Promise<void> {
    while (!this.closing && this.congested) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}
