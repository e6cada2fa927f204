import { bsidsFor } from '../business';
import type { ServerContext } from '../context';
import { findOwners } from './message.repository';

/** Who a conversation belongs to. It never changes, so it is safe to remember. */
export interface ConversationOwner {
  readonly personId: string;
  readonly businessId: string;
}

/** How a business names the person of a conversation. */
export interface ConversationBsid {
  readonly businessId: string;
  readonly bsid: string;
}

/** Past this many entries the cache starts over; a miss costs one batched query. */
const maxEntries = 100_000;

/**
 * Conversation → owner, remembered after the first read so authorizing a send costs no
 * query. A conversation that is deleted is `forget`-ten by whoever notices.
 */
export class ConversationOwners {
  readonly #known = new Map<string, ConversationOwner>();
  /** Conversation → the person's BSID for its business (never changes either), for webhook events. */
  readonly #bsids = new Map<string, string>();

  constructor(private readonly ctx: ServerContext) {}

  /** The owner if already known, without a query. */
  peek(conversationId: string): ConversationOwner | undefined {
    return this.#known.get(conversationId);
  }

  remember(conversationId: string, owner: ConversationOwner): void {
    if (this.#known.size >= maxEntries) this.#known.clear();
    this.#known.set(conversationId, owner);
  }

  forget(conversationId: string): void {
    this.#known.delete(conversationId);
    this.#bsids.delete(conversationId);
  }

  rememberBsid(conversationId: string, bsid: string): void {
    if (this.#bsids.size >= maxEntries) this.#bsids.clear();
    this.#bsids.set(conversationId, bsid);
  }

  /**
   * The business and BSID of each of these conversations whose owner is loaded: one batched read
   * (and insert, for people no bank has named yet) for those not cached. Run it before a
   * transaction opens, never inside one: SQLite has one connection.
   */
  async loadBsids(conversationIds: Iterable<string>): Promise<Map<string, ConversationBsid>> {
    const result = new Map<string, ConversationBsid>();
    const missing = new Map<string, ConversationOwner>();
    for (const id of conversationIds) {
      const owner = this.#known.get(id);
      if (!owner) continue;
      const bsid = this.#bsids.get(id);
      if (bsid === undefined) missing.set(id, owner);
      else result.set(id, { businessId: owner.businessId, bsid });
    }
    if (missing.size === 0) return result;
    const found = await bsidsFor(this.ctx, [...missing.values()]);
    for (const [id, owner] of missing) {
      const bsid = found.get(`${owner.businessId} ${owner.personId}`);
      if (bsid === undefined) continue;
      this.rememberBsid(id, bsid);
      result.set(id, { businessId: owner.businessId, bsid });
    }
    return result;
  }

  /** Load the owners of every id not yet known, in one query per thousand ids. */
  async load(conversationIds: Iterable<string>): Promise<void> {
    const missing = new Set<string>();
    for (const id of conversationIds) if (!this.#known.has(id)) missing.add(id);
    if (missing.size === 0) return;
    const rows = await findOwners(this.ctx.db, this.ctx.dialect, [...missing]);
    for (const row of rows) this.remember(row.id, { personId: row.person_id, businessId: row.business_id });
  }

  /** The owner, reading it if needed; undefined when the conversation does not exist. */
  async get(conversationId: string): Promise<ConversationOwner | undefined> {
    const known = this.#known.get(conversationId);
    if (known) return known;
    await this.load([conversationId]);
    return this.#known.get(conversationId);
  }

  /** The owner when it is this person's conversation; undefined otherwise (never a hint why). */
  async ownedBy(conversationId: string, personId: string): Promise<ConversationOwner | undefined> {
    const owner = await this.get(conversationId);
    return owner?.personId === personId ? owner : undefined;
  }
}
