import { randomUUID } from 'node:crypto';
import { request } from 'undici';
import type { BankContext } from '../context';
import { dueConsentEvents, markConsentEventDelivered, markConsentEventFailed, nextConsentEventDue } from './event-outbox.repository';
import type { ConsentEventRow } from './consent.table';

/** Delivers the outbox of signed consent events to clients' eventsUrl, retrying with backoff. */
export interface EventDelivery {
  /** Look for due events now (after a revocation wrote one). */
  kick(): void;
  /** Stop trying; waits for a delivery under way. Undelivered events stay in the outbox for the next start. */
  stop(): Promise<void>;
}

export interface EventDeliveryOptions {
  /** First retry after this long; each next one waits twice as long, up to an hour. */
  readonly firstRetryMs?: number;
  readonly maxAttempts?: number;
}

const maxDelayMs = 60 * 60 * 1000;
// Even with nothing due, look again now and then: another process may have written a row.
const idlePollMs = 30_000;
const timeoutMs = 10_000;
/** This bank's x-fapi-financial-id (in the real ecosystem, the id Open Banking issues an ASPSP). */
export const financialId = 'sandbox-bank';

async function post(event: ConsentEventRow): Promise<string | null> {
  try {
    const response = await request(event.events_url, {
      method: 'POST',
      // The Event Notification API's headers: the ASPSP's id (required) and an interaction id.
      headers: { 'content-type': 'application/jwt', 'x-fapi-financial-id': financialId, 'x-fapi-interaction-id': randomUUID() },
      body: event.token,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    await response.body.dump();
    return response.statusCode >= 200 && response.statusCode < 300 ? null : `the receiver answered ${response.statusCode}`;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Start the dispatcher: it reads due rows (surviving a restart — the outbox is in the database),
 * POSTs each SET, marks it delivered on a 2xx, and otherwise schedules the next try with
 * exponential backoff until maxAttempts.
 */
export function startEventDelivery(ctx: BankContext, options: EventDeliveryOptions = {}): EventDelivery {
  const firstRetryMs = options.firstRetryMs ?? 1000;
  const maxAttempts = options.maxAttempts ?? 16;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;

  const schedule = async (): Promise<void> => {
    let wait = idlePollMs;
    try {
      const due = await nextConsentEventDue(ctx.db, maxAttempts);
      if (due !== null) wait = Math.min(Math.max(due - ctx.clock.now(), 0), idlePollMs);
    } catch (error) {
      ctx.log.error({ err: error }, 'could not read the consent event outbox');
    }
    if (!stopped) timer = setTimeout(kick, wait).unref();
  };

  const deliverDue = async (): Promise<void> => {
    for (;;) {
      const events = await dueConsentEvents(ctx.db, { now: ctx.clock.now(), maxAttempts, limit: 20 });
      if (events.length === 0 || stopped) return;
      for (const event of events) {
        if (stopped) return;
        const failure = await post(event);
        if (failure === null) {
          await markConsentEventDelivered(ctx.db, { id: event.id, at: ctx.clock.now() });
        } else {
          const delay = Math.min(firstRetryMs * 2 ** event.attempts, maxDelayMs);
          ctx.log.warn({ eventId: event.id, clientId: event.client_id, attempt: event.attempts + 1, failure }, 'consent event not delivered; will retry');
          await markConsentEventFailed(ctx.db, { id: event.id, nextAttemptAt: ctx.clock.now() + delay, error: failure });
        }
      }
    }
  };

  function kick(): void {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    clearTimeout(timer);
    running = (async () => {
      try {
        do {
          again = false;
          await deliverDue();
        } while (again && !stopped);
      } catch (error) {
        ctx.log.error({ err: error }, 'consent event delivery failed');
      }
      await schedule();
    })().finally(() => {
      running = null;
    });
  }

  kick();
  return {
    kick,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
