import type { PushPayload } from '@parley/protocol';
import { Counter } from 'prom-client';
import webPush from 'web-push';
import type { ServerContext } from '../context';
import { WakeLoop } from '../platform/wake.loop';
import { openText } from '../privacy';
import { nextAttemptAt, type AttemptOutcome, type WebhookSender } from '../webhooks';
import * as push from './push.repository';
import { payloadAad } from './push.service';
import type { Vapid } from './vapid.service';

export interface PushDispatcherOptions {
  readonly sender: WebhookSender;
  readonly vapid: Vapid;
  /** Whether the person has a socket open on this node: then the alert reached them live. */
  readonly isConnected: (personId: string) => boolean;
  readonly pollMs?: number;
  readonly maxInFlight?: number;
}

const leaseMs = 30_000;
const dayMs = 24 * 60 * 60 * 1000;

/**
 * Delivers owed notifications: claims due rows (leased, so nodes share the work), encrypts each
 * to its device (RFC 8291, aes128gcm) with a VAPID signature, and posts it to the push service
 * through the same SSRF-guarded undici sender as webhooks. 404/410 means the browser dropped the
 * subscription: the device is forgotten. 429/5xx/no answer retry with jitter until the alert expires.
 */
export class PushDispatcher {
  readonly #ctx: ServerContext;
  readonly #options: Required<PushDispatcherOptions>;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #outcomes: Counter<'outcome'>;
  readonly #loop: WakeLoop;

  constructor(ctx: ServerContext, options: PushDispatcherOptions) {
    this.#ctx = ctx;
    this.#options = { pollMs: 1_000, maxInFlight: 64, ...options };
    this.#loop = new WakeLoop(() => this.#claimAll(), this.#options.pollMs);
    this.#outcomes = new Counter({
      name: 'parley_push_attempts_total',
      help: 'Web Push attempts by outcome: sent, skipped (the person was online), retry, gone (subscription dropped) or dead.',
      labelNames: ['outcome'],
      registers: [ctx.metrics.registry],
    });
  }

  async start(): Promise<void> {
    if (this.#ctx.dialect === 'sqlite') await push.releaseAllLeases(this.#ctx.db);
    this.wake();
  }

  wake(): void {
    this.#loop.wake();
  }

  /** Deliver everything due now and wait for it; for tests that move the clock. */
  async flush(): Promise<void> {
    for (let round = 0; round < 100; round++) {
      await this.#loop.running;
      const claimed = await this.#claim();
      await Promise.all(this.#inFlight);
      if (claimed === 0 && this.#inFlight.size === 0) return;
    }
  }

  async close(): Promise<void> {
    await this.#loop.close();
    await Promise.all(this.#inFlight);
  }

  async #claimAll(): Promise<void> {
    try {
      while (!this.#loop.closed && (await this.#claim()) > 0 && this.#inFlight.size < this.#options.maxInFlight) {
        // Claim again while rows keep coming and there is room.
      }
      await push.deleteSettled(this.#ctx.db, this.#ctx.clock.now() - dayMs);
    } catch (error) {
      this.#ctx.log.error({ err: error }, 'push dispatcher could not claim notifications');
    }
  }

  async #claim(): Promise<number> {
    const room = this.#options.maxInFlight - this.#inFlight.size;
    if (this.#loop.closed || room <= 0) return 0;
    const now = this.#ctx.clock.now();
    const token = this.#ctx.random.token(12);
    const claimed = await push.claimDue(this.#ctx.db, this.#ctx.dialect, { now, limit: room, leaseUntil: now + leaseMs, token });
    for (const row of claimed) {
      const attempt = this.#attempt(row, token)
        .catch((error: unknown) => this.#ctx.log.error({ err: error, pushId: row.id }, 'push attempt failed to record'))
        .finally(() => this.#inFlight.delete(attempt));
      this.#inFlight.add(attempt);
    }
    return claimed.length;
  }

  async #attempt(row: push.ClaimedPush, token: string): Promise<void> {
    const { db, clock } = this.#ctx;
    const now = clock.now();
    const settle = (status: 'sent' | 'skipped' | 'dead' | 'pending', extra: { nextAttemptAt?: number; error?: string | null } = {}) =>
      push.settle(db, { id: row.id, token, at: clock.now(), status, ...extra });
    if (row.expires_at <= now) return this.#count('dead', settle('dead', { error: 'The alert expired before it could be delivered.' }));
    if (this.#options.isConnected(row.person_id)) return this.#count('skipped', settle('skipped'));
    const outcome = await this.#post(row, now);
    if (outcome.ok) {
      await push.markDelivered(db, row.subscription_id, clock.now());
      return this.#count('sent', settle('sent'));
    }
    if (outcome.statusCode === 404 || outcome.statusCode === 410) {
      this.#outcomes.inc({ outcome: 'gone' });
      return push.forgetSubscription(db, row.subscription_id);
    }
    const error = outcome.error ?? `The push service answered ${outcome.statusCode}.`;
    const retryable = outcome.statusCode === null || outcome.statusCode === 429 || outcome.statusCode >= 500;
    const next = retryable
      ? nextAttemptAt({ failedAt: clock.now(), step: row.attempts, giveUpAt: row.expires_at, ...(outcome.retryAfterMs === undefined ? {} : { retryAfterMs: outcome.retryAfterMs }) })
      : null;
    if (next === null) return this.#count('dead', settle('dead', { error }));
    return this.#count('retry', settle('pending', { nextAttemptAt: next, error }));
  }

  async #count(outcome: string, done: Promise<void>): Promise<void> {
    await done;
    this.#outcomes.inc({ outcome });
  }

  async #post(row: push.ClaimedPush, now: number): Promise<AttemptOutcome> {
    const payload = JSON.parse(await openText(this.#ctx, { aad: payloadAad(row.id, row.person_id) }, row.payload_sealed)) as PushPayload;
    const { vapid } = this.#options;
    const details = webPush.generateRequestDetails({ endpoint: row.endpoint, keys: { p256dh: row.p256dh, auth: row.auth } }, JSON.stringify(payload), {
      vapidDetails: { subject: vapid.subject, publicKey: vapid.publicKey, privateKey: vapid.privateKey },
      TTL: Math.max(0, Math.floor((row.expires_at - now) / 1000)),
      urgency: 'high',
      contentEncoding: 'aes128gcm',
    });
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(details.headers)) {
      if (name.toLowerCase() !== 'content-length') headers[name] = String(value);
    }
    return this.#options.sender.post(new URL(details.endpoint), details.body ?? Buffer.alloc(0), headers);
  }
}
