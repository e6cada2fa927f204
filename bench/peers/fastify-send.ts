import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { SendApiBody, SendApiHeaders, SendApiResult } from '@parley/protocol';
import { installValidators } from '../../packages/server/src/platform/validation';

// The peer the Send API is measured against: a bare Fastify 5 route with the same TypeBox
// schemas (body, Idempotency-Key header, 201 answer) and the same validator set-up as Parley,
// that validates and answers 201 with a body of the same shape. No API key, no idempotency
// record, no storage, no logger. Run: PORT=… node --import tsx bench/peers/fastify-send.ts

const app = Fastify({ logger: false, bodyLimit: 64 * 1024 }).withTypeProvider<TypeBoxTypeProvider>();
installValidators(app);
const conversationId = randomUUID();
let seq = 0;

app.post(
  '/v1/messages',
  { schema: { headers: SendApiHeaders, body: SendApiBody, response: { 201: SendApiResult } } },
  async (_request, reply) => reply.code(201).send({ conversationId, seq: ++seq, sentAt: Date.now() }),
);

const address = await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
console.log(`fastify-send listening on ${address}`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
