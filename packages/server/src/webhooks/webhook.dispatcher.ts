import type { ServerContext } from '../context';
import { Counter } from 'prom-client';
import { createBatcher } from '../platform/batcher';
import { WakeLoop } from '../platform/wake.loop';
import { claimDue, pruneEvents, recordAttempts, releaseAllLeases, type AttemptResult, type ClaimedDelivery } from './delivery.repository';
import { openPayloads } from './payload.box';

/** A claimed delivery with its payload opened; null when it was erased (its key destroyed). */
type OpenedDelivery = Omit<ClaimedDelivery, 'payload'> & { payload: string | null };
import { outboxTopic } from './outbox.service';
import { eventRetentionMs, nextAttemptAt } from './retry.schedule';
import type { SecretBox } from './secret.box';
import type { AttemptOutcome, WebhookSender } from './webhook.sender';
import { signatureHeader } from './webhook.signer';
import { hubSignature, toMessengerBody } from './messenger.payload';

export interface DispatcherOptions {
  readonly secrets: SecretBox;
  readonly sender: WebhookSender;
  /** How often to look for due deliveries when nobody wakes us. */
  readonly pollMs?: number;
  /** Posts in flight at once, across all endpoints. */
  readonly maxInFlight?: number;
}

/**
 * Delivers the outbox: claims due deliveries (leased, so several nodes share the work), posts
 * each with Standard Webhooks headers, and records the outcome — delivered on a 2xx, otherwise
 * the next attempt by the retry schedule, or dead once the retry window has closed.
 */
export class WebhookDispatcher {
  readonly #ctx: ServerContext;
  readonly #options: Required<DispatcherOptions>;
  readonly #token = (): string => this.#ctx.random.token(12);
  readonly #inFlight = new Set<Promise<void>>();
  readonly #loop: WakeLoop;
  #unsubscribe: (() => void) | undefined;
  #prunedAt = Number.NEGATIVE_INFINITY;
  readonly #attempts: Counter<'outcome'>;
  /** Outcomes that finish together are recorded together (see recordAttempts). */
  /**
   * Opened signing secrets, by endpoint and sealed value, for a minute: opening one is an
   * AES-GCM per delivery otherwise. A rotated secret is a new sealed value, so it misses.
   */
  readonly #opened = new Map<string, { secret: string; until: number }>();
  readonly #records = createBatcher((results: AttemptResult[]) => recordAttempts(this.#ctx.db, this.#ctx.dialect, results));

