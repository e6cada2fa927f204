/**
 * A statement run at once on SQLite's one connection, skipping Kysely's queue for it, when
 * nothing holds the connection. Kysely hands the connection out one query or transaction at a
 * time through a promise-based lock; for a single statement on an idle connection that is about
 * half a dozen promises and a few microseconds of bookkeeping around a statement that itself
 * takes a few microseconds. better-sqlite3 runs a statement synchronously, so between "is the
 * connection free?" and the statement's end nothing else can run: a statement run here can never
 * land inside someone's open transaction. When the connection is held (a transaction is open, or
 * a query is on its way) the caller takes Kysely's path and waits its turn as before.
 *
 * Only the database's own Kysely instance is registered: a transaction's instance is not, so a
 * statement inside a transaction always runs on that transaction's connection through Kysely.
 */
type Runner = (text: string, params: readonly unknown[]) => unknown[] | undefined;

const runners = new WeakMap<object, Runner>();

/** Called by openDatabase for an SQLite database's Kysely instance. */
export function registerRunNow(db: object, runner: Runner): void {
  runners.set(db, runner);
}

/** The statement's rows (none for a statement that returns none), or undefined: run it through Kysely. */
export function runNow<Row>(db: object, text: string, params: readonly unknown[]): Row[] | undefined {
  return runners.get(db)?.(text, params) as Row[] | undefined;
}
