import { CompiledQuery, type QueryResult } from 'kysely';
import type { Dialect } from './database';
import { runNow } from './run-now';

/*
 * Hand-written multi-row statements for hot paths that write a whole batch at once (the group
 * committer, the Idempotency-Key batchers). A statement's text depends only on the dialect and
 * the number of rows, so it is built once per shape and cached: no query is built per row.
 */

/** Rows per statement: 8 × 1000 parameters stays far below SQLite's 32,766 and PostgreSQL's 65,535. */
const rowsPerStatement = 1000;

const statementCache = new Map<string, string>();
/** Batch sizes vary; keep the texts of the recent ones only (a 1000-row insert is ~50 kB). */
const maxCachedStatements = 128;

/** The SQL text cached under `key` (dialect, statement and row count), built on first use. */
export function cachedStatement(key: string, build: () => string): string {
  let text = statementCache.get(key);
  if (text === undefined) {
    text = build();
    if (statementCache.size >= maxCachedStatements) statementCache.clear();
    statementCache.set(key, text);
  }
  return text;
}

/**
 * `(?, ?), (?, ?)` on SQLite or `($2::text, $3::bigint), …` on PostgreSQL: `rows` tuples of
 * the given PostgreSQL types, numbered from `firstParam`. Their columns are `column1`, `column2`…
 * on both when used as `(values …) as v`.
 */
export function valuesList(dialect: Dialect, rows: number, types: readonly string[], firstParam = 1): string {
  const parts: string[] = [];
  let n = firstParam;
  for (let row = 0; row < rows; row++) {
    const cells = types.map((type) => (dialect === 'postgres' ? `$${n++}::${type}` : '?'));
    parts.push(`(${cells.join(', ')})`);
  }
  return parts.join(', ');
}

/** Calls `each` with every slice of `items` that holds at most `rowsPerStatement` rows of `width` values. */
export async function forEachChunk<T>(items: readonly T[], width: number, each: (chunk: T[]) => Promise<void>): Promise<void> {
  const perChunk = rowsPerStatement * width;
  for (let start = 0; start < items.length; start += perChunk) await each(items.slice(start, start + perChunk));
}

/** Anything that runs a compiled query: a Kysely instance or a transaction of one. */
export interface RawExecutor {
  executeQuery<R>(query: CompiledQuery<R>): Promise<QueryResult<R>>;
}

/** Runs SQL text with its parameters and returns the rows. */
export async function runStatement<Row>(db: RawExecutor, text: string, params: readonly unknown[]): Promise<Row[]> {
  const now = runNow<Row>(db, text, params);
  if (now) return now;
  const result = await db.executeQuery(CompiledQuery.raw(text, params as unknown[]) as CompiledQuery<Row>);
  return result.rows;
}
