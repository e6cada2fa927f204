/** Webhooks: endpoints, the outbox and its dispatcher. Other domains import only from here. */
import type { FastifyPluginAsync } from 'fastify';
import type { ServerContext } from '../context';
import { createSecretBox, createSecretBoxFromKey, loadMasterKey } from './secret.box';
import type { ResolveAll } from './url.guard';
import { WebhookDispatcher } from './webhook.dispatcher';
import { webhookConsoleRoutes } from './webhook-console.routes';
import { webhookRoutes } from './webhook.routes';
import { createWebhookSender } from './webhook.sender';

export { webhookSecretsKey } from './secret.box';
// The guarded HTTP poster and the retry schedule also carry Web Push (push/): one SSRF policy for every outbound call.
export { checkEndpointUrl } from './url.guard';
export { createWebhookSender, type WebhookSender, type AttemptOutcome } from './webhook.sender';
export { nextAttemptAt } from './retry.schedule';
export { recordEvents, recordEvent, notifyWebhooks, type WebhookEventInput, type RecordedEvent } from './outbox.service';
export { loadPayloadKey, type PersonPayloadKeys } from './payload.box';

export interface Webhooks {
  /** The Business API routes under /v1/webhooks. */
  readonly routes: FastifyPluginAsync;
  /** Start delivering (after migrations; buildApp calls it). */
  start(): Promise<void>;
  /** Deliver everything due now and wait for it; for tests that move the clock. */
  flush(): Promise<void>;
  /** Stop claiming, wait for the posts in flight. Safe to call twice. */
  close(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** This app's webhook machinery, for tests that move the clock and flush. */
    webhooks: Webhooks;
  }
}

/**
 * The webhook machinery of one server: routes, and a dispatcher that delivers the outbox.
 *
 * @example
 * const webhooks = createWebhooks(ctx);
 * await app.register(webhooks.routes);
 * await webhooks.start();
 * app.addHook('onClose', () => webhooks.close());
 */
export function createWebhooks(ctx: ServerContext, options: { resolveAll?: ResolveAll; secretsKey?: Buffer } = {}): Webhooks {
  // buildApp passes the key ring's `webhooks` service key; the fallback is the pre-rotation derivation.
  const secrets = options.secretsKey ? createSecretBoxFromKey(options.secretsKey) : createSecretBox(loadMasterKey(ctx.config));
  const timeoutMs = ctx.config.webhookTimeoutMs ?? 15_000;
  const sender = createWebhookSender({ timeoutMs, allowPrivate: ctx.config.webhookAllowPrivate === true, log: ctx.log });
  const dispatcher = new WebhookDispatcher(ctx, { secrets, sender });
  const core = { ctx, secrets, resolveAll: options.resolveAll };
  let closing: Promise<void> | undefined;
  const webhooks: Webhooks = {
    routes: withAppDecoration(
      async (app) => {
        await app.register(webhookRoutes(core));
        await app.register(webhookConsoleRoutes(core));
      },
      () => webhooks,
    ),
    start: () => dispatcher.start(),
    flush: () => dispatcher.flush(),
    close() {
      closing ??= dispatcher.close().then(() => sender.close());
      return closing;
    },
  };
  return webhooks;
}

/** Put `webhooks` on the app itself, not only in the plugin's scope (what fastify-plugin does). */
function withAppDecoration(routes: FastifyPluginAsync, webhooks: () => Webhooks): FastifyPluginAsync {
  const plugin: FastifyPluginAsync = async (app, options) => {
    app.decorate('webhooks', webhooks());
    await app.register(routes, options);
  };
  Object.assign(plugin, { [Symbol.for('skip-override')]: true });
  return plugin;
}
