import type { Insertable } from 'kysely';
import type { Db } from '../database';
import type { InboxNoteRow, InboxNotesTable } from './inbox.table';

export async function insertNote(db: Db, row: Insertable<InboxNotesTable>): Promise<void> {
  await db.insertInto('inbox_notes').values(row).execute();
}

export async function listNotes(db: Db, businessId: string, conversationId: string): Promise<InboxNoteRow[]> {
  return db
    .selectFrom('inbox_notes')
    .selectAll()
    .where('business_id', '=', businessId)
    .where('conversation_id', '=', conversationId)
    .orderBy('created_at')
    .orderBy('id')
    .limit(500)
    .execute();
}
