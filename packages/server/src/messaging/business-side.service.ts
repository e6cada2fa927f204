import type { HistoryPage, Message, ThreadControl } from '@parley/protocol';
import { AppError } from '../platform/errors';
import { findBusinessThread, raiseBusinessReadSeq, type BusinessThreadRow } from './business-side.repository';
import * as conversations from './conversation.repository';
import { toMessage, type MessagingCore } from './conversation.service';
import { openBodies } from './message.body';
import { businessTopic, personTopic } from './delivery.hub';
import { moveThread, type HandoverMove } from './handover.service';
import type { InboxPresence } from './inbox.presence';

export type { BusinessThreadRow } from './business-side.repository';

/** Told on this node after a thread moved between bot and inbox (committed, events recorded). */
export type ThreadMovedListener = (event: { businessId: string; conversationId: string; move: HandoverMove; metadata?: string | undefined }) => void | Promise<void>;

/**
 * The business side of conversations, for the agent console: its conversations' threads,
 * history, read marks, typing and handover, each checked against the business.
 */
export interface BusinessSide {
  readonly presence: InboxPresence;
  /** Listeners told after every handover move (the Business API's and the console's). */
  readonly threadMoved: Set<ThreadMovedListener>;
  /** Listeners told after every new message is stored and published. */
  readonly messageStored: Set<(message: Message, owner: { personId: string; businessId: string }) => void>;
  /** The business's conversation, or ERR_NOT_FOUND (also for another business's). */
  thread(businessId: string, conversationId: string): Promise<BusinessThreadRow>;
  history(options: { businessId: string; conversationId: string; before?: number | undefined; limit?: number | undefined }): Promise<HistoryPage>;
  markRead(options: { businessId: string; conversationId: string; seq: number }): Promise<void>;
  typing(options: { businessId: string; conversationId: string; state: 'start' | 'stop' }): Promise<void>;
  moveThread(options: { businessId: string; conversationId: string; move: HandoverMove; metadata?: string | undefined }): Promise<ThreadControl>;
}

export function createBusinessSide(core: MessagingCore, presence: InboxPresence, threadMoved: Set<ThreadMovedListener>): BusinessSide {
  const thread = async (businessId: string, conversationId: string): Promise<BusinessThreadRow> => {
    const row = await findBusinessThread(core.ctx.db, businessId, conversationId);
    if (!row) throw new AppError('ERR_NOT_FOUND');
    return row;
  };
  return {
    presence,
    threadMoved,
    messageStored: core.committer.stored,
    thread,
    async history(options) {
      await thread(options.businessId, options.conversationId);
      const limit = options.limit ?? 50;
      const rows = await conversations.findMessagesBefore(core.ctx.db, { conversationId: options.conversationId, before: options.before, limit: limit + 1 });
      return { messages: (await openBodies(core.ctx, rows.slice(0, limit).reverse())).map(toMessage), hasMore: rows.length > limit };
    },
    async markRead(options) {
      const row = await thread(options.businessId, options.conversationId);
      const seq = await raiseBusinessReadSeq(core.ctx.db, options);
      if (seq === undefined) return;
      // The person sees "read" ticks; the business's other console sockets move their mark too.
      const frame = { type: 'read', conversationId: options.conversationId, reader: 'business', seq } as const;
      core.ctx.bus.publish(personTopic(row.person_id), { frame });
      core.ctx.bus.publish(businessTopic(options.businessId), { frame });
    },
    async typing(options) {
      const row = await thread(options.businessId, options.conversationId);
      const frame = { type: 'typing', conversationId: options.conversationId, sender: 'business', state: options.state } as const;
      core.ctx.bus.publish(personTopic(row.person_id), { frame });
    },
    moveThread: (options) => moveThread(core, options),
  };
}
