import type { Insertable } from 'kysely';
import type { Db } from '../database';
import type { InboxNotesTable } from './inbox.table';
import type { NoteWithPerson } from './note.body';

export async function insertNote(db: Db, row: Insertable<InboxNotesTable>): Promise<void> {
  await db.insertInto('inbox_notes').values(row).execute();
}

/** The person a conversation is with: their key seals its notes. */
export async function findConversationPerson(db: Db, conversationId: string): Promise<string | undefined> {
  return (await db.selectFrom('conversations').select('person_id').where('id', '=', conversationId).executeTakeFirst())?.person_id;
}

/** Notes still sealed (open them with `openNotes`), each with its conversation's person. */
export async function listNotes(db: Db, businessId: string, conversationId: string): Promise<NoteWithPerson[]> {
  return db
    .selectFrom('inbox_notes as n')
    .innerJoin('conversations as c', 'c.id', 'n.conversation_id')
    .selectAll('n')
    .select('c.person_id')
    .where('n.business_id', '=', businessId)
    .where('n.conversation_id', '=', conversationId)
    .orderBy('n.created_at')
    .orderBy('n.id')
    .limit(500)
    .execute();
}
