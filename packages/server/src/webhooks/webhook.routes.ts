import {
  CreatedWebhookEndpoint,
  CreateWebhookEndpointBody,
  RotatedWebhookSecret,
  WebhookDelivery,
  WebhookDeliveryList,
  WebhookDeliveryParams,
  WebhookDeliveryQuery,
  WebhookEndpointList,
  WebhookEndpointParams,
  WebhookTestQueued,
} from '@parley/protocol';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { businessOf, requireApiKey } from '../business';
import { listDeliveries, replayDelivery } from './delivery.service';
import { createEndpoint, deleteEndpoint, listEndpoints, rotateSecret, sendTestEvent, type WebhooksCore } from './endpoint.service';

const tags = ['webhooks'];
const scopeNote = 'Needs an API key with `webhooks:manage`. Another business\'s ids answer 404, like ones that do not exist.';

/** Business API (API key, `webhooks:manage`): endpoints, their secrets, deliveries and replays. */
export function webhookRoutes(core: WebhooksCore): FastifyPluginAsyncTypebox {
  return async (app) => {
    const preHandler = requireApiKey(core.ctx, 'webhooks:manage');
    const endpointOf = (request: { params: { endpointId: string } } & Parameters<typeof businessOf>[0]) => ({
      businessId: businessOf(request).businessId,
      endpointId: request.params.endpointId,
    });

    app.post(
      '/v1/webhooks/endpoints',
      {
        preHandler,
        schema: {
          tags,
          summary: 'Register a webhook endpoint',
          description: `The URL must be https and resolve only to public addresses. The answer holds the signing secret (\`whsec_…\`), shown this once. ${scopeNote}`,
          body: CreateWebhookEndpointBody,
          response: { 201: CreatedWebhookEndpoint },
        },
      },
      async (request, reply) => reply.code(201).send(await createEndpoint(core, Object.assign({}, request.body, { businessId: businessOf(request).businessId }))),
    );

    app.get(
      '/v1/webhooks/endpoints',
      { preHandler, schema: { tags, summary: 'Webhook endpoints of the business (without secrets)', description: scopeNote, response: { 200: WebhookEndpointList } } },
      async (request) => ({ endpoints: await listEndpoints(core, businessOf(request).businessId) }),
    );

    app.delete(
      '/v1/webhooks/endpoints/:endpointId',
      { preHandler, schema: { tags, summary: 'Delete a webhook endpoint; its pending deliveries end as dead', description: scopeNote, params: WebhookEndpointParams } },
      async (request, reply) => {
        await deleteEndpoint(core, endpointOf(request));
        return reply.code(204).send();
      },
    );

    app.post(
      '/v1/webhooks/endpoints/:endpointId/rotate-secret',
      {
        preHandler,
        schema: {
          tags,
          summary: 'Rotate the signing secret',
          description: `Answers the new secret, shown this once. For 24 hours every webhook carries two signatures, one per secret, so either verifies. ${scopeNote}`,
          params: WebhookEndpointParams,
          response: { 200: RotatedWebhookSecret },
        },
      },
      async (request) => rotateSecret(core, endpointOf(request)),
    );

    app.post(
      '/v1/webhooks/endpoints/:endpointId/test',
      {
        preHandler,
        schema: {
          tags,
          summary: 'Send a webhook.test event to this endpoint',
          description: `Delivered, signed and retried like any event; see it in the deliveries. ${scopeNote}`,
          params: WebhookEndpointParams,
          response: { 202: WebhookTestQueued },
        },
      },
      async (request, reply) => reply.code(202).send(await sendTestEvent(core, endpointOf(request))),
    );

    app.get(
      '/v1/webhooks/deliveries',
      {
        preHandler,
        schema: {
          tags,
          summary: 'Webhook deliveries, newest first',
          description: `Each with its status, attempts, next attempt, and what the last attempt got (status code, error, body excerpt). ${scopeNote}`,
          querystring: WebhookDeliveryQuery,
          response: { 200: WebhookDeliveryList },
        },
      },
      async (request) => listDeliveries(core, businessOf(request).businessId, request.query),
    );

    app.post(
      '/v1/webhooks/deliveries/:deliveryId/replay',
      {
        preHandler,
        schema: {
          tags,
          summary: 'Send a delivery again now, dead ones too',
          description: `Same body and webhook-id as before, a fresh retry schedule. ${scopeNote}`,
          params: WebhookDeliveryParams,
          response: { 202: WebhookDelivery },
        },
      },
      async (request, reply) =>
        reply.code(202).send(await replayDelivery(core, { businessId: businessOf(request).businessId, deliveryId: request.params.deliveryId })),
    );
  };
}
