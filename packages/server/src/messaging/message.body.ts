import type { MessageContent } from '@parley/protocol';
import type { ServerContext } from '../context';
import { isSealed, loadKeysOfSealed, loadOwnerKeys, type DataKeySet, type PrivacyContext, type SealAad } from '../privacy';
import type { PersonPayloadKeys } from '../webhooks';
import { findPlainBodies, replaceBody } from './conversation.repository';
import { findOwners } from './message.repository';

/*
 * A message's body (its MessageContent as JSON) is stored sealed under the data key of the
 * conversation's person: destroying that key (account deletion) erases every copy of their
 * messages, both sides of the conversation, backups included. The associated data binds a body
 * to its conversation, seq and person, so a body copied to another row does not open there.
 * Bodies written before sealing existed are plain JSON and read as they are.
 */

/** Where a body is stored: what its seal is bound to. */
export interface BodyPlace {
  readonly personId: string;
  readonly conversationId: string;
  readonly seq: number;
}

/** The columns a reader has: the person is looked up from the conversation when absent. */
export interface StoredBody {
  readonly conversation_id: string;
  readonly seq: number | string;
  readonly body: string;
  readonly person_id?: string | undefined;
}

/** What a person sees in place of a message whose key was destroyed (or whose seal is broken). */
export const erasedContent: MessageContent = { contentType: 'text', text: 'This message was erased.' };
const erasedBody = JSON.stringify(erasedContent);

export function bodyAad(place: BodyPlace): SealAad {
  return { table: 'messages', rowId: `${place.conversationId}:${place.seq}`, owner: `person:${place.personId}` };
}

/** The keys of a batch's people, loaded before its transaction so each body seals synchronously inside it. */
export interface BodySealer extends PersonPayloadKeys {
  seal(place: Omit<BodyPlace, 'personId'>, content: MessageContent): string;
}

/** `personOf`: conversation id → its person, for every conversation the batch writes to. */
export async function bodySealerFor(ctx: PrivacyContext, personOf: ReadonlyMap<string, string>): Promise<BodySealer> {
  const { keyIds, keys } = await loadOwnerKeys(ctx, 'person', personOf.values());
  return {
    keys,
    keyIdOf: (personId) => keyIds.get(personId),
    seal(place, content) {
      const personId = personOf.get(place.conversationId);
      const keyId = personId === undefined ? undefined : keyIds.get(personId);
      if (personId === undefined || keyId === undefined) throw new Error(`No data key was loaded for the person of conversation ${place.conversationId}.`);
      return keys.seal({ keyId, aad: bodyAad({ personId, conversationId: place.conversationId, seq: place.seq }) }, JSON.stringify(content));
    },
  };
}

/** Seal one body (a conversation's greeting); writers of many use `bodySealerFor`. */
export async function sealBody(ctx: PrivacyContext, place: BodyPlace, content: MessageContent): Promise<string> {
  return (await bodySealerFor(ctx, new Map([[place.conversationId, place.personId]]))).seal(place, content);
}

/** Erased (key destroyed) or broken: this message reads as erased, the rest of the page still reads. */
function openOne(ctx: ServerContext, keys: DataKeySet, place: BodyPlace, body: string): string {
  const broken = () => ctx.log.warn({ conversationId: place.conversationId, seq: place.seq }, 'a message body does not open here: altered or moved');
  return keys.openOrErased({ aad: bodyAad(place) }, body, broken) ?? erasedBody;
}

/**
 * The same rows with each `body` opened to its plain JSON: every reader of `messages.body`
 * goes through here. Legacy plain bodies pass as they are; a body whose person's key is gone
 * reads as `erasedContent`. One read of the conversations (when rows lack `person_id`) and
 * one of the keys not yet cached, however many rows.
 */
