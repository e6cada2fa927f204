/**
 * @parley/sdk — what a bank's code needs to build on Parley: webhook verification and the
 * typed events. It talks to Parley over HTTP like any client and imports nothing of the server.
 *
 * @example
 * import { verifyWebhook } from '@parley/sdk';
 * const event = verifyWebhook(req.headers, rawBody, [secret]);
 */
export {
  verifyWebhook,
  WebhookVerificationError,
  type WebhookHeaders,
  type VerifyWebhookOptions,
  type WebhookVerificationReason,
} from './webhook.verify';
export {
  webhookEventTypes,
  webhookHeaders,
  type WebhookEvent,
  type WebhookEventOf,
  type WebhookEventType,
  type WebhookEventData,
  type WebhookMessage,
} from '@parley/protocol';
