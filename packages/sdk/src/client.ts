import { randomUUID } from 'node:crypto';
import type {
  AlertApiBody,
  AlertApiResult,
  BsidView,
  BusinessContent,
  BusinessMenu,
  CreatedWebhookEndpoint,
  CreateWebhookEndpointBody,
  MessagingType,
  NoticeApiBody,
  NoticeApiResult,
  RotatedWebhookSecret,
  SendApiResult,
  SetBusinessMenuBody,
  ThreadControl,
  WebhookDelivery,
  WebhookDeliveryList,
  WebhookDeliveryQuery,
  WebhookEndpointList,
  WebhookTestQueued,
} from '@parley/protocol';
import { createTransport, type ApiRequest, type FetchLike } from './client.http';

/**
 * How to reach Parley.
 *
 * @example
 * const options: ParleyClientOptions = { baseUrl: 'https://parley.example', apiKey: process.env.PARLEY_API_KEY! };
 */
export interface ParleyClientOptions {
  /** Where Parley runs, e.g. `https://parley.example` (no trailing path). */
  readonly baseUrl: string;
  /** The business's API key (`pk_…`), sent as a Bearer token. Its scopes decide which methods work. */
  readonly apiKey: string;
  /** A fetch to use instead of the built-in undici agent (tests, proxies, edge runtimes). */
  readonly fetch?: FetchLike;
  /** Retries after the first attempt, for network errors, 429 and 5xx where safe; default 3. */
  readonly maxRetries?: number;
  /** Per attempt, in ms; default 15000. */
  readonly timeoutMs?: number;
  /** The first backoff in ms, doubling per retry with full jitter; default 250. A 429's Retry-After wins. */
  readonly backoffMs?: number;
}

/**
 * A message to send with `sendMessage`.
 *
 * @example
 * const message: SendMessage = { bsid, messagingType: 'RESPONSE', content: { contentType: 'text', text: 'Your card is locked.' } };
 */
export interface SendMessage {
  /** The person, by the id your business knows them by (from a webhook event). */
  readonly bsid: string;
  readonly messagingType: MessagingType;
  readonly content: BusinessContent;
}

const path = {
  menu: '/v1/business/profile/menu',
  endpoints: '/v1/webhooks/endpoints',
  endpoint: (id: string) => `/v1/webhooks/endpoints/${encodeURIComponent(id)}`,
  thread: (id: string, move: string) => `/v1/conversations/${encodeURIComponent(id)}/${move}-thread-control`,
};

function query(params: WebhookDeliveryQuery): string {
  const entries = Object.entries(params).filter(([, value]) => value !== undefined).map(([name, value]): [string, string] => [name, String(value)]);
  return entries.length === 0 ? '' : `?${new URLSearchParams(entries).toString()}`;
}

/**
 * A typed client of Parley's Business API. Retries network errors, 429 (after its Retry-After)
 * and 5xx with exponential backoff and jitter — but only where repeating is harmless: reads,
 * PUT/DELETE, and `sendMessage`, `sendAlert` and `sendNotice`, whose Idempotency-Key is the same on every retry so a message
 * is stored once. Other POSTs are retried only on 429. Failures throw `ParleyApiError`
 * (Parley answered) or `ParleyConnectionError` (it did not).
 *
 * @example
 * import { ParleyClient } from '@parley/sdk';
 *
 * const parley = new ParleyClient({ baseUrl: 'https://parley.example', apiKey: process.env.PARLEY_API_KEY! });
 * const { seq } = await parley.sendMessage({ bsid, messagingType: 'RESPONSE', content: { contentType: 'text', text: 'Hello!' } });
 * await parley.close();
 */
export class ParleyClient {
  readonly #transport: ReturnType<typeof createTransport>;

