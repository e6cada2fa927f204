import type { Kysely } from 'kysely';

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
 * A transaction opened with `inTransaction` below is the other case: while its work runs, the
 * connection is its own (it took Kysely's lock on the connection, and BEGIN ran), so a statement
 * on the transaction's instance runs at once on that connection, past Kysely's per-statement
 * queue. That instance is registered here too, and runs a statement only while a transaction
 * holds the connection.
 */
type Runner = (text: string, params: readonly unknown[]) => unknown[] | undefined;

/** Runs `work` in a transaction, giving it the instance bound to the connection the transaction holds. */
export type Transact = <T>(work: (trx: object) => Promise<T>) => Promise<T>;

interface Runners {
  /** A statement on this instance, run at once: undefined when it must go through Kysely instead. */
  readonly idle: Runner;
  /** The database's own instance: how it runs a transaction. */
  readonly transact?: Transact;
}

const runners = new WeakMap<object, Runners>();

/** Called by openDatabase for an SQLite database's Kysely instance, and for its transactions' one. */
export function registerRunNow(db: object, forDb: Runners): void {
  runners.set(db, forDb);
}

/** The statement's rows (none for a statement that returns none), or undefined: run it through Kysely. */
export function runNow<Row>(db: object, text: string, params: readonly unknown[]): Row[] | undefined {
  return runners.get(db)?.idle(text, params) as Row[] | undefined;
}

/**
 * Run `work` in a transaction of its own (every repository's `inTransaction`). On SQLite its
 * `fixedQuery` and `runStatement` statements run at once on the held connection (see above); other
 * queries on `trx` go through Kysely as usual. On PostgreSQL this is Kysely's transaction.
 */
export async function inTransaction<DB, T>(db: Kysely<DB>, work: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
  const transact = runners.get(db)?.transact;
  if (!transact) return db.transaction().execute(work);
  // Anything still issued on `trx` after its work (a bug) is refused (database.ts, HolderSqliteDialect).
  return transact((held) => work(held as unknown as Kysely<DB>));
}
