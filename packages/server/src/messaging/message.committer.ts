import type { Message } from '@parley/protocol';
import type { ServerContext } from '../context';
import type { Db } from '../database';
import { isRetryableConflict } from '../platform/db/conflict-retry';
import { AppError } from '../platform/errors';
import { notifyWebhooks, recordEvents } from '../webhooks';
import type { ConversationBsid, ConversationOwner, ConversationOwners } from './conversation.owners';
import { publishMessage } from './delivery.hub';
import { bodySealerFor, openBodies, type BodySealer } from './message.body';
import { findByClientIds, inTransaction, insertMessages, reserveSeqs, setAgentNames, type ReservedSeqs, type StoredMessageRow } from './message.repository';
import { personMessageEvents } from './message.events';
import { agentNamesOf, assignSeqs, fromStored, planBatch, settle, toWire, type Outcome, type SendRequest, type SendResult } from './message.batch';

export type { SendRequest, SendResult } from './message.batch';

/** Largest number of messages in one transaction; the rest wait for the next tick. */
const maxBatch = 10_000;
/** PostgreSQL deadlock and serialization failures are retried (they leave nothing behind), this often in all. */
const maxAttempts = 3;

/** What every write of one batch shares: its time, and the BSIDs its events name people by. */
interface Tick {
  readonly sentAt: number;
  readonly bsids: ReadonlyMap<string, ConversationBsid>;
  /** Seals each new body under its person's data key, loaded before the transaction. */
  readonly sealer: BodySealer;
}

/** What a batch's transaction wrote: each send's outcome, and whether any webhook event is waiting. */
interface Written {
  readonly outcomes: Outcome[];
  readonly recorded: boolean;
  /** Conversations of the batch whose thread the human inbox owns (read under the row lock). */
  readonly inboxOwned: ReadonlySet<string>;
}

function fail(code: 'ERR_NOT_FOUND' | 'ERR_CONFLICT' | 'ERR_UNAVAILABLE', message?: string): SendResult {
  return { ok: false, error: new AppError(code, message === undefined ? {} : { message }) };
}

/**
 * Group commit: every send of every socket and HTTP request goes into one queue, and each
 * tick stores everything queued in one transaction (one fsync), then acks and publishes.
 * Nothing is acked before its transaction commits.
 */
export class GroupCommitter {
  #queue: SendRequest[] = [];
  #scheduled = false;
  #running = false;
  #closed = false;
  #idle: (() => void)[] = [];

  /** Called on this node after each new message in a conversation the human inbox owns is committed and published. */
  readonly stored = new Set<(message: Message, owner: ConversationOwner) => void>();

  constructor(
    private readonly ctx: ServerContext,
    private readonly owners: ConversationOwners,
  ) {}

  enqueue(request: SendRequest): void {
    if (this.#closed) {
      request.done(fail('ERR_UNAVAILABLE', 'Parley is shutting down; send again shortly.'));
      return;
    }
    this.#queue.push(request);
    this.#schedule();
  }

  /** `enqueue` as a promise, for HTTP and services. */
  send(request: Omit<SendRequest, 'done'>): Promise<SendResult> {
    return new Promise((resolve) => this.enqueue(Object.assign({}, request, { done: resolve })));
  }

