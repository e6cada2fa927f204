import type { Db } from '../database';
import type { Dialect } from '../platform/db/database';
import { cachedStatement, forEachChunk, runStatement as run, valuesList } from '../platform/db/values-list';
import type { MessageRow, ThreadOwner } from './messaging.table';

/*
 * The group committer's SQL. It is written by hand, not built with Kysely, because it runs
 * once per batch with thousands of parameters (platform/db/values-list.ts): no query is
 * compiled per message. Every statement works on SQLite (3.35+: RETURNING, UPDATE … FROM) and
 * PostgreSQL alike.
 */

/** Run `work` in a transaction of its own (on SQLite, its hand-written statements run at once: platform/db/run-now.ts). */
export { inTransaction } from '../platform/db/run-now';

export interface ConversationOwnerRow {
  id: string;
  person_id: string;
  business_id: string;
}

/** Who owns each of these conversations; absent ids do not exist. */
export async function findOwners(db: Db, dialect: Dialect, ids: readonly string[]): Promise<ConversationOwnerRow[]> {
  const found: ConversationOwnerRow[] = [];
  await forEachChunk(ids, 1, async (chunk) => {
    const text = cachedStatement(`owners:${dialect}:${chunk.length}`, () => {
      const marks = chunk.map((_, i) => (dialect === 'postgres' ? `$${i + 1}` : '?')).join(', ');
      return `select id, person_id, business_id from conversations where id in (${marks})`;
    });
    found.push(...(await run<ConversationOwnerRow>(db, text, chunk)));
  });
  return found;
}

export type StoredMessageRow = Pick<MessageRow, 'conversation_id' | 'seq' | 'client_id' | 'sender' | 'body' | 'created_at'>;

/** The messages already stored under these (conversationId, clientId) pairs: `pairs` is flat, [c1, k1, c2, k2, …]. */
export async function findByClientIds(db: Db, dialect: Dialect, pairs: readonly string[]): Promise<StoredMessageRow[]> {
  const found: StoredMessageRow[] = [];
  await forEachChunk(pairs, 2, async (chunk) => {
    const text = cachedStatement(`dedupe:${dialect}:${chunk.length}`, () => {
      const values = valuesList(dialect, chunk.length / 2, ['text', 'text']);
      return `select conversation_id, seq, client_id, sender, body, created_at from messages where (conversation_id, client_id) in (values ${values})`;
    });
    found.push(...(await run<StoredMessageRow>(db, text, chunk)));
  });
  return found;
}

/**
 * Reserve `count` seqs in each conversation by bumping last_seq, which also takes the row
 * lock that orders concurrent writers (several nodes on PostgreSQL), and note when the person
 * last wrote. `counts` is flat, [id1, n1, personWrote1, id2, …] (personWrote 1 or 0).
 * Returns each conversation's new last_seq; a missing id is gone.
 */
export interface ReservedSeqs {
  /** The conversation's new last_seq. */
  readonly last: number;
  /** Who owns the thread now, read under the same row lock (for webhook routing). */
  readonly threadOwner: ThreadOwner;
}

export async function reserveSeqs(
  db: Db,
  dialect: Dialect,
  options: { counts: readonly (string | number)[]; at: number },
): Promise<Map<string, ReservedSeqs>> {
  const reserved = new Map<string, ReservedSeqs>();
  await forEachChunk(options.counts, 3, async (chunk) => {
    const text = cachedStatement(`reserve:${dialect}:${chunk.length}`, () => {
      const values = valuesList(dialect, chunk.length / 3, ['text', 'bigint', 'int'], 2);
      // PostgreSQL reuses $1; SQLite takes the time twice (better-sqlite3 binds only bare ? from an array).
      const at = dialect === 'postgres' ? '$1::bigint' : '?';
      return (
        `update conversations set last_seq = last_seq + v.column2, last_message_at = ${at}, ` +
        `last_person_message_at = case when v.column3 = 1 then ${at} else last_person_message_at end ` +
        `from (values ${values}) as v where conversations.id = v.column1 returning id, last_seq, thread_owner`
      );
    });
    const rows = await run<{ id: string; last_seq: number | string; thread_owner: ThreadOwner }>(db, text, dialect === 'postgres' ? [options.at, ...chunk] : [options.at, options.at, ...chunk]);
    for (const row of rows) reserved.set(row.id, { last: Number(row.last_seq), threadOwner: row.thread_owner });
  });
  return reserved;
}

const messageColumns = ['text', 'bigint', 'text', 'text', 'text', 'text', 'bigint'] as const;

/** Insert messages with multi-row inserts; `params` is flat, seven values per row in column order. */
export async function insertMessages(db: Db, dialect: Dialect, params: readonly unknown[]): Promise<void> {
  const width = messageColumns.length;
  await forEachChunk(params, width, async (chunk) => {
    const text = cachedStatement(`insert:${dialect}:${chunk.length}`, () => {
      const values = valuesList(dialect, chunk.length / width, messageColumns);
      return `insert into messages (conversation_id, seq, client_id, sender, content_type, body, created_at) values ${values}`;
    });
    await run(db, text, chunk);
  });
}

/** Name the human agent of each of these just-inserted business messages (agent console replies). */
export async function setAgentNames(db: Db, rows: readonly { conversationId: string; seq: number; name: string }[]): Promise<void> {
  for (const row of rows) {
    await db.updateTable('messages').set({ agent_name: row.name }).where('conversation_id', '=', row.conversationId).where('seq', '=', row.seq).execute();
  }
}
