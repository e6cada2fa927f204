/**
 * The WebSocket to /v1/ws: connects, reconnects with backoff after any drop, keeps itself
 * alive with pings, and tells its owner when it is ready (`hello`) so the owner can resume.
 * It knows nothing of conversations; chat.store.ts does.
 */
import type { ClientFrame, ServerFrame } from '@parley/protocol';
import { reconnectDelay } from './backoff';

export type ConnectionStatus = 'connecting' | 'online' | 'reconnecting';

export interface ConnectionEvents {
  /** The server said hello: the socket is authenticated and ready for `resume`. */
  onReady(): void;
  onFrame(frame: ServerFrame): void;
  onStatus(status: ConnectionStatus): void;
  /** The socket closed before the server said hello (the session may have ended). */
  onRefused(): void;
}

const pingEveryMs = 25_000;
/** No frame at all for this long means the socket is dead even if the browser has not noticed. */
const silenceLimitMs = 60_000;

export class LiveConnection {
  private socket: WebSocket | null = null;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private lastFrameAt = 0;
  private ready = false;
  private stopped = true;
  status: ConnectionStatus = 'connecting';

  constructor(
    private readonly url: string,
    private readonly events: ConnectionEvents,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    window.addEventListener('online', this.retryNow);
    window.addEventListener('offline', this.dropNow);
    this.open();
  }

  stop(): void {
    this.stopped = true;
    window.removeEventListener('online', this.retryNow);
    window.removeEventListener('offline', this.dropNow);
    this.clearTimers();
    this.socket?.close(1000, 'signed out');
    this.socket = null;
  }

  /** Sends if the socket is ready; false means the frame was not sent (the caller keeps it). */
  send(frame: ClientFrame): boolean {
    if (!this.ready || !this.socket || this.socket.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  get isReady(): boolean {
    return this.ready;
  }

  private open(): void {
    const socket = new WebSocket(this.url);
    this.socket = socket;
    this.ready = false;
    socket.onmessage = (event) => this.receive(event.data);
    socket.onclose = () => this.dropped(socket);
    // An error is always followed by close, where the retry happens.
    socket.onerror = () => undefined;
  }

  private receive(data: unknown): void {
    this.lastFrameAt = Date.now();
    const frame = parseFrame(data);
    if (!frame) return;
    if (frame.type === 'hello') {
      this.ready = true;
      this.attempt = 0;
      this.startPinging();
      this.setStatus('online');
      this.events.onReady();
      return;
    }
    this.events.onFrame(frame);
  }

  private dropped(socket: WebSocket): void {
    if (socket !== this.socket) return;
    const wasReady = this.ready;
    this.ready = false;
    this.socket = null;
    this.clearTimers();
    if (this.stopped) return;
    this.setStatus('reconnecting');
    if (!wasReady) this.events.onRefused();
    const delay = reconnectDelay(this.attempt++);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.stopped) this.open();
    }, delay);
  }

  /** The browser says the network is back: do not wait out the backoff. */
  private readonly retryNow = (): void => {
    if (this.stopped || this.socket || !this.retryTimer) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.attempt = 0;
    this.open();
  };

  /** The browser says the network is gone: say so now rather than after the silence limit. */
  private readonly dropNow = (): void => {
    this.socket?.close(4001, 'offline');
  };

  private startPinging(): void {
    this.lastFrameAt = Date.now();
    this.pingTimer = setInterval(() => {
      if (Date.now() - this.lastFrameAt > silenceLimitMs) {
        this.socket?.close(4000, 'silent');
        return;
      }
      this.send({ type: 'ping' });
    }, pingEveryMs);
  }

  private clearTimers(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.pingTimer = null;
    this.retryTimer = null;
  }

  private setStatus(status: ConnectionStatus): void {
    if (status === this.status) return;
    this.status = status;
    this.events.onStatus(status);
  }
}

/**
 * The client is a tolerant reader on purpose: a newer server may add frame types or content
 * types, which are ignored or shown as a placeholder instead of breaking the app. Only the
 * envelope is checked here; the store reads fields by frame type.
 */
function parseFrame(data: unknown): ServerFrame | null {
  if (typeof data !== 'string') return null;
  try {
    const frame: unknown = JSON.parse(data);
    if (typeof frame === 'object' && frame !== null && typeof (frame as { type?: unknown }).type === 'string') {
      return frame as ServerFrame;
    }
  } catch {
    // Not JSON: nothing a client can act on.
  }
  return null;
}

/** ws:// or wss:// to this origin's gateway. */
export function gatewayUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/v1/ws`;
}
