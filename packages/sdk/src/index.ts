/**
 * @parley/sdk — what a bank's code needs to build on Parley: a typed Business API client,
 * webhook verification, step-up proof verification (`verifyStepUp`) and the typed events. It talks to Parley over HTTP like any client and
 * imports nothing of the server.
 *
 * @example
 * import { ParleyClient, verifyWebhook } from '@parley/sdk';
 * const event = verifyWebhook(req.headers, rawBody, [secret]);
 * const parley = new ParleyClient({ baseUrl, apiKey });
 */
export { ParleyClient, type ParleyClientOptions, type SendMessage } from './client';
export { ParleyApiError, ParleyConnectionError, type FetchLike } from './client.http';
export {
  verifyWebhook,
  WebhookVerificationError,
  type WebhookHeaders,
  type VerifyWebhookOptions,
  type WebhookVerificationReason,
} from './webhook.verify';
export {
  verifyStepUp,
  createReplayGuard,
  StepUpVerificationError,
  type VerifyStepUpOptions,
  type StepUpExpectation,
  type StepUpVerificationCode,
} from './step-up.verify';
export {
  stepUpProofType,
  type StepUpProofClaims,
  webhookEventTypes,
  webhookHeaders,
  type WebhookEvent,
  type WebhookEventOf,
  type WebhookEventType,
  type WebhookEventData,
  type WebhookMessage,
  type BusinessContent,
  type BusinessMenu,
  type ErrorCode,
  type MessagingType,
  type SendApiResult,
  type ThreadControl,
  type WebhookDelivery,
  type WebhookEndpoint,
} from '@parley/protocol';
