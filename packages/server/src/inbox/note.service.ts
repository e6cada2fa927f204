import type { Note } from '@parley/protocol';
import { businessTopic, type DeliveryEvent } from '../messaging';
import type { ConsoleMember } from './console.access';
import { openNotes, sealNote } from './note.body';
import { findConversationPerson, insertNote, listNotes } from './note.repository';
import { AppError } from '../platform/errors';
import { requireInboxRow, type InboxCore } from './inbox.service';
import type { InboxNoteRow } from './inbox.table';

function toNote(row: InboxNoteRow): Note {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    author: { memberId: row.author_member_id, displayName: row.author_name },
    text: row.text,
    createdAt: Number(row.created_at),
  };
}

export async function notesOf(core: InboxCore, businessId: string, conversationId: string): Promise<Note[]> {
  await requireInboxRow(core, businessId, conversationId);
  return (await openNotes(core.ctx, await listNotes(core.ctx.db, businessId, conversationId))).map(toNote);
}

/**
 * An internal note. It lives in its own table, apart from messages, and is published only on the
 * business's topic (console sockets): never on the person's, never as a webhook event, never in
 * the person's export. Its text is stored sealed under the person's data key (note.body.ts).
 */
export async function addNote(core: InboxCore, options: { businessId: string; conversationId: string; member: ConsoleMember; text: string }): Promise<Note> {
  const { businessId, conversationId, member } = options;
  await requireInboxRow(core, businessId, conversationId);
  const row: InboxNoteRow = {
    id: core.ctx.random.uuid(),
    business_id: businessId,
    conversation_id: conversationId,
    author_member_id: member.id,
    author_name: member.display_name,
    text: options.text,
    created_at: core.ctx.clock.now(),
  };
  const personId = await findConversationPerson(core.ctx.db, conversationId);
  if (personId === undefined) throw new AppError('ERR_NOT_FOUND');
  await insertNote(core.ctx.db, Object.assign({}, row, { text: await sealNote(core.ctx, { id: row.id, personId }, row.text) }));
  const note = toNote(row);
  core.ctx.bus.publish(businessTopic(businessId), { frame: { type: 'note', businessId, note } } satisfies DeliveryEvent);
  return note;
}
