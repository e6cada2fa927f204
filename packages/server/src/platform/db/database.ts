import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type DatabaseConnection, type Driver, type MigrationProvider, type SqliteDatabase, type SqliteDialectConfig, type SqliteStatement } from 'kysely';
import pg from 'pg';
import type { Config } from '../config';
import { migrations } from './migrations';
import { registerRunNow, type Transact } from './run-now';
import { startCheckpointer } from './sqlite-checkpointer';

export type Dialect = 'sqlite' | 'postgres';

/** An open database: the Kysely instance, which dialect it speaks, and how to close it. */
export interface Database<Tables> {
  readonly db: Kysely<Tables>;
  readonly dialect: Dialect;
  close(): Promise<void>;
}

// PostgreSQL returns BIGINT as a string; every bigint column here is a millisecond
// timestamp or a counter well inside Number.MAX_SAFE_INTEGER.
pg.types.setTypeParser(20, (value) => Number.parseInt(value, 10));

/**
 * Open embedded SQLite in `dataDir` (WAL; see Config.sqliteSync) or PostgreSQL when
 * `databaseUrl` is set, and bring the schema up to date.
 */
export async function openDatabase<Tables>(
  config: Pick<Config, 'dataDir' | 'databaseUrl' | 'sqliteSync'>,
  options: { onIdleError?: (error: Error) => void; /** SQLite: how often the WAL is checkpointed (tests). */ checkpointEveryMs?: number } = {},
): Promise<Database<Tables>> {
  const onIdleError = options.onIdleError ?? (() => undefined);
  const database = config.databaseUrl ? openPostgres<Tables>(config.databaseUrl, onIdleError) : openSqlite<Tables>(config.dataDir, config.sqliteSync, options.checkpointEveryMs);
  await migrateToLatest(database.db as unknown as Kysely<unknown>);
  return database;
}

/** A WAL that grew past this during a burst is cut back to it when it next starts over. */
const walSizeLimit = 64 * 1024 * 1024;

function openSqlite<Tables>(dataDir: string, sync: Config['sqliteSync'], checkpointEveryMs?: number): Database<Tables> {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, 'parley.db');
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  // In WAL mode NORMAL makes each commit durable against a crash of this process (the
  // write is in the OS before the ack), without an fsync that blocks the event loop;
  // FULL adds power-loss durability at that cost. See Config.sqliteSync.
  sqlite.pragma(`synchronous = ${sync === 'full' ? 'FULL' : 'NORMAL'}`);
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // 8 MiB of page cache, and dirty pages never spilled to the WAL in mid-transaction: a batch
  // of messages dirties a page of each index of a busy table at a random place, and spilling
  // them (SQLite's 2 MiB default cache) made 100 ms commits at 5,000 messages/s. A bigger cache
  // costs every commit that split an index page: SQLite's b-tree balance renumbers pages through
  // the lock-byte page (page 262,145), and the commit then scans the whole page-cache hash table
  // to drop it (pcache1TruncateUnsafe: 5% of the server's CPU at 64 MiB in bench:alerts).
  sqlite.pragma('cache_size = -8192');
  sqlite.pragma('cache_spill = 0');
  // Checkpoints run in a worker thread (sqlite-checkpointer.ts), never inside a commit here.
  sqlite.pragma('wal_autocheckpoint = 0');
  sqlite.pragma(`journal_size_limit = ${walSizeLimit}`);
  const statements = withStatementCache(sqlite);
  const dialect = new HeldSqliteDialect({ database: statements });
  const db = new Kysely<Tables>({ dialect });
  const run = (text: string, params: readonly unknown[]): unknown[] => {
    const statement = statements.prepare(text);
    if (statement.reader) return statement.all(params as unknown[]) as unknown[];
    statement.run(params as unknown[]);
    return [];
  };
  // One instance for every transaction's work, bound to the connection the open transaction
  // holds: Kysely's own transaction() builds a Transaction, an executor and a connection provider
  // for each (about 2 KB and 5 µs), and the group commit and the Idempotency-Key writes open
  // several a millisecond.
  let holder: DatabaseConnection | undefined;
  const trx = new Kysely<Tables>({ dialect: new HolderSqliteDialect({ database: statements }, () => holder) });
  const transact = async <T>(work: (trx: Kysely<Tables>) => Promise<T>): Promise<T> => {
    // Kysely's lock on the one connection, as its transaction() takes it (the driver is initialized: migrations ran).
    const driver = dialect.driver;
    const connection = await driver.acquireConnection();
    holder = connection;
    try {
      run('begin', []);
      try {
        const result = await work(trx);
        run('commit', []);
        return result;
      } catch (error) {
        if (sqlite.inTransaction) run('rollback', []);
        throw error;
      }
    } finally {
      holder = undefined;
      await driver.releaseConnection(connection);
    }
  };
  registerRunNow(db, { idle: (text, params) => (dialect.held > 0 ? undefined : run(text, params)), transact: transact as unknown as Transact });
  registerRunNow(trx, { idle: (text, params) => (holder ? run(text, params) : undefined) });
  let finishing = false;
  // The worker copied all but what was committed during its last pass; copy that here, through
  // Kysely so it waits for an open transaction, and the next commit starts the WAL over.
  const finishRound = (): void => {
    if (finishing) return;
    finishing = true;
    sql`pragma wal_checkpoint(PASSIVE)`
      .execute(db)
      .catch(() => undefined) // Busy or closing: the next round tries again.
      .finally(() => (finishing = false));
  };
  const checkpointer = startCheckpointer(file, finishRound, checkpointEveryMs);
  return {
    db,
    dialect: 'sqlite',
    close: async () => {
      await checkpointer.stop();
      await db.destroy();
    },
  };
}