export async function openBodies<Row extends StoredBody>(ctx: ServerContext, rows: readonly Row[]): Promise<Row[]> {
  const sealed = rows.filter((row) => isSealed(row.body));
  if (sealed.length === 0) return [...rows];
  const people = new Map<string, string>();
  for (const row of sealed) if (row.person_id !== undefined) people.set(row.conversation_id, row.person_id);
  const unknown = [...new Set(sealed.filter((row) => !people.has(row.conversation_id)).map((row) => row.conversation_id))];
  if (unknown.length > 0) for (const owner of await findOwners(ctx.db, ctx.dialect, unknown)) people.set(owner.id, owner.person_id);
  const keys = await loadKeysOfSealed(ctx, sealed.map((row) => row.body));
  return rows.map((row) => {
    if (!isSealed(row.body)) return row;
    const personId = people.get(row.conversation_id);
    // A conversation already erased: nobody's key can open its rows any more.
    if (personId === undefined) return Object.assign({}, row, { body: erasedBody });
    return Object.assign({}, row, { body: openOne(ctx, keys, { personId, conversationId: row.conversation_id, seq: Number(row.seq) }, row.body) });
  });
}

/** `openBodies` for one row. */
export async function openBody<Row extends StoredBody>(ctx: ServerContext, row: Row): Promise<Row> {
  return (await openBodies(ctx, [row]))[0]!;
}

/** A list row that shows its conversation's newest message (`m_seq`, `m_body`), as the conversation and inbox lists do. */
export interface PreviewRow {
  readonly m_seq: number | string | null;
  readonly m_body: string | null;
}

/** `openBodies` for list rows: each row's `m_body` opened; `placeOf` names its conversation (and person, when the row has it). */
export async function openPreviews<Row extends PreviewRow>(
  ctx: ServerContext,
  rows: readonly Row[],
  placeOf: (row: Row) => { conversationId: string; personId?: string | undefined },
): Promise<Row[]> {
  const previews = rows.flatMap((row, index) => {
    if (row.m_seq === null || row.m_body === null) return [];
    const place = placeOf(row);
    return [{ index, conversation_id: place.conversationId, seq: row.m_seq, body: row.m_body, person_id: place.personId }];
  });
  const opened = await openBodies(ctx, previews);
  const result = [...rows];
  for (const preview of opened) result[preview.index] = Object.assign({}, rows[preview.index]!, { m_body: preview.body });
  return result;
}

/**
 * `parley messages seal`: seal the bodies stored in clear before sealing existed, in pages of
 * `batch`, under each conversation's person key. Safe while Parley runs (a row changed meanwhile
 * is left alone) and to run again. The old plaintext may linger in free database pages until
 * they are reused: VACUUM afterwards (see docs/privacy.md).
 */
export async function sealPlainBodies(ctx: PrivacyContext, options: { batch?: number } = {}): Promise<{ sealed: number }> {
  const limit = options.batch ?? 500;
  let sealed = 0;
  let after: { conversationId: string; seq: number } | null = null;
  for (;;) {
    const rows = await findPlainBodies(ctx.db, { after, limit });
    if (rows.length === 0) return { sealed };
    const sealer = await bodySealerFor(ctx, new Map(rows.map((row) => [row.conversation_id, row.person_id])));
    for (const row of rows) {
      const content = parseContent(row.body);
      // Not JSON: nothing Parley wrote; left for the operator rather than guessed at.
      if (content === undefined) continue;
      const to = sealer.seal({ conversationId: row.conversation_id, seq: row.seq }, content);
      if (await replaceBody(ctx.db, { conversationId: row.conversation_id, seq: row.seq, from: row.body, to })) sealed++;
    }
    const last = rows[rows.length - 1]!;
    after = { conversationId: last.conversation_id, seq: last.seq };
    if (rows.length < limit) return { sealed };
  }
}

function parseContent(body: string): MessageContent | undefined {
  try {
    return JSON.parse(body) as MessageContent;
  } catch {
    return undefined;
  }
}
