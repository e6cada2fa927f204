import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Bsid } from './business';
import { AlertActionId, AlertKind, MessageContent } from './content';
import { SenderKind } from './messaging';
import { Id, Seq, Timestamp } from './schema';

/**
 * Every webhook event type Parley sends. A business subscribes an endpoint to some of them;
 * `webhook.test` goes only to the endpoint it was asked for.
 */
export const webhookEventTypes = [
  'message.created',
  'message.read',
  'postback',
  'conversation.started',
  'handover.passed',
  'handover.taken',
  'handover.returned',
  'standby',
  'webhook.test',
  'link.completed',
  'alert.answered',
] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];
export const WebhookEventType = Type.Union(webhookEventTypes.map((type) => Type.Literal(type)));

const strict = { additionalProperties: false } as const;

/** A message as a webhook carries it: no global person id, ever. */
export const WebhookMessage = Type.Object({ seq: Seq, sender: SenderKind, content: MessageContent, sentAt: Timestamp }, strict);
export type WebhookMessage = Static<typeof WebhookMessage>;

const ConversationRef = { bsid: Bsid, conversationId: Id };
/** Who answers a conversation: the bank's bot (the default) or its human inbox, after a handover. */
export const ThreadOwner = Type.Union([Type.Literal('bot'), Type.Literal('inbox')]);
export type ThreadOwner = Static<typeof ThreadOwner>;

/**
 * The `data` of each event type. Closed objects: Parley checks every event against them before
 * it is written, so nothing else (a global person id above all) can ride along.
 */
export const webhookEventData = {
  'message.created': Type.Object({ ...ConversationRef, message: WebhookMessage }, strict),
  'message.read': Type.Object({ ...ConversationRef, seq: Seq }, strict),
  /**
   * `stepUp`: present when the person confirmed the tap with their passkey (always, for a button
   * with `requiresStepUp`) — a step-up proof to check with `verifyStepUp` (docs/step-up.md).
   */
  postback: Type.Object({ ...ConversationRef, seq: Seq, title: Type.String(), payload: Type.String(), stepUp: Type.Optional(Type.String()) }, strict),
  'conversation.started': Type.Object(ConversationRef, strict),
  'handover.passed': Type.Object({ ...ConversationRef, owner: ThreadOwner, metadata: Type.Optional(Type.String()) }, strict),
  'handover.taken': Type.Object({ ...ConversationRef, owner: ThreadOwner, metadata: Type.Optional(Type.String()) }, strict),
  'handover.returned': Type.Object({ ...ConversationRef, owner: ThreadOwner, metadata: Type.Optional(Type.String()) }, strict),
  standby: Type.Object({ ...ConversationRef, message: WebhookMessage }, strict),
  'webhook.test': Type.Object({ endpointId: Id }, strict),
  /**
   * The person linked their account at this bank to Parley: `consentId` is the bank's own
   * Open Banking ConsentId, `bsid` the person as this bank knows them on Parley.
   */
  'link.completed': Type.Object(
    {
      bsid: Bsid,
      consentId: Type.String({ minLength: 1, maxLength: 128 }),
      permissions: Type.Array(Type.Union([Type.Literal('balances'), Type.Literal('transactions'), Type.Literal('account_details')])),
      expiresAt: Timestamp,
    },
    strict,
  ),
  /**
   * The person answered an alert. `stepUp` is present when the action `requiresStepUp`: a compact
   * JWS signed by Parley (verify it with the SDK's `verifyStepUp()` or Parley's JWKS) over the
   * BSID, alert id, action id, time and user-verification flag. See docs/alerts.md.
   */
  'alert.answered': Type.Object(
    {
      bsid: Bsid,
      conversationId: Id,
      alertId: Id,
      kind: AlertKind,
      actionId: AlertActionId,
      answeredAt: Timestamp,
      stepUp: Type.Optional(Type.String({ minLength: 1, maxLength: 8192 })),
    },
    strict,
  ),
} as const satisfies Record<WebhookEventType, TSchema>;
export type WebhookEventData<T extends WebhookEventType> = Static<(typeof webhookEventData)[T]>;

