/**
 * Web Push: people's subscribed devices, and notifications for those with no socket open (an
 * alert arrives while Parley is closed). Other domains import only from here. See docs/alerts.md.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ServerContext } from '../context';
import type { Db } from '../database';
import { isPersonConnected } from '../messaging';
import { createWebhookSender } from '../webhooks';
import { PushDispatcher } from './push.dispatcher';
import { pushRoutes } from './push.routes';
import { enqueuePush, type PushRequest } from './push.service';
import { ensureVapid } from './vapid.service';

export { listDevices } from './push.service';
export type { PushRequest } from './push.service';
export type { PushTables } from './push.table';

export interface Push {
  readonly routes: FastifyPluginAsync;
  /** Start delivering what is owed (after migrations; buildApp calls it). */
  start(): Promise<void>;
  /** Deliver everything due now and wait for it; for tests. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** This app's Web Push machinery, for tests that flush deliveries. */
    push: Push;
  }
}

const dispatchers = new WeakMap<ServerContext, PushDispatcher>();

/** The Web Push machinery of one server: its VAPID key (made on first start), routes and dispatcher. */
export async function createPush(ctx: ServerContext): Promise<Push> {
  const vapid = await ensureVapid(ctx);
  const sender = createWebhookSender({ timeoutMs: ctx.config.webhookTimeoutMs ?? 15_000, allowPrivate: ctx.config.webhookAllowPrivate === true, log: ctx.log });
  const dispatcher = new PushDispatcher(ctx, { sender, vapid, isConnected: (personId) => isPersonConnected(ctx, personId) });
  dispatchers.set(ctx, dispatcher);
  let closing: Promise<void> | undefined;
  return {
    routes: pushRoutes(ctx, vapid.publicKey) as FastifyPluginAsync,
    start: () => dispatcher.start(),
    flush: () => dispatcher.flush(),
    close() {
      closing ??= dispatcher.close().then(() => sender.close());
      return closing;
    },
  };
}

/**
 * Owe a notification to each device of the person, delivered by Web Push if they have no socket
 * open when it goes out (at least once; one per device per `dedupeId`). Pass `db` to write it in
 * the caller's transaction, so it exists exactly when what it announces does.
 *
 * @example
 * await notifyPerson(ctx, { personId, dedupeId: alertId, title: 'Sandbox Bank', body: headline, url: `/app/c/${conversationId}`, expiresAt });
 */
export async function notifyPerson(ctx: ServerContext, request: PushRequest, options: { db?: Db } = {}): Promise<void> {
  const added = await enqueuePush(ctx, request, options.db ?? ctx.db);
  if (added === 0) return;
  const dispatcher = dispatchers.get(ctx);
  // Inside a transaction the rows are not visible yet: the next poll (a second) takes them.
  if (dispatcher && !options.db) dispatcher.wake();
}
