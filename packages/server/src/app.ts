import fs from 'node:fs';
import path from 'node:path';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import websocket from '@fastify/websocket';
import { ErrorBody, maxFrameBytes, stepUpProofType } from '@parley/protocol';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { accountRoutes } from './account';
import { alertRoutes } from './alerts';
import { bankingRoutes } from './banking';
import { businessRoutes, ensureDemoBusiness, messengerRoutes, sendRoutes } from './business';
import type { ServerContext } from './context';
import type { Tables } from './database';
import { identityRoutes, provideStepUpSigner } from './identity';
import { consoleRoutes } from './inbox';
import { createMessaging } from './messaging';
import { notices } from './notices';
import { createPush } from './push';
import { createWebhooks, loadPayloadKey, webhookSecretsKey } from './webhooks';
import { ensureSigningKeys, evictDestroyedKeysFromBus, KeyRing, privacyRoutes, serviceKey, signJws } from './privacy';
import { createInProcessBus, type Bus } from './platform/bus';
import { cryptoRandom, systemClock, type Clock, type Random } from './platform/clock';
import type { Config } from './platform/config';
import { openDatabase } from './platform/db/database';
import { frameworkErrors, installErrorHandler } from './platform/http-errors';
import { installValidators } from './platform/validation';
import { createLogger, requestLogger } from './platform/logger';
import { createMetrics } from './platform/metrics';
import { sql } from 'kysely';

/** The injected world; every field has a production default. */
export interface AppDeps {
  clock?: Clock;
  random?: Random;
  bus?: Bus;
  logger?: Logger;
}

/** Largest HTTP body accepted, in bytes. */
export const bodyLimit = 64 * 1024;

/**
 * Build the whole Parley server on an open database. It does not listen: `main.ts` does,
 * tests use `app.inject()` or `app.listen({ port: 0 })`.
 *
 * @example
 * const app = await buildApp(loadConfig(process.env));
 * await app.listen({ port: config.port, host: config.host });
 */
export async function buildApp(config: Readonly<Config>, deps: AppDeps = {}): Promise<FastifyInstance> {
  const log = deps.logger ?? createLogger(config);
  const database = await openDatabase<Tables>(config, {
    onIdleError: (error) => log.warn({ err: error }, 'an idle database connection failed; the pool replaces it'),
  });
  const ctx: ServerContext = {
    config,
    db: database.db,
    dialect: database.dialect,
    clock: deps.clock ?? systemClock,
    random: deps.random ?? cryptoRandom,
    bus: deps.bus ?? createInProcessBus(),
    log,
    metrics: createMetrics(),
    keys: new KeyRing(config),
  };
  // Outbox payloads are sealed inside their change's transaction, where the key cannot be read: load it now.
  await loadPayloadKey(ctx);

  const app = Fastify({
    // pino 10's Logger type is wider than the one Fastify declares; the instance is the same.
    loggerInstance: log as unknown as FastifyBaseLogger,
    childLoggerFactory: requestLogger,
    bodyLimit,
    frameworkErrors,
    trustProxy: false,
  });
  app.decorateRequest('principal', null);
  installErrorHandler(app);
  installValidators(app);
  app.addSchema(ErrorBody);

  app.addHook('onResponse', async (request, reply) => {
    ctx.metrics.httpDuration
      .labels(request.method, request.routeOptions.url ?? 'unmatched', String(reply.statusCode))
      .observe(reply.elapsedTime / 1000);
  });

  await app.register(cookie);
  const messaging = createMessaging(ctx);
  // Before @fastify/websocket's own preClose, which closes sockets bare: queued sends are
  // committed and acked first, then sockets close with 1001.
  app.addHook('preClose', () => messaging.close());
  await app.register(websocket, { options: { maxPayload: maxFrameBytes } });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Parley API',
        version: '0.1.0',
        description: 'People talk to their banks; every read of financial data is opt-in, purpose-bound and logged.',
      },
      servers: [{ url: config.publicUrl.origin }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    await sql`select 1`.execute(ctx.db);
    return reply.send({ status: 'ready' });
  });
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) =>
    reply.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics()),
  );
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await ensureDemoBusiness(ctx);
  await app.register(identityRoutes(ctx));
  await app.register(businessRoutes(ctx));
  await app.register(messaging.routes);
  await app.register(messaging.gateway);
  await app.register(consoleRoutes(ctx, messaging));
  await app.register(sendRoutes(ctx, messaging));
  await app.register(alertRoutes(ctx, messaging));
  await app.register(messengerRoutes(ctx, messaging));
  await app.register(notices(ctx, messaging));
  await ensureSigningKeys(ctx);
  provideStepUpSigner(ctx, (claims) => signJws(ctx, { use: 'step-up', typ: stepUpProofType, claims }));
  evictDestroyedKeysFromBus(ctx);
  await app.register(privacyRoutes(ctx));
  const webhookKey = await serviceKey(ctx, 'webhooks', () => webhookSecretsKey(ctx.keys.currentKey()));
  const webhooks = createWebhooks(ctx, { secretsKey: webhookKey });
  await app.register(webhooks.routes);
  await app.register(bankingRoutes(ctx));
  await app.register(accountRoutes(ctx));
  const push = await createPush(ctx);
  await app.register(push.routes);
  app.decorate('push', push);
  await webhooks.start();
  await push.start();
  if (config.webDistDir) await serveWebApp(app, config.webDistDir);

  app.addHook('onClose', async () => {
    await webhooks.close();
    await push.close();
    await messaging.close();
    await ctx.bus.close();
    await database.close();
  });
  return app;
}

/** The built React app: static files, and index.html for the app's own paths. */
async function serveWebApp(app: FastifyInstance, root: string): Promise<void> {
  if (!fs.existsSync(path.join(root, 'index.html'))) {
    app.log.warn({ root }, 'web app not built; run npm run build:web');
    return;
  }
  await app.register(fastifyStatic, { root, prefix: '/', wildcard: false, index: 'index.html' });
  for (const route of ['/app', '/app/*', '/console', '/console/*']) {
    app.get(route, { schema: { hide: true } }, (_request, reply) => reply.sendFile('index.html'));
  }
}
