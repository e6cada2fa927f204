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

/** When a socket's next ping and its session's next check are due (by the injected clock). */
interface Due {
  ping: number;
  check: number;
}

/**
 * Every open socket of this node: registers them with the hub, keeps them alive with
 * heartbeats, closes those whose session ended, and closes all on shutdown.
 */
export class SocketRegistry {
  /** Every open socket, with when its periodic work is next due. */
  readonly #connections = new Map<Connection, Due>();
  /** Sockets opened so far: gives each its second of the heartbeat's and the session check's period. */
  #opened = 0;
  readonly #hub: DeliveryHub<Connection>;
  /** Agent-console sockets and who is online for the inbox. */
  readonly presence: InboxPresence;
  readonly #timer: NodeJS.Timeout;
  #nextPresenceCheck: number;
  #checking = false;
  #closed = false;

  constructor(private readonly core: MessagingCore) {
    this.#hub = new DeliveryHub<Connection>(core.ctx.bus);
    this.presence = new InboxPresence(core.ctx, this.#hub);
    this.#nextPresenceCheck = core.ctx.clock.now() + sessionCheckMs;
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
    // Spread over the period: a socket's first ping comes 1–30 s after it opened and its first
    // session check 1–60 s after, by the order sockets open, then every period. Thousands of
    // sockets opened together are pinged and checked a thirtieth (a sixtieth) a second, never
    // all in one burst that every delivery waits behind.
    const slot = this.#opened++;
    const now = ctx.clock.now();
    this.#connections.set(connection, { ping: now + ((slot % (heartbeatMs / tickMs)) + 1) * tickMs, check: now + ((slot % (sessionCheckMs / tickMs)) + 1) * tickMs });
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

  /** Each second: ping the sockets whose ping is due, check the sessions whose check is due. */
  #tick(): void {
    const now = this.core.ctx.clock.now();
    const pings: Connection[] = [];
    const checks: Connection[] = [];
    const checking = this.#checking;
    for (const [connection, due] of this.#connections) {
      if (now >= due.ping) {
        // From now, not from when it was due: after a jump of the clock (a laptop waking up) a
        // socket still gets a whole period to answer.
        due.ping = now + heartbeatMs;
        pings.push(connection);
      }
      // While a check runs, the next waits: its sockets stay due and join the one after.
      if (!checking && now >= due.check) {
        due.check = now + sessionCheckMs;
        checks.push(connection);
      }
    }
    if (pings.length > 0) this.#heartbeat(pings).catch((error: unknown) => this.core.ctx.log.error({ err: error }, 'heartbeat failed'));
    const presence = !checking && now >= this.#nextPresenceCheck;
    if (presence) this.#nextPresenceCheck = now + sessionCheckMs;
    if (checks.length > 0 || presence) {
      this.#checking = true;
      this.checkSessions(checks, { presence })
        .catch((error: unknown) => this.core.ctx.log.error({ err: error }, 'session check failed'))
        .finally(() => {
          this.#checking = false;
        });
    }
  }

  /**
   * Ping these sockets, a slice at a time with a turn of the event loop between slices: a ping
   * is a write to the socket, and thousands in one go would stall every delivery behind them.
   */
  async #heartbeat(connections: readonly Connection[]): Promise<void> {
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
   * Close each of these sockets whose session expired or was signed out, and (with `presence`)
   * recheck the console memberships of agent sockets. Sessions are checked a chunk at a time
   * (one read, one write each) with a turn of the event loop between chunks, so thousands of
   * open sockets never freeze the gateway.
   */
  async checkSessions(connections: readonly Connection[], options: { presence: boolean }): Promise<void> {
    const { ctx } = this.core;
    const bySession = new Map<string, Connection[]>();
    for (const connection of connections) {
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
    if (options.presence) await this.presence.recheck().catch((error: unknown) => ctx.log.warn({ err: error }, 'rechecking console memberships failed'));
  }

  /** Shut down: close every socket with 1001 (going away). */
  close(): void {
    this.#closed = true;
    clearInterval(this.#timer);
    for (const connection of this.#connections.keys()) connection.close(closeCodes.goingAway);
  }
}
