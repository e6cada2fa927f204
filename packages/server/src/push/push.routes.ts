import { PushDevice, PushDeviceList, PushDeviceParams, PushKey, PushSubscriptionBody } from '@parley/protocol';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ServerContext } from '../context';
import { principalOf, requirePerson } from '../identity';
import { listDevices, subscribe, unsubscribe } from './push.service';

const tags = ['push'];

/** A person's devices that get alerts as notifications when no Parley window is open. */
export function pushRoutes(ctx: ServerContext, publicKey: string): FastifyPluginAsyncTypebox {
  return async (app) => {
    const preHandler = requirePerson(ctx);

    app.get(
      '/v1/push/key',
      { schema: { tags, summary: "Parley's VAPID public key (the applicationServerKey for pushManager.subscribe)", response: { 200: PushKey } } },
      async () => ({ publicKey }),
    );

    app.get(
      '/v1/push/devices',
      { preHandler, schema: { tags, summary: 'My devices that get notifications', response: { 200: PushDeviceList } } },
      async (request) => ({ devices: await listDevices(ctx, principalOf(request).personId) }),
    );

    app.post(
      '/v1/push/devices',
      {
        preHandler,
        schema: {
          tags,
          summary: 'Get notifications on this device',
          description: 'Takes `PushSubscription.toJSON()`. Subscribing the same browser again updates its entry.',
          body: PushSubscriptionBody,
          response: { 201: PushDevice },
        },
      },
      async (request, reply) => {
        const device = await subscribe(ctx, principalOf(request).personId, request.body, request.headers['user-agent']);
        return reply.code(201).send(device);
      },
    );

    app.delete(
      '/v1/push/devices/:deviceId',
      { preHandler, schema: { tags, summary: 'Stop notifications on a device', params: PushDeviceParams, response: { 204: { type: 'null' } } } },
      async (request, reply) => {
        await unsubscribe(ctx, principalOf(request).personId, request.params.deviceId);
        return reply.code(204).send();
      },
    );
  };
}
