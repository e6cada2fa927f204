import { CompiledQuery } from 'kysely';
import type { Db } from '../database';
import type { Dialect } from '../platform/db/database';
import type { MessageRow, ThreadOwner } from './messaging.table';

/*
 * The group committer's SQL. It is written by hand, not built with Kysely, because it runs
 * once per batch with thousands of parameters: a statement's text depends only on the
 * dialect and the number of rows, so it is cached and no query is compiled per message.
 * Every statement works on SQLite (3.35+: RETURNING, UPDATE … FROM) and PostgreSQL alike.
 */

/** Rows per statement: 7 × 1000 parameters stays far below SQLite's 32,766 and PostgreSQL's 65,535. */
export const rowsPerStatement = 1000;

const statementCache = new Map<string, string>();
/** Batch sizes vary; keep the texts of the recent ones only (a 1000-row insert is ~50 kB). */
const maxCachedStatements = 64;

function cached(key: string, build: () => string): string {
  let text = statementCache.get(key);
  if (text === undefined) {
    text = build();
    if (statementCache.size >= maxCachedStatements) statementCache.clear();
    statementCache.set(key, text);
  }
  return text;
}

/** `(?, ?), (?, ?)` or `($2::text, $3::bigint), …` for `rows` tuples of the given PostgreSQL types. */
function tuples(dialect: Dialect, rows: number, types: readonly string[], firstParam: number): string {
  const parts: string[] = [];
  let n = firstParam;
  for (let row = 0; row < rows; row++) {
    const cells = types.map((type) => (dialect === 'postgres' ? `$${n++}::${type}` : '?'));
    parts.push(`(${cells.join(', ')})`);
  }
  return parts.join(', ');
}

async function run<Row>(db: Db, text: string, params: unknown[]): Promise<Row[]> {
  const result = await db.executeQuery<Row>(CompiledQuery.raw(text, params));
  return result.rows;
}

export async function inTransaction<T>(db: Db, work: (trx: Db) => Promise<T>): Promise<T> {
  return db.transaction().execute(work);
}

export interface ConversationOwnerRow {
  id: string;
  person_id: string;
  business_id: string;
}

/** Who owns each of these conversations; absent ids do not exist. */
export async function findOwners(db: Db, dialect: Dialect, ids: readonly string[]): Promise<ConversationOwnerRow[]> {
  const found: ConversationOwnerRow[] = [];
  for (let start = 0; start < ids.length; start += rowsPerStatement) {
    const chunk = ids.slice(start, start + rowsPerStatement);
    const text = cached(`owners:${dialect}:${chunk.length}`, () => {
      const marks = chunk.map((_, i) => (dialect === 'postgres' ? `$${i + 1}` : '?')).join(', ');
      return `select id, person_id, business_id from conversations where id in (${marks})`;
    });
    found.push(...(await run<ConversationOwnerRow>(db, text, chunk)));
  }
  return found;
}

export type StoredMessageRow = Pick<MessageRow, 'conversation_id' | 'seq' | 'client_id' | 'sender' | 'body' | 'created_at'>;

/** The messages already stored under these (conversationId, clientId) pairs: `pairs` is flat, [c1, k1, c2, k2, …]. */
export async function findByClientIds(db: Db, dialect: Dialect, pairs: readonly string[]): Promise<StoredMessageRow[]> {
  const found: StoredMessageRow[] = [];
  const perChunk = rowsPerStatement * 2;
  for (let start = 0; start < pairs.length; start += perChunk) {
    const chunk = pairs.slice(start, start + perChunk);
    const text = cached(`dedupe:${dialect}:${chunk.length}`, () => {
      const values = tuples(dialect, chunk.length / 2, ['text', 'text'], 1);
      return `select conversation_id, seq, client_id, sender, body, created_at from messages where (conversation_id, client_id) in (values ${values})`;
    });
    found.push(...(await run<StoredMessageRow>(db, text, chunk)));
  }
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
  const perChunk = rowsPerStatement * 3;
  for (let start = 0; start < options.counts.length; start += perChunk) {
    const chunk = options.counts.slice(start, start + perChunk);
    const text = cached(`reserve:${dialect}:${chunk.length}`, () => {
      const values = tuples(dialect, chunk.length / 3, ['text', 'bigint', 'int'], 2);
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
  }
  return reserved;
}

const messageColumns = ['text', 'bigint', 'text', 'text', 'text', 'text', 'bigint'] as const;

/** Insert messages with multi-row inserts; `params` is flat, seven values per row in column order. */
export async function insertMessages(db: Db, dialect: Dialect, params: readonly unknown[]): Promise<void> {
  const width = messageColumns.length;
  const perChunk = rowsPerStatement * width;
  for (let start = 0; start < params.length; start += perChunk) {
    const chunk = params.slice(start, start + perChunk);
    const text = cached(`insert:${dialect}:${chunk.length}`, () => {
      const values = tuples(dialect, chunk.length / width, messageColumns, 1);
      return `insert into messages (conversation_id, seq, client_id, sender, content_type, body, created_at) values ${values}`;
    });
    await run(db, text, chunk as unknown[]);
  }
}

/** Name the human agent of each of these just-inserted business messages (agent console replies). */
export async function setAgentNames(db: Db, rows: readonly { conversationId: string; seq: number; name: string }[]): Promise<void> {
  for (const row of rows) {
    await db.updateTable('messages').set({ agent_name: row.name }).where('conversation_id', '=', row.conversationId).where('seq', '=', row.seq).execute();
  }
}