  constructor(options: ParleyClientOptions) {
    this.#transport = createTransport({
      baseUrl: options.baseUrl,
      apiKey: options.apiKey,
      fetch: options.fetch,
      maxRetries: options.maxRetries ?? 3,
      timeoutMs: options.timeoutMs ?? 15_000,
      backoffMs: options.backoffMs ?? 250,
    });
  }

  #call<T>(request: ApiRequest): Promise<T> {
    return this.#transport.call<T>(request);
  }

  /**
   * Send a message to a person (`POST /v1/messages`, scope `messages:send`). Without an
   * `idempotencyKey` a UUID is made; every retry of this call reuses it, so the person gets the
   * message once. Pass your own key (e.g. your outbox row id) to stay safe across process restarts.
   *
   * @example
   * await parley.sendMessage(
   *   { bsid, messagingType: 'RESPONSE', content: { contentType: 'text', text: 'Your card is locked.' } },
   *   { idempotencyKey: `lock-${requestId}` },
   * );
   */
  sendMessage(message: SendMessage, options: { idempotencyKey?: string } = {}): Promise<SendApiResult> {
    const body = { recipient: { bsid: message.bsid }, messagingType: message.messagingType, content: message.content };
    const headers = { 'idempotency-key': options.idempotencyKey ?? randomUUID() };
    return this.#call({ method: 'POST', path: '/v1/messages', body, headers, retry: 'safe' });
  }

  /**
   * Alert a person (`POST /v1/alerts`, scope `alerts:send`): an interactive card in your
   * conversation with them, answered by the `alert.answered` webhook. Refused with
   * `ERR_ALERTS_NOT_ENABLED` (403) unless the person switched this kind of alert on for your
   * bank. Like `sendMessage`, every retry reuses one Idempotency-Key, so the person gets one card.
   *
   * @example
   * const { alertId } = await parley.sendAlert(
   *   {
   *     recipient: { bsid },
   *     kind: 'card_transaction_review',
   *     headline: 'Did you just spend €842.10 at Electronics Store in Lisbon?',
   *     facts: { amount: { amount: '842.10', currency: 'EUR' }, merchant: 'Electronics Store', place: 'Lisbon, PT' },
   *     actions: [
   *       { id: 'confirm', label: 'Yes, it was me', style: 'primary', requiresStepUp: false },
   *       { id: 'lock_card', label: 'No, lock my card', style: 'danger', requiresStepUp: true },
   *     ],
   *     expiresAt: Date.now() + 15 * 60_000,
   *   },
   *   { idempotencyKey: `fraud-${authorizationId}` },
   * );
   */
  sendAlert(alert: AlertApiBody, options: { idempotencyKey?: string } = {}): Promise<AlertApiResult> {
    const headers = { 'idempotency-key': options.idempotencyKey ?? randomUUID() };
    return this.#call({ method: 'POST', path: '/v1/alerts', body: alert, headers, retry: 'safe' });
  }

  /**
   * A notice to everyone who follows your bank (`POST /v1/notices`, scope `notices:send`):
   * "Online banking is down for maintenance on Sunday". You name no one and learn no one — the
   * answer carries no recipients and no count. At most 24 in any 24 hours by default
   * (`ERR_NOTICE_LIMIT`, 429). Every retry reuses one Idempotency-Key, so followers get it once.
   *
   * @example
   * await parley.sendNotice({ text: 'Online banking is down for maintenance on Sunday 02:00–04:00 UTC.' }, { idempotencyKey: 'maintenance-2026-11-29' });
   */
  sendNotice(notice: NoticeApiBody, options: { idempotencyKey?: string } = {}): Promise<NoticeApiResult> {
    const headers = { 'idempotency-key': options.idempotencyKey ?? randomUUID() };
    return this.#call({ method: 'POST', path: '/v1/notices', body: notice, headers, retry: 'safe' });
  }

  /**
   * What your business may know about a person: their BSID and the conversation they started (or null).
   *
   * @example
   * const { conversationId } = await parley.describeBsid(event.data.bsid);
   */
  describeBsid(bsid: string): Promise<BsidView> {
    return this.#call({ method: 'GET', path: `/v1/bsids/${encodeURIComponent(bsid)}`, retry: 'safe' });
  }

  /**
   * The bot passes the conversation to your human inbox; `metadata` goes with the `handover.passed` event.
   *
   * @example
   * await parley.passThreadControl(event.data.conversationId, 'Card dispute');
   */
  passThreadControl(conversationId: string, metadata?: string): Promise<ThreadControl> {
    return this.#call({ method: 'POST', path: path.thread(conversationId, 'pass'), body: { to: 'inbox', metadata }, retry: 'throttled' });
  }

  /**
   * The human inbox takes the conversation from the bot.
   *
   * @example
   * await parley.takeThreadControl(conversationId);
   */
  takeThreadControl(conversationId: string, metadata?: string): Promise<ThreadControl> {
    return this.#call({ method: 'POST', path: path.thread(conversationId, 'take'), body: { metadata }, retry: 'throttled' });
  }

  /**
   * The human inbox gives the conversation back to the bot.
   *
   * @example
   * await parley.returnThreadControl(conversationId, 'Resolved');
   */
  returnThreadControl(conversationId: string, metadata?: string): Promise<ThreadControl> {
    return this.#call({ method: 'POST', path: path.thread(conversationId, 'return'), body: { metadata }, retry: 'throttled' });
  }

  /**
   * The get-started button and persistent menu people see.
   *
   * @example
   * const { persistentMenu } = await parley.getMenu();
   */
  getMenu(): Promise<BusinessMenu> {
    return this.#call({ method: 'GET', path: path.menu, retry: 'safe' });
  }

  /**
   * Set the get-started button and/or persistent menu; parts left out are kept.
   *
   * @example
   * await parley.setMenu({ getStarted: { title: 'Get started', payload: 'GET_STARTED' }, persistentMenu: [{ type: 'postback', title: 'My balance', payload: 'BALANCE' }] });
   */
  setMenu(menu: SetBusinessMenuBody): Promise<BusinessMenu> {
    return this.#call({ method: 'PUT', path: path.menu, body: menu, retry: 'safe' });
  }

  /**
   * Remove the get-started button and persistent menu.
   *
   * @example
   * await parley.deleteMenu();
   */
  async deleteMenu(): Promise<void> {
    await this.#call({ method: 'DELETE', path: path.menu, retry: 'safe' });
  }

  /**
   * Register a webhook endpoint (scope `webhooks:manage`). The answer's `secret` is shown this once: store it.
   *
   * @example
   * const { id, secret } = await parley.createWebhookEndpoint({ url: 'https://bot.bank.example/parley', eventTypes: ['message.created', 'postback'] });
   */
  createWebhookEndpoint(endpoint: CreateWebhookEndpointBody): Promise<CreatedWebhookEndpoint> {
    return this.#call({ method: 'POST', path: path.endpoints, body: endpoint, retry: 'throttled' });
  }

  /**
   * The business's webhook endpoints, without secrets.
   *
   * @example
   * const { endpoints } = await parley.listWebhookEndpoints();
   */
  listWebhookEndpoints(): Promise<WebhookEndpointList> {
    return this.#call({ method: 'GET', path: path.endpoints, retry: 'safe' });
  }

  /**
   * Delete a webhook endpoint; its pending deliveries end as dead.
   *
   * @example
   * await parley.deleteWebhookEndpoint(endpointId);
   */
  async deleteWebhookEndpoint(endpointId: string): Promise<void> {
    await this.#call({ method: 'DELETE', path: path.endpoint(endpointId), retry: 'safe' });
  }

  /**
   * Make a new signing secret; for 24 h webhooks carry signatures for the old and the new one.
   *
   * @example
   * const { secret } = await parley.rotateWebhookSecret(endpointId);
   * const secrets = [oldSecret, secret]; // verify with both until previousSecretExpiresAt
   */
  rotateWebhookSecret(endpointId: string): Promise<RotatedWebhookSecret> {
    return this.#call({ method: 'POST', path: `${path.endpoint(endpointId)}/rotate-secret`, retry: 'throttled' });
  }

  /**
   * Queue a `webhook.test` event to one endpoint.
   *
   * @example
   * const { deliveryId } = await parley.sendTestWebhook(endpointId);
   */
  sendTestWebhook(endpointId: string): Promise<WebhookTestQueued> {
    return this.#call({ method: 'POST', path: `${path.endpoint(endpointId)}/test`, retry: 'throttled' });
  }

  /**
   * Webhook deliveries, newest first, with what the last attempt got.
   *
   * @example
   * const { deliveries } = await parley.listDeliveries({ status: 'dead', limit: 20 });
   */
  listDeliveries(filter: WebhookDeliveryQuery = {}): Promise<WebhookDeliveryList> {
    return this.#call({ method: 'GET', path: `/v1/webhooks/deliveries${query(filter)}`, retry: 'safe' });
  }

  /**
   * Send a delivery again now (dead ones too), with the same body and webhook-id.
   *
   * @example
   * for (const d of (await parley.listDeliveries({ status: 'dead' })).deliveries) await parley.replayDelivery(d.id);
   */
  replayDelivery(deliveryId: string): Promise<WebhookDelivery> {
    return this.#call({ method: 'POST', path: `/v1/webhooks/deliveries/${encodeURIComponent(deliveryId)}/replay`, retry: 'throttled' });
  }

  /**
   * Close the connections the client keeps open (not needed with an injected `fetch`).
   *
   * @example
   * process.on('SIGTERM', () => void parley.close());
   */
  close(): Promise<void> {
    return this.#transport.close();
  }
}
