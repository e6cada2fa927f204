/** Notices: a bank's one text to everyone who follows it, stored once and fanned out per node. Other domains import only from here. */
import type { FastifyPluginAsync } from 'fastify';
import type { ServerContext } from '../context';
import { startNoticeFanout, type NoticeDelivery } from './notice.service';
import { noticeRoutes } from './notice.routes';

export type { NoticeTables } from './notice.table';
export { listFollows } from './notice.service';

/**
 * The Notices API and the person's routes, and this node's fan-out of every notice to the
 * followers whose sockets it holds (for as long as the app runs).
 *
 * @example
 * await app.register(notices(ctx, messaging));
 */
export function notices(ctx: ServerContext, delivery: NoticeDelivery): FastifyPluginAsync {
  return async (app) => {
    await app.register(noticeRoutes(ctx));
    const stop = startNoticeFanout(ctx, delivery);
    app.addHook('onClose', async () => stop());
  };
}
