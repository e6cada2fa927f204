import {
  BusinessParams,
  CreatedWebhookEndpoint,
  CreateWebhookEndpointBody,
  Id,
  RotatedWebhookSecret,
  WebhookDelivery,
  WebhookDeliveryId,
  WebhookDeliveryList,
  WebhookDeliveryQuery,
  WebhookEndpointList,
  WebhookTestQueued,
} from '@parley/protocol';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { authorizeMember } from '../business';
import { principalOf, requirePerson } from '../identity';
import { listDeliveries, replayDelivery } from './delivery.service';
import { createEndpoint, deleteEndpoint, listEndpoints, rotateSecret, sendTestEvent, type WebhooksCore } from './endpoint.service';

const tags = ['console'];
const note = 'Agent console (owner, developer), with the session: the same rules and answers as the API-key routes under /v1/webhooks. A business you are not a member of answers 404.';
const EndpointParams = Type.Object({ businessId: Id, endpointId: Id });
const DeliveryParams = Type.Object({ businessId: Id, deliveryId: WebhookDeliveryId });

/** Webhook endpoints, delivery logs and replays for owners and developers signed in to the console. */
export function webhookConsoleRoutes(core: WebhooksCore): FastifyPluginAsyncTypebox {
  return async (app) => {
    const preHandler = requirePerson(core.ctx);
    const allow = async (request: FastifyRequest & { params: { businessId: string } }): Promise<string> => {
      const { businessId } = request.params;
      await authorizeMember(core.ctx, { businessId, personId: principalOf(request).personId }, ['owner', 'developer']);
      return businessId;
    };
    const base = '/v1/business/:businessId/webhooks';

    app.get(`${base}/endpoints`, { preHandler, schema: { tags, summary: 'Webhook endpoints (without secrets)', description: note, params: BusinessParams, response: { 200: WebhookEndpointList } } }, async (request) => ({
      endpoints: await listEndpoints(core, await allow(request)),
    }));

    app.post(
      `${base}/endpoints`,
      { preHandler, schema: { tags, summary: 'Register a webhook endpoint; the secret is shown this once', description: note, params: BusinessParams, body: CreateWebhookEndpointBody, response: { 201: CreatedWebhookEndpoint } } },
      async (request, reply) => reply.code(201).send(await createEndpoint(core, Object.assign({}, request.body, { businessId: await allow(request) }))),
    );

    app.delete(`${base}/endpoints/:endpointId`, { preHandler, schema: { tags, summary: 'Delete a webhook endpoint', description: note, params: EndpointParams } }, async (request, reply) => {
      await deleteEndpoint(core, { businessId: await allow(request), endpointId: request.params.endpointId });
      return reply.code(204).send();
    });

    app.post(
      `${base}/endpoints/:endpointId/rotate-secret`,
      { preHandler, schema: { tags, summary: 'Rotate the signing secret (both verify for 24 hours)', description: note, params: EndpointParams, response: { 200: RotatedWebhookSecret } } },
      async (request) => rotateSecret(core, { businessId: await allow(request), endpointId: request.params.endpointId }),
    );

    app.post(
      `${base}/endpoints/:endpointId/test`,
      { preHandler, schema: { tags, summary: 'Send a webhook.test event', description: note, params: EndpointParams, response: { 202: WebhookTestQueued } } },
      async (request, reply) => reply.code(202).send(await sendTestEvent(core, { businessId: await allow(request), endpointId: request.params.endpointId })),
    );

    app.get(
      `${base}/deliveries`,
      { preHandler, schema: { tags, summary: 'Webhook deliveries, newest first, with what the last attempt got', description: note, params: BusinessParams, querystring: WebhookDeliveryQuery, response: { 200: WebhookDeliveryList } } },
      async (request) => listDeliveries(core, await allow(request), request.query),
    );

    app.post(
      `${base}/deliveries/:deliveryId/replay`,
      { preHandler, schema: { tags, summary: 'Send a delivery again now, dead ones too', description: note, params: DeliveryParams, response: { 202: WebhookDelivery } } },
      async (request, reply) => reply.code(202).send(await replayDelivery(core, { businessId: await allow(request), deliveryId: request.params.deliveryId })),
    );
  };
}
