import type { BusinessContent, MessagingType, ParleyClient, SendApiResult } from '@parley/sdk';
import type { BankContext } from '../context';

/** One chat with the bank, as every event names it. */
export interface Chat {
  readonly bsid: string;
  readonly conversationId: string;
}

/**
 * What every part of the bot shares: the bank, the Parley client, and the work in flight (so
 * closing waits for it, and one chat's events are handled one at a time, in arrival order).
 */
export class BotRuntime {
  readonly #inFlight = new Set<Promise<unknown>>();
  readonly #chats = new Map<string, Promise<void>>();

  constructor(
    readonly ctx: BankContext,
    readonly parley: ParleyClient,
  ) {}

  /**
   * Send messages in order. Each gets the Idempotency-Key `${key}-${index}`, stable for the
   * event being answered, so a redelivered event or a retried send reaches the person once.
   * Resolves to where each message landed (its conversation and seq), in order.
   */
  async say(bsid: string, contents: readonly BusinessContent[], options: { key: string; messagingType?: MessagingType }): Promise<SendApiResult[]> {
    const sent: SendApiResult[] = [];
    for (const [index, content] of contents.entries()) {
      sent.push(await this.parley.sendMessage({ bsid, messagingType: options.messagingType ?? 'RESPONSE', content }, { idempotencyKey: `${options.key}-${index}` }));
    }
    return sent;
  }

  /** Run work in the background, logged if it fails, awaited by `idle()`. */
  track(what: string, work: () => Promise<unknown>): void {
    const running = work()
      .catch((error: unknown) => this.ctx.log.error({ err: error }, `bot: ${what} failed`))
      .finally(() => this.#inFlight.delete(running));
    this.#inFlight.add(running);
  }

  /** Run work for one chat after the work already queued for it. */
  inChat(bsid: string, what: string, work: () => Promise<void>): void {
    const previous = this.#chats.get(bsid) ?? Promise.resolve();
    const next = previous.then(work).catch((error: unknown) => this.ctx.log.error({ err: error }, `bot: ${what} failed`));
    this.#chats.set(bsid, next);
    this.track(what, async () => {
      await next;
      if (this.#chats.get(bsid) === next) this.#chats.delete(bsid);
    });
  }

  /** Resolves once nothing is in flight. */
  async idle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all([...this.#inFlight]);
  }
}