  constructor(ctx: ServerContext, options: DispatcherOptions) {
    this.#ctx = ctx;
    this.#options = { pollMs: 1_000, maxInFlight: 64, ...options };
    this.#loop = new WakeLoop(() => this.#tick(), this.#options.pollMs);
    this.#attempts = new Counter({
      name: 'parley_webhook_attempts_total',
      help: 'Webhook delivery attempts by outcome: delivered, retry (failed, will retry) or dead (failed, gave up).',
      labelNames: ['outcome'],
      registers: [ctx.metrics.registry],
    });
  }

  /** A claim holds a row for the longest an attempt can take, and some. */
  get #leaseMs(): number {
    return (this.#ctx.config.webhookTimeoutMs ?? 15_000) + 5_000;
  }

  async start(): Promise<void> {
    if (this.#ctx.dialect === 'sqlite') await releaseAllLeases(this.#ctx.db);
    this.#unsubscribe = this.#ctx.bus.subscribe(outboxTopic, () => this.wake());
    this.wake();
  }

  /** Look for due deliveries now. */
  wake(): void {
    this.#loop.wake();
  }

  /**
   * Claim and post everything due now, and wait for every post in flight, until nothing is due.
   * Tests call it after moving the clock; the poll loop keeps running alongside.
   */
  async flush(): Promise<void> {
    await this.#pruneHourly();
    for (let round = 0; round < 1_000; round++) {
      await this.#loop.running;
      const claimed = await this.#claimAndPost();
      await Promise.all(this.#inFlight);
      if (claimed === 0 && this.#inFlight.size === 0 && !this.#loop.running) return;
    }
  }

  /** Stop claiming; wait for the posts in flight and record their outcome. */
  async close(): Promise<void> {
    this.#unsubscribe?.();
    await this.#loop.close();
    await Promise.all(this.#inFlight);
  }

  /** Old events go once an hour (by the injected clock), between claims. */
  async #pruneHourly(): Promise<void> {
    const now = this.#ctx.clock.now();
    if (now - this.#prunedAt < 60 * 60 * 1000) return;
    this.#prunedAt = now;
    const pruned = await pruneEvents(this.#ctx.db, now - eventRetentionMs);
    if (pruned > 0) this.#ctx.log.info({ pruned }, 'old webhook events forgotten');
  }

  async #tick(): Promise<void> {
    try {
      await this.#pruneHourly();
      while (!this.#loop.closed && (await this.#claimAndPost()) > 0 && this.#inFlight.size < this.#options.maxInFlight) {
        // Keep claiming while there is room and work.
      }
    } catch (error) {
      this.#ctx.log.error({ err: error }, 'webhook dispatcher could not claim deliveries');
    }
  }

  /** One claim of as many due deliveries as there is room for; each is posted in the background. */
  async #claimAndPost(): Promise<number> {
    const room = this.#options.maxInFlight - this.#inFlight.size;
    if (this.#loop.closed || room <= 0) return 0;
    const now = this.#ctx.clock.now();
    const token = this.#token();
    const claimed = await openPayloads(this.#ctx, await claimDue(this.#ctx.db, this.#ctx.dialect, { now, limit: room, leaseUntil: now + this.#leaseMs, token }));
    for (const delivery of claimed) {
      const attempt = this.#attempt(delivery)
        .catch((error: unknown) => this.#ctx.log.error({ err: error, deliveryId: delivery.id }, 'webhook attempt failed to record'))
        .finally(() => {
          this.#inFlight.delete(attempt);
          // A full claim may have left work behind.
          // A full claim may have left rows behind: claim again once half the room is free, not
          // after every post (a claim is a write transaction of its own).
          if (claimed.length === room && this.#inFlight.size <= this.#options.maxInFlight / 2) this.wake();
        });
      this.#inFlight.add(attempt);
    }
    return claimed.length;
  }

  async #attempt(opened: OpenedDelivery): Promise<void> {
    if (opened.payload === null) {
      // Its person deleted their account (their key is destroyed), or the stored payload was altered or moved: not sent, now or ever.
      const at = this.#ctx.clock.now();
      await this.#records.add({ id: opened.id, token: opened.lease_token, at, statusCode: null, error: 'The event was erased with its person\'s account, or its stored payload does not open; not sent.', response: null, next: 'dead', step: opened.retry_step });
      this.#attempts.labels('dead').inc();
      return;
    }
    const delivery = Object.assign({}, opened, { payload: opened.payload });
    const startedAt = this.#ctx.clock.now();
    const outcome = await this.#post(delivery, startedAt);
    const at = this.#ctx.clock.now();
    const record = { id: delivery.id, token: delivery.lease_token, at, statusCode: outcome.statusCode, error: outcome.error, response: outcome.response };
    if (outcome.ok) {
      await this.#records.add(Object.assign(record, { next: 'delivered' as const, step: delivery.retry_step }));
      this.#attempts.labels('delivered').inc();
      return;
    }
    const next = nextAttemptAt({ failedAt: at, step: delivery.retry_step, giveUpAt: delivery.give_up_at, retryAfterMs: outcome.retryAfterMs });
    await this.#records.add(Object.assign(record, { next: next ?? ('dead' as const), step: delivery.retry_step + 1 }));
    this.#attempts.labels(next === null ? 'dead' : 'retry').inc();
  }

  async #post(delivery: ClaimedDelivery, now: number): Promise<AttemptOutcome> {
    const refuse = (error: string): AttemptOutcome => ({ ok: false, statusCode: null, error, response: null });
    let url: URL;
    try {
      url = new URL(delivery.url);
    } catch {
      return refuse('The endpoint URL is not valid.');
    }
    const allowPrivate = this.#ctx.config.webhookAllowPrivate === true;
    if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:')) return refuse('Refused: the endpoint URL is not https.');
    if (url.username || url.password) return refuse('Refused: the endpoint URL carries a user name or password.');
    let secrets: string[];
    try {
      secrets = this.#liveSecrets(delivery, now);
    } catch (error) {
      this.#ctx.log.error({ err: error, endpointId: delivery.endpoint_id }, 'webhook signing secret does not open (wrong master key?)');
      return refuse('Parley could not sign this webhook; the operator has been told.');
    }
    const timestamp = Math.floor(now / 1000);
    if (delivery.mode === 'messenger') return this.#postMessenger(url, delivery, secrets[0] as string);
    return this.#options.sender.post(url, delivery.payload, {
      'content-type': 'application/json',
      'user-agent': 'Parley-Webhooks/1',
      'webhook-id': delivery.event_id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signatureHeader(secrets, { id: delivery.event_id, timestamp, body: delivery.payload }),
    });
  }

  /** Messenger-shaped, signed as Messenger signs (one secret: X-Hub-Signature-256 carries one). */
  async #postMessenger(url: URL, delivery: ClaimedDelivery, secret: string): Promise<AttemptOutcome> {
    const body = toMessengerBody(delivery.payload, delivery.business_id);
    // Only subscribable types are recorded for such endpoints; anything else has nothing to send.
    if (body === null) return { ok: true, statusCode: null, error: 'No Messenger shape for this event; not sent.', response: null };
    return this.#options.sender.post(url, body, {
      'content-type': 'application/json',
      'user-agent': 'Parley-Webhooks/1',
      'x-hub-signature-256': hubSignature(secret, body),
    });
  }

  #liveSecrets(delivery: ClaimedDelivery, now: number): string[] {
    const current = this.#openSecret(delivery.endpoint_id, delivery.secret_box, now);
    const previousLive = delivery.previous_secret_box && (delivery.previous_secret_expires_at ?? 0) > now;
    return previousLive ? [current, this.#openSecret(delivery.endpoint_id, delivery.previous_secret_box as string, now)] : [current];
  }

  #openSecret(endpointId: string, sealed: string, now: number): string {
    const key = `${endpointId}\0${sealed}`;
    const known = this.#opened.get(key);
    if (known && known.until > now) return known.secret;
    const secret = this.#options.secrets.open(endpointId, sealed);
    if (this.#opened.size >= 1_000) this.#opened.clear();
    this.#opened.set(key, { secret, until: now + 60_000 });
    return secret;
  }
}
