import type { ServerContext } from '../context';
import { isAppError } from '../platform/errors';
import { dataKeyOf, loadDataKeys, seal, type DataKeySet, type SealAad } from '../privacy';
import type { InboxNoteRow } from './inbox.table';

/*
 * An agent's internal note is about a person's conversation (what they asked, what the agent
 * saw), so its text is sealed under that person's data key, like the conversation's messages:
 * deleting their account erases the notes everywhere, backups included. The associated data
 * binds a note to its id and person. Notes stored before sealing existed read as they are.
 */

/** A note row with the person of its conversation (whose key seals it). */
export type NoteWithPerson = InboxNoteRow & { readonly person_id: string };

const erasedText = 'This note was erased.';

function noteAad(place: { id: string; personId: string }): SealAad {
  return { table: 'inbox_notes', rowId: place.id, owner: `person:${place.personId}` };
}

function isSealed(text: string): boolean {
  return text.startsWith('pk1.');
}

/** Seal a new note's text under its conversation's person's key (made on first use). */
export async function sealNote(ctx: ServerContext, place: { id: string; personId: string }, text: string): Promise<string> {
  const keyId = await dataKeyOf(ctx, { kind: 'person', id: place.personId });
  return seal(ctx, { keyId, aad: noteAad(place) }, text);
}

function openOne(ctx: ServerContext, keys: DataKeySet, row: NoteWithPerson): string {
  try {
    return keys.open({ aad: noteAad({ id: row.id, personId: row.person_id }) }, row.text).toString('utf8');
  } catch (error) {
    if (!isAppError(error) || (error.code !== 'ERR_DATA_KEY_DESTROYED' && error.code !== 'ERR_SEAL_BROKEN')) throw error;
    if (error.code === 'ERR_SEAL_BROKEN') ctx.log.warn({ noteId: row.id }, 'an internal note does not open here: altered or moved');
    return erasedText;
  }
}

/** The notes with their text opened: every reader of `inbox_notes.text` goes through here (one key load per list). */
export async function openNotes(ctx: ServerContext, rows: readonly NoteWithPerson[]): Promise<InboxNoteRow[]> {
  const sealed = rows.filter((row) => isSealed(row.text));
  const keys = sealed.length === 0 ? undefined : await loadDataKeys(ctx, sealed.map((row) => row.text.split('.', 2)[1]!));
  return rows.map((row) => {
    const { person_id: _personId, ...note } = row;
    return keys && isSealed(note.text) ? { ...note, text: openOne(ctx, keys, row) } : note;
  });
}
