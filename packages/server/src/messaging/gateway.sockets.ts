import type { ServerFrame } from '@parley/protocol';
import type { WebSocket } from 'ws';
import { keepSessionsAlive } from '../identity';
import type { MessagingCore } from './conversation.service';
import { DeliveryHub } from './delivery.hub';
import { closeCodes, Connection, type SocketIdentity } from './gateway.connection';
import { InboxPresence } from './inbox.presence';

/** The server pings every socket this often and drops one that did not answer the last ping. */
export const heartbeatMs = 30_000;
/** Sessions behind open sockets are checked this often, so sign-out and expiry end them. */
export const sessionCheckMs = 60_000;
/** Sockets pinged per turn of the event loop. */
const heartbeatChunk = 250;
/** Sessions read per query in the periodic check. */
const sessionCheckChunk = 500;
/**
 * How often the (cheap) check "is a heartbeat or session check due?" runs in real time. Both
 * are due by the injected clock, so tests move time instead of waiting for it.
 */
const tickMs = 1_000;

/**
 * Every open socket of this node: registers them with the hub, keeps them alive with
 * heartbeats, closes those whose session ended, and closes all on shutdown.
 */
export class SocketRegistry {
  readonly #connections = new Set<Connection>();
  readonly #hub: DeliveryHub<Connection>;
  /** Agent-console sockets and who is online for the inbox. */
  readonly presence: InboxPresence;
  readonly #timer: NodeJS.Timeout;
  #nextHeartbeat: number;
  #nextSessionCheck: number;
  #checking = false;
  #closed = false;

  constructor(private readonly core: MessagingCore) {
    this.#hub = new DeliveryHub<Connection>(core.ctx.bus);
    this.presence = new InboxPresence(core.ctx, this.#hub);
    const now = core.ctx.clock.now();
    this.#nextHeartbeat = now + heartbeatMs;
    this.#nextSessionCheck = now + sessionCheckMs;
    this.#timer = setInterval(() => this.#tick(), tickMs).unref();
  }

  get size(): number {
    return this.#connections.size;
  }

  /** Whether the person has a socket open on this node (Web Push is for when they have none). */
  isConnected(personId: string): boolean {
    return this.#hub.has(personId);
  }

  /** See DeliveryHub.deliverToPeople. */
  deliverToPeople(personIds: Iterable<string>, frame: ServerFrame): number {
    return this.#hub.deliverToPeople(personIds, frame);
  }

  /** Take an upgraded socket: greet it, then serve its frames until it closes. */
  open(socket: WebSocket, identity: SocketIdentity): Connection {
    const { ctx } = this.core;
    const connection = new Connection(ctx.random.uuid(), identity, socket, this.core);
    if (this.#closed) {
      connection.close(closeCodes.goingAway);
      return connection;
    }
    this.#connections.add(connection);
    this.#hub.attach(connection);
    connection.inboxJoin = (available) => this.presence.join(connection, available);
    ctx.metrics.openSockets.inc();
    socket.on('message', (data, isBinary) => connection.onFrame(data, isBinary));
    socket.on('pong', () => {
      connection.alive = true;
    });
    socket.once('close', () => {
      this.#connections.delete(connection);
      this.presence.leave(connection);
      this.#hub.detach(connection);
      ctx.metrics.openSockets.dec();
    });
    connection.sendFrame({ type: 'hello', personId: identity.personId, serverTime: ctx.clock.now() });
    return connection;
  }

  #tick(): void {
    const now = this.core.ctx.clock.now();
    if (now >= this.#nextHeartbeat) {
      this.#nextHeartbeat = now + heartbeatMs;
      this.#heartbeat().catch((error: unknown) => this.core.ctx.log.error({ err: error }, 'heartbeat failed'));
    }
    if (now >= this.#nextSessionCheck && !this.#checking) {
      this.#nextSessionCheck = now + sessionCheckMs;
      this.#checking = true;
      this.checkSessions()
        .catch((error: unknown) => this.core.ctx.log.error({ err: error }, 'session check failed'))
        .finally(() => {
          this.#checking = false;
        });
    }
  }

  /**
   * Ping every socket, a slice at a time with a turn of the event loop between slices: a ping
   * is a write to the socket, and thousands in one go would stall every delivery behind them.
   */
  async #heartbeat(): Promise<void> {
    const connections = [...this.#connections];
    for (let start = 0; start < connections.length; start += heartbeatChunk) {
      if (start > 0) await new Promise((resolve) => setImmediate(resolve));
      for (const connection of connections.slice(start, start + heartbeatChunk)) {
        if (!this.#connections.has(connection)) continue;
        if (!connection.alive) {
          connection.socket.terminate();
          continue;
        }
        connection.alive = false;
        connection.socket.ping();
      }
    }
  }

  /**
   * Close every socket whose session expired or was signed out. Sessions are checked a chunk
   * at a time (one read, one write each) with a turn of the event loop between chunks, so
   * thousands of open sockets never freeze the gateway.
   */
  async checkSessions(): Promise<void> {
    const { ctx } = this.core;
    const bySession = new Map<string, Connection[]>();
    for (const connection of this.#connections) {
      const list = bySession.get(connection.identity.sessionId) ?? [];
      list.push(connection);
      bySession.set(connection.identity.sessionId, list);
    }
    const ids = [...bySession.keys()];
    for (let start = 0; start < ids.length; start += sessionCheckChunk) {
      if (start > 0) await new Promise((resolve) => setImmediate(resolve));
      const chunk = ids.slice(start, start + sessionCheckChunk);
      let live: Set<string>;
      try {
        live = await keepSessionsAlive(ctx, chunk);
      } catch (error) {
        // Only a verdict on a session ends it; a database hiccup does not.
        ctx.log.warn({ err: error }, 'checking the sessions behind open sockets failed');
        continue;
      }
      for (const sessionId of chunk) {
        if (live.has(sessionId)) continue;
        for (const connection of bySession.get(sessionId) ?? []) connection.close(closeCodes.policy, 'ERR_SESSION_EXPIRED');
      }
    }
    await this.presence.recheck().catch((error: unknown) => ctx.log.warn({ err: error }, 'rechecking console memberships failed'));
  }

  /** Shut down: close every socket with 1001 (going away). */
  close(): void {
    this.#closed = true;
    clearInterval(this.#timer);
    for (const connection of this.#connections) connection.close(closeCodes.goingAway);
  }
}