function envelope<T extends WebhookEventType>(type: T) {
  return Type.Object({
    type: Type.Literal(type),
    /** When the event happened (ISO 8601), not when this attempt was sent. */
    timestamp: Type.String({ format: 'date-time', examples: ['2026-11-03T20:26:10.344Z'] }),
    data: webhookEventData[type],
  });
}

/**
 * The body of every webhook, as the Standard Webhooks spec recommends: `{type, timestamp, data}`,
 * discriminated on `type`.
 *
 * @example
 * if (event.type === 'message.created') reply(event.data.bsid, event.data.message.content);
 */
export const WebhookEvent = Type.Union([
  envelope('message.created'),
  envelope('message.read'),
  envelope('postback'),
  envelope('conversation.started'),
  envelope('handover.passed'),
  envelope('handover.taken'),
  envelope('handover.returned'),
  envelope('standby'),
  envelope('webhook.test'),
  envelope('link.completed'),
  envelope('alert.answered'),
]);
export type WebhookEvent = Static<typeof WebhookEvent>;
/** The event of one type, e.g. `WebhookEventOf<'postback'>`. */
export type WebhookEventOf<T extends WebhookEventType> = Extract<WebhookEvent, { type: T }>;

/** Header names of a Standard Webhooks request. */
export const webhookHeaders = { id: 'webhook-id', timestamp: 'webhook-timestamp', signature: 'webhook-signature' } as const;

// --- Business API: endpoints and deliveries ---

/** A `whsec_`-prefixed, base64-encoded 32-byte signing secret. */
export const WebhookSecret = Type.String({ pattern: '^whsec_[A-Za-z0-9+/]{43}=$', examples: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw7Yk3Q5YlAH0='] });
/** Events and delivery attempts are named `msg_…` and `dlv_…`: sortable by time. */
export const WebhookEventId = Type.String({ pattern: '^msg_[0-9A-Za-z_-]{10,40}$', examples: ['msg_01JD3Y5C9Q8WZK2QX7RVTB0M4S'] });
export const WebhookDeliveryId = Type.String({ pattern: '^dlv_[0-9A-Za-z_-]{10,40}$', examples: ['dlv_01JD3Y5C9Q8WZK2QX7RVTB0M4S'] });

const EndpointUrl = Type.String({ minLength: 8, maxLength: 2048, examples: ['https://bot.sandbox-bank.example/parley/webhooks'] });
const SubscribedTypes = Type.Array(WebhookEventType, { minItems: 1, maxItems: webhookEventTypes.length, uniqueItems: true });

/**
 * Which side of a handover an endpoint serves (default `bot`): it receives `message.created` while
 * its side owns the thread, and `standby` while the other side does. See docs/handover.md.
 */
const EndpointRole = ThreadOwner;
/**
 * How deliveries look (default `standard`): Standard Webhooks, or `messenger` — Messenger-shaped
 * bodies signed with `X-Hub-Signature-256`, for bots moved over from Messenger (docs/messenger.md).
 */
export const WebhookEndpointMode = Type.Union([Type.Literal('standard'), Type.Literal('messenger')]);
export type WebhookEndpointMode = Static<typeof WebhookEndpointMode>;
export const CreateWebhookEndpointBody = Type.Object(
  {
    url: EndpointUrl,
    eventTypes: SubscribedTypes,
    role: Type.Optional(EndpointRole),
    mode: Type.Optional(WebhookEndpointMode),
    /** Messenger mode only: sent as `hub.verify_token` in the verification handshake. */
    verifyToken: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  },
  { additionalProperties: false },
);
export type CreateWebhookEndpointBody = Static<typeof CreateWebhookEndpointBody>;

/** An endpoint as listings show it: never its secret. */
export const WebhookEndpoint = Type.Object({
  id: Id,
  url: Type.String(),
  eventTypes: Type.Array(WebhookEventType),
  role: EndpointRole,
  /** Present (`messenger`) only on Messenger-mode endpoints; absent means `standard`. */
  mode: Type.Optional(WebhookEndpointMode),
  createdAt: Timestamp,
  /** Until then the previous secret still signs too (after a rotation); null when there is none. */
  previousSecretExpiresAt: Type.Union([Timestamp, Type.Null()]),
});
export type WebhookEndpoint = Static<typeof WebhookEndpoint>;
export const WebhookEndpointList = Type.Object({ endpoints: Type.Array(WebhookEndpoint) });
export type WebhookEndpointList = Static<typeof WebhookEndpointList>;

/** A new endpoint with its signing secret, shown this once. */
export const CreatedWebhookEndpoint = Type.Object({
  id: Id,
  url: Type.String(),
  eventTypes: Type.Array(WebhookEventType),
  role: EndpointRole,
  /** Present (`messenger`) only on Messenger-mode endpoints; absent means `standard`. */
  mode: Type.Optional(WebhookEndpointMode),
  secret: WebhookSecret,
  createdAt: Timestamp,
});
export type CreatedWebhookEndpoint = Static<typeof CreatedWebhookEndpoint>;

/** After a rotation: the new secret (shown once); the old one keeps signing until `previousSecretExpiresAt`. */
export const RotatedWebhookSecret = Type.Object({ secret: WebhookSecret, previousSecretExpiresAt: Timestamp });
export type RotatedWebhookSecret = Static<typeof RotatedWebhookSecret>;

export const WebhookEndpointParams = Type.Object({ endpointId: Id });
export const WebhookDeliveryParams = Type.Object({ deliveryId: WebhookDeliveryId });

/** `webhook.test` was recorded for the endpoint and will be delivered like any event. */
export const WebhookTestQueued = Type.Object({ eventId: WebhookEventId, deliveryId: WebhookDeliveryId });
export type WebhookTestQueued = Static<typeof WebhookTestQueued>;

export const WebhookDeliveryStatus = Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('dead')]);
export type WebhookDeliveryStatus = Static<typeof WebhookDeliveryStatus>;

