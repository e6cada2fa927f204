import type { ServerContext } from '../context';
import { dataKeyOf, isSealed, loadKeysOfSealed, seal, type DataKeySet, type SealAad } from '../privacy';
import type { InboxNoteRow } from './inbox.table';

/*
 * An agent's internal note is about a person's conversation (what they asked, what the agent
 * saw), so its text is sealed under that person's data key, like the conversation's messages:
 * deleting their account erases the notes everywhere, backups included. The associated data
 * binds a note to its id and person. The bot's handover note (`pass_thread_control` metadata:
 * why the person needs a human) is sealed the same way, bound to its conversation and person.
 * Notes stored before sealing existed read as they are.
 */

/** A note row with the person of its conversation (whose key seals it). */
export type NoteWithPerson = InboxNoteRow & { readonly person_id: string };

const erasedText = 'This note was erased.';

function noteAad(place: { id: string; personId: string }): SealAad {
  return { table: 'inbox_notes', rowId: place.id, owner: `person:${place.personId}` };
}

/** Seal a new note's text under its conversation's person's key (made on first use). */
export async function sealNote(ctx: ServerContext, place: { id: string; personId: string }, text: string): Promise<string> {
  const keyId = await dataKeyOf(ctx, { kind: 'person', id: place.personId });
  return seal(ctx, { keyId, aad: noteAad(place) }, text);
}

function handoverAad(place: { conversationId: string; personId: string }): SealAad {
  return { table: 'inbox_conversations', rowId: place.conversationId, owner: `person:${place.personId}` };
}

/** A sealed text opened, or `erasedText` when its key is destroyed or its seal broken (logged: `where` names the row). */
function openOne(ctx: ServerContext, keys: DataKeySet, aad: SealAad, sealed: string, where: Record<string, string>): string {
  return keys.openOrErased({ aad }, sealed, () => ctx.log.warn(where, 'an inbox note does not open here: altered or moved')) ?? erasedText;
}

/** Seal the bot's handover note under the conversation's person's key. */
export async function sealHandoverNote(ctx: ServerContext, place: { conversationId: string; personId: string }, text: string): Promise<string> {
  const keyId = await dataKeyOf(ctx, { kind: 'person', id: place.personId });
  return seal(ctx, { keyId, aad: handoverAad(place) }, text);
}

/** The rows with `handover_note` opened: every reader of `inbox_conversations.handover_note` goes through here. */
export async function openHandoverNotes<Row extends { conversation_id: string; person_id: string; handover_note: string | null }>(ctx: ServerContext, rows: readonly Row[]): Promise<Row[]> {
  const sealed = rows.filter((row) => row.handover_note !== null && isSealed(row.handover_note));
  if (sealed.length === 0) return [...rows];
  const keys = await loadKeysOfSealed(ctx, sealed.map((row) => row.handover_note!));
  return rows.map((row) => {
    if (row.handover_note === null || !isSealed(row.handover_note)) return row;
    const aad = handoverAad({ conversationId: row.conversation_id, personId: row.person_id });
    return Object.assign({}, row, { handover_note: openOne(ctx, keys, aad, row.handover_note, { conversationId: row.conversation_id }) });
  });
}

/** The notes with their text opened: every reader of `inbox_notes.text` goes through here (one key load per list). */
export async function openNotes(ctx: ServerContext, rows: readonly NoteWithPerson[]): Promise<InboxNoteRow[]> {
  const sealed = rows.filter((row) => isSealed(row.text));
  const keys = sealed.length === 0 ? undefined : await loadKeysOfSealed(ctx, sealed.map((row) => row.text));
  return rows.map((row) => {
    const { person_id: _personId, ...note } = row;
    return keys && isSealed(note.text) ? Object.assign({}, note, { text: openOne(ctx, keys, noteAad({ id: row.id, personId: row.person_id }), row.text, { noteId: row.id }) }) : note;
  });
}
