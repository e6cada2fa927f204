import type { Message, MessageContent, SenderKind } from '@parley/protocol';
import type { ServerContext } from '../context';
import type { Db } from '../database';
import { AppError } from '../platform/errors';
import { notifyWebhooks, recordEvents } from '../webhooks';
import type { ConversationBsid, ConversationOwner, ConversationOwners } from './conversation.owners';
import { publishMessage } from './delivery.hub';
import { bodySealerFor, openBodies, type BodySealer } from './message.body';
import { findByClientIds, inTransaction, insertMessages, reserveSeqs, setAgentNames, type ReservedSeqs, type StoredMessageRow } from './message.repository';
import { personMessageEvents } from './message.events';

export type SendResult =
  | { readonly ok: true; readonly message: Message; readonly duplicate: boolean }
  | { readonly ok: false; readonly error: AppError };

/** One message to store. Person sends carry `personId` and must be in that person's conversation. */
export interface SendRequest {
  readonly conversationId: string;
  /** The sending person, who must own the conversation; null for business and system messages. */
  readonly personId: string | null;
  readonly sender: SenderKind;
  readonly content: MessageContent;
  readonly clientId: string | null;
  /** A postback's step-up proof (a JWS), for the `postback` webhook only: it is not stored with the message. */
  readonly stepUp?: string;
  /** The socket the send came from: it gets the ack, the person's other sockets the message. */
  readonly origin?: string;
  /** A business message written by a human agent (agent console): the name the person sees. */
  readonly agent?: { readonly displayName: string };
  /** Called once, after the transaction committed (or failed). */
  readonly done: (result: SendResult) => void;
}

/** Largest number of messages in one transaction; the rest wait for the next tick. */
const maxBatch = 10_000;
/** PostgreSQL deadlock and serialization failures are retried; they leave nothing behind. */
const retryableCodes = new Set(['40P01', '40001']);
const maxAttempts = 3;

type Outcome =
  | { kind: 'new'; seq: number }
  | { kind: 'stored'; row: StoredMessageRow }
  | { kind: 'same'; index: number }
  | { kind: 'failed'; code: 'ERR_NOT_FOUND' | 'ERR_CONFLICT' | 'ERR_UNAVAILABLE' };

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

function keyOf(request: SendRequest): string {
  return `${request.conversationId} ${request.clientId}`;
}

function isRetryable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && retryableCodes.has(code);
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
    return new Promise((resolve) => this.enqueue({ ...request, done: resolve }));
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
        if (attempt < maxAttempts && isRetryable(error)) continue;
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
      const opened = await openBodies(this.ctx, rows.map((row) => ({ ...row, person_id: personOf.get(row.conversation_id) })));
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
    publishMessage(this.ctx.bus, { ...owner, message, skipSocket: request.origin });
    if (inboxOwned.has(request.conversationId)) for (const listener of this.stored) listener(message, owner);
  }
}

function settle(request: SendRequest, result: SendResult): void {
  try {
    request.done(result);
  } catch {
    // A sender that went away (closed socket, aborted request) must not stop the others' acks.
  }
}

function toWire(request: SendRequest, seq: number, sentAt: number): Message {
  const message: Message = { conversationId: request.conversationId, seq, clientId: request.clientId, sender: request.sender, content: request.content, sentAt };
  if (request.agent) message.agent = { displayName: request.agent.displayName };
  return message;
}

/** The new messages of a batch that human agents wrote (rare: the hot path of people's sends skips it). */
function agentNamesOf(batch: SendRequest[], outcomes: Outcome[]): { conversationId: string; seq: number; name: string }[] {
  const named: { conversationId: string; seq: number; name: string }[] = [];
  for (let i = 0; i < batch.length; i++) {
    const request = batch[i]!;
    const outcome = outcomes[i]!;
    if (request.agent && outcome.kind === 'new') named.push({ conversationId: request.conversationId, seq: outcome.seq, name: request.agent.displayName });
  }
  return named;
}

function fromStored(conversationId: string, row: StoredMessageRow): Message {
  return {
    conversationId,
    seq: Number(row.seq),
    clientId: row.client_id,
    sender: row.sender,
    content: JSON.parse(row.body) as MessageContent,
    sentAt: Number(row.created_at),
  };
}

/** Which sends are resends (of a stored message or of one earlier in the batch) and how many new per conversation. */
function planBatch(batch: SendRequest[], stored: Map<string, StoredMessageRow>): { outcomes: Outcome[]; counts: Map<string, number> } {
  const outcomes: Outcome[] = new Array(batch.length);
  const counts = new Map<string, number>();
  const firstInBatch = new Map<string, number>();
  for (let i = 0; i < batch.length; i++) {
    const request = batch[i]!;
    if (request.clientId !== null) {
      const key = keyOf(request);
      const row = stored.get(key);
      if (row) {
        // A clientId names one message: reusing it for another sender is refused, not merged.
        outcomes[i] = row.sender === request.sender ? { kind: 'stored', row } : { kind: 'failed', code: 'ERR_CONFLICT' };
        continue;
      }
      const first = firstInBatch.get(key);
      if (first !== undefined) {
        outcomes[i] = batch[first]!.sender === request.sender ? { kind: 'same', index: first } : { kind: 'failed', code: 'ERR_CONFLICT' };
        continue;
      }
      firstInBatch.set(key, i);
    }
    counts.set(request.conversationId, (counts.get(request.conversationId) ?? 0) + 1);
    outcomes[i] = { kind: 'new', seq: 0 };
  }
  return { outcomes, counts };
}

/** Give each new message the next seq of its conversation, in queue order; returns the insert parameters. */
function assignSeqs(options: {
  batch: SendRequest[];
  outcomes: Outcome[];
  counts: Map<string, number>;
  reserved: Map<string, ReservedSeqs>;
  sentAt: number;
  sealer: BodySealer;
}): unknown[] {
  const { batch, outcomes, counts, reserved, sentAt, sealer } = options;
  const next = new Map<string, number>();
  for (const [conversationId, { last }] of reserved) next.set(conversationId, last - counts.get(conversationId)! + 1);
  const params: unknown[] = [];
  for (let i = 0; i < batch.length; i++) {
    const outcome = outcomes[i]!;
    if (outcome.kind !== 'new') continue;
    const request = batch[i]!;
    const seq = next.get(request.conversationId);
    if (seq === undefined) {
      // The conversation was deleted after its owner was cached.
      outcomes[i] = { kind: 'failed', code: 'ERR_NOT_FOUND' };
      continue;
    }
    next.set(request.conversationId, seq + 1);
    outcome.seq = seq;
    const body = sealer.seal({ conversationId: request.conversationId, seq }, request.content);
    params.push(request.conversationId, seq, request.clientId, request.sender, request.content.contentType, body, sentAt);
  }
  return params;
}
