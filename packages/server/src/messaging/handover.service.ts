import type { ThreadControl } from '@parley/protocol';
import { AppError } from '../platform/errors';
import { notifyWebhooks, recordEvents } from '../webhooks';
import type { MessagingCore } from './conversation.service';
import { changeThreadOwner } from './handover.repository';
import type { ThreadOwner } from './messaging.table';

/** The three moves of a thread between a bank's bot and its human inbox, with their events. */
const transitions = {
  pass: { from: 'bot', to: 'inbox', event: 'handover.passed' },
  take: { from: 'bot', to: 'inbox', event: 'handover.taken' },
  return: { from: 'inbox', to: 'bot', event: 'handover.returned' },
} as const satisfies Record<string, { from: ThreadOwner; to: ThreadOwner; event: string }>;

export type HandoverMove = keyof typeof transitions;

/**
 * Move the thread of one of the business's conversations, telling every endpoint of the business
 * (`handover.*`) in the same transaction. ERR_NOT_FOUND for a conversation that is not this
 * business's; ERR_CONFLICT when the thread is not where the move starts from.
 */
export async function moveThread(
  core: MessagingCore,
  options: { businessId: string; conversationId: string; move: HandoverMove; metadata?: string | undefined },
): Promise<ThreadControl> {
  const { ctx, owners } = core;
  const { businessId, conversationId } = options;
  const owner = await owners.get(conversationId);
  if (!owner || owner.businessId !== businessId) throw new AppError('ERR_NOT_FOUND');
  const bsid = (await owners.loadBsids([conversationId])).get(conversationId)?.bsid;
  if (bsid === undefined) throw new AppError('ERR_UNAVAILABLE');
  const { from, to, event } = transitions[options.move];
  const data = { bsid, conversationId, owner: to, ...(options.metadata === undefined ? {} : { metadata: options.metadata }) };
  const result = await changeThreadOwner(ctx.db, {
    conversationId,
    businessId,
    from,
    to,
    alsoInTransaction: (trx) => recordEvents(trx, ctx, [{ businessId, type: event, data }]),
  });
  if (result === 'absent') throw new AppError('ERR_NOT_FOUND');
  if (result === 'unchanged') throw new AppError('ERR_CONFLICT', { message: `The thread is not owned by the ${from} now.` });
  notifyWebhooks(ctx);
  // Awaited, so the inbox row exists (and is assigned) when the move answers; a failing listener does not undo the move.
  for (const listener of core.threadMoved ?? []) {
    await Promise.resolve(listener({ businessId, conversationId, move: options.move, metadata: options.metadata })).catch((error: unknown) =>
      ctx.log.error({ err: error, conversationId }, 'a handover listener failed'),
    );
  }
  return { conversationId, owner: to };
}
