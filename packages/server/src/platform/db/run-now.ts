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
 * queue. Its instance is known here only until its work has settled.
 */
type Runner = (text: string, params: readonly unknown[]) => unknown[] | undefined;

/** Runs `work` in a transaction, giving it the instance bound to the connection the transaction holds. */
export type Transact = <T>(work: (trx: object) => Promise<T>) => Promise<T>;

interface Runners {
  /** A statement on the database's own instance: undefined while something holds the connection. */
  readonly idle: Runner;
  /** A statement of the transaction that holds the connection. */
  readonly held: Runner;
  readonly transact: Transact;
}

const runners = new WeakMap<object, Runners>();
const transactions = new WeakMap<object, Runner>();

/** Called by openDatabase for an SQLite database's Kysely instance. */
export function registerRunNow(db: object, forDb: Runners): void {
  runners.set(db, forDb);
}

/** The statement's rows (none for a statement that returns none), or undefined: run it through Kysely. */
export function runNow<Row>(db: object, text: string, params: readonly unknown[]): Row[] | undefined {
  return ((transactions.get(db) ?? runners.get(db)?.idle)?.(text, params)) as Row[] | undefined;
}

/**
 * Run `work` in a transaction of its own (every repository's `inTransaction`). On SQLite its
 * `fixedQuery` and `runStatement` statements run at once on the held connection (see above); other
 * queries on `trx` go through Kysely as usual. On PostgreSQL this is Kysely's transaction.
 */
export async function inTransaction<DB, T>(db: Kysely<DB>, work: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
  const forDb = runners.get(db);
  if (!forDb) return db.transaction().execute(work);
  return forDb.transact(async (held) => {
    const trx = held as unknown as Kysely<DB>;
    transactions.set(trx, forDb.held);
    try {
      return await work(trx);
    } finally {
      // Anything still issued on `trx` after its work (a bug) is refused (database.ts, HolderSqliteDialect).
      transactions.delete(trx);
    }
  });
}
