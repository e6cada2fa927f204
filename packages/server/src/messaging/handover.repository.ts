import type { Db } from '../database';
import type { ThreadOwner } from './messaging.table';

export type ThreadChange = 'changed' | 'unchanged' | 'absent';

/**
 * Move the business's conversation from `from` to `to`, and run `alsoInTransaction` (its webhook
 * event) in the same transaction. 'unchanged' when the thread was not owned by `from`; 'absent'
 * when there is no such conversation of this business.
 */
export async function changeThreadOwner(
  db: Db,
  change: { conversationId: string; businessId: string; from: ThreadOwner; to: ThreadOwner; alsoInTransaction: (trx: Db) => Promise<unknown> },
): Promise<ThreadChange> {
  return db.transaction().execute(async (trx) => {
    // Conditional on the current owner, so two changes at once cannot both win.
    const moved = await trx
      .updateTable('conversations')
      .set({ thread_owner: change.to })
      .where('id', '=', change.conversationId)
      .where('business_id', '=', change.businessId)
      .where('thread_owner', '=', change.from)
      .returning('id')
      .executeTakeFirst();
    if (moved) {
      await change.alsoInTransaction(trx);
      return 'changed';
    }
    const exists = await trx
      .selectFrom('conversations')
      .select('id')
      .where('id', '=', change.conversationId)
      .where('business_id', '=', change.businessId)
      .executeTakeFirst();
    return exists ? 'unchanged' : 'absent';
  });
}