  /** Resolves once everything queued so far is committed and acked. */
  flush(): Promise<void> {
    if (!this.#running && !this.#scheduled && this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** Store what is queued, then refuse new sends. */
  async close(): Promise<void> {
    await this.flush();
    this.#closed = true;
  }

  #schedule(): void {
    if (this.#scheduled || this.#running) return;
    this.#scheduled = true;
    // setImmediate, not a microtask: the frames read in this turn of the event loop all
    // join the batch before it is written.
    setImmediate(() => void this.#tick());
  }

  async #tick(): Promise<void> {
    this.#scheduled = false;
    this.#running = true;
    const batch = this.#queue.length <= maxBatch ? this.#queue : this.#queue.slice(0, maxBatch);
    this.#queue = this.#queue.length <= maxBatch ? [] : this.#queue.slice(maxBatch);
    try {
      await this.#commit(batch);
    } catch (error) {
      // #commit settles every send itself; reaching here is a bug, and must not stop the queue.
      this.ctx.log.error({ err: error }, 'group commit crashed');
    } finally {
      this.#running = false;
      if (this.#queue.length > 0) this.#schedule();
      else for (const resolve of this.#idle.splice(0)) resolve();
    }
  }

  async #commit(batch: SendRequest[]): Promise<void> {
    let bsids: Map<string, ConversationBsid>;
    try {
      await this.owners.load(batch.map((request) => request.conversationId));
      // Webhook events name the person by BSID; read them now, the transaction cannot.
      bsids = await this.owners.loadBsids(batch.flatMap((request) => (request.personId === null ? [] : [request.conversationId])));
    } catch (error) {
      this.ctx.log.error({ err: error }, 'reading conversation owners failed');
      for (const request of batch) settle(request, fail('ERR_UNAVAILABLE'));
      return;
    }
    const accepted: SendRequest[] = [];
    const personOf = new Map<string, string>();
    for (const request of batch) {
      const owner = this.owners.peek(request.conversationId);
      if (!owner || (request.personId !== null && owner.personId !== request.personId)) {
        settle(request, fail('ERR_NOT_FOUND'));
        continue;
      }
      accepted.push(request);
      personOf.set(request.conversationId, owner.personId);
    }
    if (accepted.length === 0) return;
    const sealer = await bodySealerFor(this.ctx, personOf).catch((error: unknown) => {
      this.ctx.log.error({ err: error }, 'loading the data keys of a batch failed');
      for (const request of accepted) settle(request, fail('ERR_UNAVAILABLE'));
    });
    if (!sealer) return;
    const sentAt = this.ctx.clock.now();
    const written = await this.#writeWithRetry(accepted, { sentAt, bsids, sealer });
    if (!written) return;
    await this.#openResent(written.outcomes, personOf);
    if (written.recorded) notifyWebhooks(this.ctx);
    this.#deliver(accepted, written, sentAt);
  }

  async #writeWithRetry(batch: SendRequest[], tick: Tick): Promise<Written | undefined> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await inTransaction(this.ctx.db, (trx) => this.#write(trx, batch, tick));
      } catch (error) {
        if (attempt < maxAttempts && isRetryableConflict(error)) continue;
        this.ctx.log.error({ err: error, size: batch.length }, 'group commit failed; no message of the batch was acked');
        for (const request of batch) settle(request, fail('ERR_UNAVAILABLE'));
        return undefined;
      }
    }
  }

