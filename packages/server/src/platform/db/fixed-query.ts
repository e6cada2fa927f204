import { CompiledQuery, type Compilable, type Kysely } from 'kysely';
import { runNow } from './run-now';

/**
 * A query whose shape never changes, only its values: Kysely builds and compiles it once per
 * database (dialect) and every later call only binds the new values to the same SQL text. On a
 * hot path building and compiling the same query on every call costs about 20 µs each — in
 * bench:alerts a sixth of the server's CPU went to building queries.
 *
 * `build` receives one placeholder per argument and must use each only as a value (in `where`,
 * `values`, `set`…), never to choose the shape: no `$if` on an argument, no `in` list of a
 * varying length. A placeholder that Kysely inlined into the SQL text instead of binding is
 * refused at the first call, so a misuse fails loudly rather than running with a placeholder.
 */
export function fixedQuery<DB, Args extends readonly (string | number | null)[], Row>(
  build: (db: Kysely<DB>, ...args: Args) => Compilable<Row>,
): (db: Kysely<DB>, ...args: Args) => Promise<Row[]> {
  // Per dialect adapter: a transaction shares its database's adapter, so one compile serves both.
  const compiled = new WeakMap<object, { sql: string; binds: readonly Bind[] }>();
  return async (db, ...args) => {
    const adapter = db.getExecutor().adapter;
    let query = compiled.get(adapter);
    if (!query) {
      query = compile(db, build, args.length);
      compiled.set(adapter, query);
    }
    const parameters = query.binds.map((bind) => (bind.kind === 'arg' ? args[bind.index] : bind.value));
    const now = runNow<Row>(db, query.sql, parameters);
    if (now) return now;
    return (await db.executeQuery<Row>(CompiledQuery.raw(query.sql, parameters))).rows;
  };
}

type Bind = { kind: 'arg'; index: number } | { kind: 'constant'; value: unknown };

const marker = '\u0001parley-fixed-query-arg:';

function compile<DB, Args extends readonly unknown[]>(db: Kysely<DB>, build: (db: Kysely<DB>, ...args: Args) => Compilable<unknown>, arity: number): { sql: string; binds: Bind[] } {
  const placeholders = Array.from({ length: arity }, (_, index) => `${marker}${index}`) as unknown as Args;
  const { sql, parameters } = build(db, ...placeholders).compile();
  if (sql.includes(marker)) throw new Error('fixedQuery: an argument was inlined into the SQL text; bind it as a value.');
  const binds = parameters.map((value): Bind => {
    if (typeof value === 'string' && value.startsWith(marker)) return { kind: 'arg', index: Number(value.slice(marker.length)) };
    return { kind: 'constant', value };
  });
  return { sql, binds };
}