/** One event on its way to one endpoint, with what the last attempt got. */
export const WebhookDelivery = Type.Object({
  id: WebhookDeliveryId,
  eventId: WebhookEventId,
  eventType: WebhookEventType,
  endpointId: Id,
  status: WebhookDeliveryStatus,
  attempts: Type.Integer({ minimum: 0 }),
  /** When the next attempt is due; null unless pending. */
  nextAttemptAt: Type.Union([Timestamp, Type.Null()]),
  lastAttemptAt: Type.Union([Timestamp, Type.Null()]),
  /** HTTP status of the last answer; null when there was none (timeout, refused connection). */
  lastStatusCode: Type.Union([Type.Integer(), Type.Null()]),
  /** Why the last attempt failed without an answer, at most 500 characters. */
  lastError: Type.Union([Type.String(), Type.Null()]),
  /** The start of the last answer's body, at most 500 characters. */
  lastResponseExcerpt: Type.Union([Type.String(), Type.Null()]),
  deliveredAt: Type.Union([Timestamp, Type.Null()]),
  createdAt: Timestamp,
});
export type WebhookDelivery = Static<typeof WebhookDelivery>;

export const WebhookDeliveryQuery = Type.Object(
  {
    status: Type.Optional(WebhookDeliveryStatus),
    endpointId: Type.Optional(Id),
    /** Only deliveries older than this one (the `id` of the last item of the previous page). */
    before: Type.Optional(WebhookDeliveryId),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);
export type WebhookDeliveryQuery = Static<typeof WebhookDeliveryQuery>;
export const WebhookDeliveryList = Type.Object({ deliveries: Type.Array(WebhookDelivery), hasMore: Type.Boolean() });
export type WebhookDeliveryList = Static<typeof WebhookDeliveryList>;