  /** Inside the transaction: drop resends, reserve seqs per conversation, insert the rest and their webhook events. */
  async #write(trx: Db, batch: SendRequest[], tick: Tick): Promise<Written> {
    const { dialect } = this.ctx;
    const { sentAt, bsids } = tick;
    const pairs: string[] = [];
    for (const request of batch) if (request.clientId !== null) pairs.push(request.conversationId, request.clientId);
    const stored = new Map<string, StoredMessageRow>();
    if (pairs.length > 0) {
      for (const row of await findByClientIds(trx, dialect, pairs)) stored.set(`${row.conversation_id} ${row.client_id}`, row);
    }
    const { outcomes, counts } = planBatch(batch, stored);
    const flatCounts: (string | number)[] = [];
    const personWrote = new Set<string>();
    for (let i = 0; i < batch.length; i++) if (outcomes[i]!.kind === 'new' && batch[i]!.sender === 'person') personWrote.add(batch[i]!.conversationId);
    for (const [conversationId, count] of counts) flatCounts.push(conversationId, count, personWrote.has(conversationId) ? 1 : 0);
    const reserved: Map<string, ReservedSeqs> = flatCounts.length > 0 ? await reserveSeqs(trx, dialect, { counts: flatCounts, at: sentAt }) : new Map();
    const params = assignSeqs({ batch, outcomes, counts, reserved, sentAt, sealer: tick.sealer });
    if (params.length > 0) await insertMessages(trx, dialect, params);
    for (let i = 0; i < batch.length; i++) {
      const alongside = batch[i]!.alongside;
      if (alongside && outcomes[i]!.kind === 'new') await alongside(trx);
    }
    const byAgents = agentNamesOf(batch, outcomes);
    if (byAgents.length > 0) await setAgentNames(trx, byAgents);
    const events = personMessageEvents({ batch, outcomes, reserved, bsids, sentAt });
    const recorded = events.length > 0 ? await recordEvents(trx, this.ctx, events, { personKeys: tick.sealer }) : [];
    const inboxOwned = new Set<string>();
    if (this.stored.size > 0) for (const [conversationId, seqs] of reserved) if (seqs.threadOwner === 'inbox') inboxOwned.add(conversationId);
    return { outcomes, recorded: recorded.some((event) => event.eventId !== null), inboxOwned };
  }

  /** Resends answer with the stored message: open those bodies (rare; after the transaction, which must not wait on key reads). */
  async #openResent(outcomes: Outcome[], personOf: ReadonlyMap<string, string>): Promise<void> {
    const resent = outcomes.flatMap((outcome, i) => (outcome.kind === 'stored' ? [i] : []));
    if (resent.length === 0) return;
    try {
      const rows = resent.map((i) => (outcomes[i] as { row: StoredMessageRow }).row);
      const opened = await openBodies(this.ctx, rows.map((row) => Object.assign({}, row, { person_id: personOf.get(row.conversation_id) })));
      resent.forEach((i, n) => ((outcomes[i] as { row: StoredMessageRow }).row = opened[n]!));
    } catch (error) {
      this.ctx.log.error({ err: error }, 'opening resent messages failed');
      for (const i of resent) outcomes[i] = { kind: 'failed', code: 'ERR_UNAVAILABLE' };
    }
  }

  /** After the commit: ack every sender, publish every new message to both sides. */
  #deliver(batch: SendRequest[], written: Written, sentAt: number): void {
    const { outcomes, inboxOwned } = written;
    let persisted = 0;
    const messages: (Message | undefined)[] = new Array(batch.length);
    for (let i = 0; i < batch.length; i++) {
      const request = batch[i]!;
      const outcome = outcomes[i]!;
      if (outcome.kind === 'failed') {
        if (outcome.code === 'ERR_NOT_FOUND') this.owners.forget(request.conversationId);
        settle(request, fail(outcome.code));
        continue;
      }
      if (outcome.kind === 'stored') {
        settle(request, { ok: true, message: fromStored(request.conversationId, outcome.row), duplicate: true });
        continue;
      }
      if (outcome.kind === 'same') {
        const original = messages[outcome.index];
        settle(request, original ? { ok: true, message: original, duplicate: true } : fail('ERR_NOT_FOUND'));
        continue;
      }
      const message = toWire(request, outcome.seq, sentAt);
      messages[i] = message;
      persisted++;
      settle(request, { ok: true, message, duplicate: false });
      this.#publish(request, message, inboxOwned);
    }
    if (persisted === 0) return;
    this.ctx.metrics.messagesPersisted.inc(persisted);
    this.ctx.metrics.commitBatchSize.observe(persisted);
  }

  #publish(request: SendRequest, message: Message, inboxOwned: ReadonlySet<string>): void {
    const owner = this.owners.peek(request.conversationId);
    if (!owner) return;
    publishMessage(this.ctx.bus, { personId: owner.personId, businessId: owner.businessId, message, skipSocket: request.origin });
    if (inboxOwned.has(request.conversationId)) for (const listener of this.stored) listener(message, owner);
  }
}
