/** The agent console's server side: the human inbox, notes, reveals, CSAT, settings and invites. Other domains import only from here. */
import type { FastifyPluginAsync } from 'fastify';
import type { ServerContext } from '../context';
import type { Messaging } from '../messaging';
import { autoAssign } from './assignment.service';
import { inboxRoutes } from './inbox.routes';
import type { InboxCore } from './inbox.service';
import { noteRoutes } from './note.routes';
import { personInboxRoutes } from './person.routes';
import { settingsRoutes } from './settings.routes';
import { onInboxMessage, onThreadMoved } from './thread.service';
import { threadRoutes } from './thread.routes';

export { supportAnswersOf } from './person-export.service';

/**
 * Every console route, and the inbox's ears on messaging: handovers open and close inbox rows,
 * people's messages in inbox-owned conversations move them, and an agent who comes online gets
 * waiting conversations.
 *
 * @example
 * await app.register(inboxRoutes(ctx, messaging));
 */
export function consoleRoutes(ctx: ServerContext, messaging: Messaging): FastifyPluginAsync {
  const core: InboxCore = { ctx, side: messaging.businessSide, append: (input) => messaging.append(input) };
  const side = messaging.businessSide;
  side.threadMoved.add((event) => onThreadMoved(core, event));
  side.messageStored.add((message, owner) => {
    onInboxMessage(core, message, owner).catch((error: unknown) => ctx.log.error({ err: error }, 'inbox could not follow a message'));
  });
  side.presence.listeners.add(({ businessId }) => void autoAssign(core, businessId));
  return async (app) => {
    await app.register(inboxRoutes(core));
    await app.register(threadRoutes(core));
    await app.register(noteRoutes(core));
    await app.register(personInboxRoutes(core));
    await app.register(settingsRoutes(ctx));
  };
}