/** Kysely's SQLite dialect, counting whether its one connection is handed out (see run-now.ts). */
class HeldSqliteDialect extends SqliteDialect {
  /** Queries and transactions holding the connection: 0 or 1, as Kysely lends it to one at a time. */
  held = 0;
  #driver: Driver | undefined;

  /** The driver Kysely made (once, with the instance), with its lock on the connection. */
  get driver(): Driver {
    if (!this.#driver) throw new Error('The SQLite driver is not made yet.');
    return this.#driver;
  }

  override createDriver(): Driver {
    const driver = super.createDriver();
    this.#driver = driver;
    const acquire = driver.acquireConnection.bind(driver);
    const release = driver.releaseConnection.bind(driver);
    driver.acquireConnection = async (): Promise<DatabaseConnection> => {
      const connection = await acquire();
      this.held += 1;
      return connection;
    };
    driver.releaseConnection = async (connection: DatabaseConnection): Promise<void> => {
      this.held -= 1;
      await release(connection);
    };
    return driver;
  }
}

/**
 * The dialect of the instance a transaction's work gets (openSqlite's `transact`): its queries run
 * on the connection the open transaction holds, which it neither locks nor releases — the
 * transaction did and will. A transaction inside one is refused, as Kysely refuses it.
 */
class HolderSqliteDialect extends SqliteDialect {
  constructor(
    config: SqliteDialectConfig,
    private readonly holder: () => DatabaseConnection | undefined,
  ) {
    super(config);
  }

  override createDriver(): Driver {
    const holder = this.holder;
    const nested = async (): Promise<never> => {
      throw new Error('A transaction cannot be opened inside another.');
    };
    return {
      init: async () => undefined,
      acquireConnection: async () => {
        const connection = holder();
        if (!connection) throw new Error('A query on a transaction that has ended.');
        return connection;
      },
      beginTransaction: nested,
      commitTransaction: nested,
      rollbackTransaction: nested,
      releaseConnection: async () => undefined,
      destroy: async () => undefined,
    };
  }
}

/** Prepared statements kept per connection; past this the cache starts over. */
const statementCacheSize = 1000;

/**
 * Kysely's SQLite driver prepares every query afresh, and preparing costs more than running
 * a small statement. The same SQL text reuses its prepared statement instead. Safe because
 * Kysely runs one query at a time on this single connection.
 */
function withStatementCache(sqlite: SQLite.Database): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    close: () => void sqlite.close(),
    prepare(text: string) {
      let statement = statements.get(text);
      if (!statement) {
        if (statements.size >= statementCacheSize) statements.clear();
        statement = withRowsBuiltHere(sqlite.prepare(text));
        statements.set(text, statement);
      }
      return statement;
    },
  };
}

/**
 * A statement whose rows are built by JavaScript from better-sqlite3's raw rows (arrays), by an
 * object literal made once per statement. better-sqlite3 12 builds each row with V8's
 * `Object::New(prototype, names, values)`; on Node 20 those rows took new hidden classes, one per
 * column after the first, for every row (three to a dozen old-generation objects per query, and
 * megamorphic property reads after): bench/README.md, "Hidden classes made per request".
 */
function withRowsBuiltHere(statement: SQLite.Statement): SqliteStatement {
  const first = statement.reader ? rowBuilder(statement) : undefined;
  if (!first) return statement;
  let build = first;
  statement.raw(true);
  const toRow = (values: unknown[]): unknown => {
    // SQLite prepares a statement again after a schema change: a `select *` may have more columns.
    if (values.length !== build.width) build = rowBuilder(statement) ?? build;
    return build.row(values);
  };
  return {
    reader: true,
    all(parameters) {
      const rows = statement.all(parameters as unknown[]) as unknown[];
      for (let i = 0; i < rows.length; i++) rows[i] = toRow(rows[i] as unknown[]);
      return rows;
    },
    run: (parameters) => statement.run(parameters as unknown[]),
    *iterate(parameters) {
      for (const values of statement.iterate(parameters as unknown[])) yield toRow(values as unknown[]);
    },
  };
}

/** An object literal with the statement's columns, in order: undefined when a column is named "__proto__" (a literal would set the prototype). */
function rowBuilder(statement: SQLite.Statement): { width: number; row: (values: unknown[]) => unknown } | undefined {
  const names = statement.columns().map((column) => column.name);
  if (names.includes('__proto__')) return undefined;
  const row = new Function('v', `return { ${names.map((name, i) => `${JSON.stringify(name)}: v[${i}]`).join(', ')} };`) as (values: unknown[]) => unknown;
  return { width: names.length, row };
}

function openPostgres<Tables>(connectionString: string, onIdleError: (error: Error) => void): Database<Tables> {
  const pool = new pg.Pool({ connectionString, max: 10 });
  // An idle connection can die under us (PostgreSQL restarts, a proxy drops it). pg-pool then
  // discards it and the next query opens a new one; without a listener the error would
  // crash the process instead.
  pool.on('error', (error) => onIdleError(error));
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', close: () => db.destroy() };
}

const provider: MigrationProvider = { getMigrations: async () => migrations };

export async function migrateToLatest(db: Kysely<unknown>): Promise<void> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`Database migration ${failed?.migrationName ?? ''} failed.`, { cause: error });
  }
}
