import type {
  CreatedWebhookEndpoint,
  CreateWebhookEndpointBody,
  RotatedWebhookSecret,
  WebhookEndpoint,
  WebhookEventType,
  WebhookTestQueued,
} from '@parley/protocol';
import type { ServerContext } from '../context';
import { AppError } from '../platform/errors';
import * as endpoints from './endpoint.repository';
import { verifyMessengerEndpoint } from './messenger.handshake';
import { messengerEventTypes } from './messenger.payload';
import { recordEvent } from './outbox.service';
import type { SecretBox } from './secret.box';
import { checkEndpointUrl, type ResolveAll } from './url.guard';
import type { WebhookEndpointRow } from './webhook.table';
import { newSigningSecret } from './webhook.signer';

/** What the webhook services share: the server context, the secret box, and DNS (for tests). */
export interface WebhooksCore {
  readonly ctx: ServerContext;
  readonly secrets: SecretBox;
  readonly resolveAll?: ResolveAll;
}

/** How long the old secret keeps signing after a rotation. */
export const rotationOverlapMs = 24 * 60 * 60 * 1000;

function toEndpoint(row: WebhookEndpointRow, now: number): WebhookEndpoint {
  const previousLive = row.previous_secret_expires_at !== null && row.previous_secret_expires_at > now;
  return {
    id: row.id,
    url: row.url,
    eventTypes: row.event_types.split(' ') as WebhookEventType[],
    role: row.role,
    ...(row.mode === 'messenger' ? { mode: row.mode } : {}),
    createdAt: row.created_at,
    previousSecretExpiresAt: previousLive ? row.previous_secret_expires_at : null,
  };
}

/** Register an endpoint after checking its URL; the answer holds its signing secret, shown this once. */
export async function createEndpoint(
  core: WebhooksCore,
  input: CreateWebhookEndpointBody & { businessId: string },
): Promise<CreatedWebhookEndpoint> {
  const { ctx } = core;
  const allowPrivate = ctx.config.webhookAllowPrivate === true;
  const url = await checkEndpointUrl(input.url, { allowPrivate, resolveAll: core.resolveAll });
  const mode = input.mode ?? 'standard';
  if (mode === 'messenger') await verifyMessenger(core, url, input);
  else if (input.verifyToken !== undefined) throw new AppError('ERR_VALIDATION', { message: 'verifyToken is for mode "messenger" only.' });
  const id = ctx.random.uuid();
  const secret = newSigningSecret(ctx.random);
  const createdAt = ctx.clock.now();
  const role = input.role ?? 'bot';
  await endpoints.insertEndpoint(ctx.db, {
    role,
    mode,
    id,
    business_id: input.businessId,
    url: url.href,
    event_types: input.eventTypes.join(' '),
    secret_box: core.secrets.seal(id, secret),
    created_at: createdAt,
  });
  return { id, url: url.href, eventTypes: input.eventTypes, role, ...(mode === 'messenger' ? { mode } : {}), secret, createdAt };
}

/** A Messenger-mode endpoint gets only the events Messenger has a shape for, and must pass the handshake. */
async function verifyMessenger(core: WebhooksCore, url: URL, input: CreateWebhookEndpointBody): Promise<void> {
  const unshaped = input.eventTypes.filter((type) => !(messengerEventTypes as readonly string[]).includes(type));
  if (unshaped.length > 0) {
    throw new AppError('ERR_VALIDATION', { message: `A messenger-mode endpoint receives only ${messengerEventTypes.join(' and ')}; not ${unshaped.join(', ')}.` });
  }
  if (!input.verifyToken) throw new AppError('ERR_VALIDATION', { message: 'A messenger-mode endpoint needs a verifyToken for the hub.challenge handshake.' });
  await verifyMessengerEndpoint(url, {
    verifyToken: input.verifyToken,
    challenge: core.ctx.random.token(16),
    timeoutMs: core.ctx.config.webhookTimeoutMs ?? 15_000,
    allowPrivate: core.ctx.config.webhookAllowPrivate === true,
  });
}

export async function listEndpoints(core: WebhooksCore, businessId: string): Promise<WebhookEndpoint[]> {
  const now = core.ctx.clock.now();
  return (await endpoints.listEndpoints(core.ctx.db, businessId)).map((row) => toEndpoint(row, now));
}

export async function deleteEndpoint(core: WebhooksCore, target: { businessId: string; endpointId: string }): Promise<void> {
  const deleted = await endpoints.deleteEndpoint(core.ctx.db, { businessId: target.businessId, endpointId: target.endpointId, at: core.ctx.clock.now() });
  if (!deleted) throw new AppError('ERR_NOT_FOUND');
}

/**
 * A new signing secret (shown this once). The current one keeps signing too for 24 hours, so
 * the bank can deploy the new one without rejecting a single webhook. A second rotation within
 * that time ends the oldest secret at once.
 */
export async function rotateSecret(core: WebhooksCore, target: { businessId: string; endpointId: string }): Promise<RotatedWebhookSecret> {
  const { ctx } = core;
  const row = await endpoints.findEndpoint(ctx.db, target.businessId, target.endpointId);
  if (!row) throw new AppError('ERR_NOT_FOUND');
  const secret = newSigningSecret(ctx.random);
  const previousSecretExpiresAt = ctx.clock.now() + rotationOverlapMs;
  const rotated = await endpoints.rotateSecret(ctx.db, {
    businessId: target.businessId,
    endpointId: target.endpointId,
    secretBox: core.secrets.seal(row.id, secret),
    // Sealed for this endpoint's id already, so it moves over as it is.
    previousBox: row.secret_box,
    previousExpiresAt: previousSecretExpiresAt,
  });
  if (!rotated) throw new AppError('ERR_CONFLICT', { message: 'The secret was rotated or the endpoint deleted meanwhile; try again.' });
  return { secret, previousSecretExpiresAt };
}

/** Queue a `webhook.test` event for this one endpoint, delivered, signed and retried like any other. */
export async function sendTestEvent(core: WebhooksCore, target: { businessId: string; endpointId: string }): Promise<WebhookTestQueued> {
  const row = await endpoints.findEndpoint(core.ctx.db, target.businessId, target.endpointId);
  if (!row) throw new AppError('ERR_NOT_FOUND');
  if (row.mode === 'messenger') {
    throw new AppError('ERR_VALIDATION', { message: 'Messenger has no test event; a messenger-mode endpoint was verified by the hub.challenge handshake.' });
  }
  const recorded = await recordEvent(core.ctx, { businessId: target.businessId, type: 'webhook.test', data: { endpointId: row.id } });
  const deliveryId = recorded.deliveryIds[0];
  // Deleted between the two reads.
  if (!deliveryId || recorded.eventId === null) throw new AppError('ERR_NOT_FOUND');
  return { eventId: recorded.eventId, deliveryId };
}
