import { listMemberships } from '../business';
import type { ServerContext } from '../context';
import type { DeliveryHub } from './delivery.hub';
import type { Connection } from './gateway.connection';

/** Roles whose console sockets follow a business's inbox and can be assigned conversations. */
const inboxRoles: ReadonlySet<string> = new Set(['agent', 'owner']);

/** What the inbox hears about agents: someone became available in a business (to auto-assign waiting conversations). */
export type AgentAvailableListener = (event: { businessId: string; personId: string }) => void;

/**
 * Agent-console sockets of this node: which businesses' inbox each follows (`inbox.join`), and
 * who is online and available. Presence is per node: with several nodes, each assigns among the
 * agents connected to it (see docs/console.md).
 */
export class InboxPresence {
  /** businessId → personId → ids of that person's available console sockets. */
  readonly #available = new Map<string, Map<string, Set<string>>>();
  readonly #joined = new Map<Connection, string[]>();
  readonly listeners = new Set<AgentAvailableListener>();

  constructor(
    private readonly ctx: ServerContext,
    private readonly hub: DeliveryHub<Connection>,
  ) {}

  /** Follow the inbox of every business where the person works it; (re)sets availability. */
  async join(connection: Connection, available: boolean): Promise<void> {
    const { memberships } = await listMemberships(this.ctx, connection.personId);
    if (connection.closing) return;
    const businessIds = memberships.filter((m) => inboxRoles.has(m.role)).map((m) => m.business.id);
    this.leave(connection);
    this.#joined.set(connection, businessIds);
    for (const businessId of businessIds) {
      this.hub.attachBusiness(connection, businessId);
      if (available) this.#mark(businessId, connection, true);
    }
    connection.sendFrame({ type: 'inbox.joined', businessIds, available });
    if (!available) return;
    for (const businessId of businessIds) {
      for (const listener of this.listeners) listener({ businessId, personId: connection.personId });
    }
  }

  /** The socket closed (or re-joins): it follows nothing and counts for nobody. */
  leave(connection: Connection): void {
    const businessIds = this.#joined.get(connection);
    if (!businessIds) return;
    this.#joined.delete(connection);
    for (const businessId of businessIds) {
      this.hub.detachBusiness(connection, businessId);
      this.#mark(businessId, connection, false);
    }
  }

  /**
   * Drop what each console socket may no longer follow: a member removed (or whose role no longer
   * works the inbox) stops getting the business's events at the next check, not at reconnect.
   */
  async recheck(): Promise<void> {
    for (const [connection, businessIds] of [...this.#joined]) {
      const { memberships } = await listMemberships(this.ctx, connection.personId);
      const allowed = new Set(memberships.filter((m) => inboxRoles.has(m.role)).map((m) => m.business.id));
      const kept = businessIds.filter((businessId) => allowed.has(businessId));
      if (kept.length === businessIds.length || this.#joined.get(connection) !== businessIds) continue;
      this.#joined.set(connection, kept);
      for (const businessId of businessIds) {
        if (allowed.has(businessId)) continue;
        this.hub.detachBusiness(connection, businessId);
        this.#mark(businessId, connection, false);
      }
    }
  }

  /** People with at least one open, available console socket on this node for the business. */
  online(businessId: string): ReadonlySet<string> {
    return new Set(this.#available.get(businessId)?.keys() ?? []);
  }

  #mark(businessId: string, connection: Connection, on: boolean): void {
    let people = this.#available.get(businessId);
    if (!people) {
      if (!on) return;
      this.#available.set(businessId, (people = new Map()));
    }
    let sockets = people.get(connection.personId);
    if (on) {
      if (!sockets) people.set(connection.personId, (sockets = new Set()));
      sockets.add(connection.id);
      return;
    }
    sockets?.delete(connection.id);
    if (sockets && sockets.size === 0) people.delete(connection.personId);
    if (people.size === 0) this.#available.delete(businessId);
  }
}
