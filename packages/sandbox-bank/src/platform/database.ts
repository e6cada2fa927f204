import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type Migration, type MigrationProvider } from 'kysely';
import type { BankTables } from '../database';
import { migrations } from './migrations';

export interface BankDatabase {
  readonly db: Kysely<BankTables>;
  close(): Promise<void>;
}

/** The bank's durability: an acknowledged write is fsynced (the DPoP proof claims excepted, oidc.repository.ts). */
export const bankSynchronous = 'FULL';

/** Open the bank's own SQLite database in `dataDir` (WAL, synchronous FULL: a bank does not lose an acknowledged write) and migrate it. */
export async function openBankDatabase(dataDir: string): Promise<BankDatabase> {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const sqlite = new SQLite(path.join(dataDir, 'bank.db'));
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(`synchronous = ${bankSynchronous}`);
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<BankTables>({ dialect: new SqliteDialect({ database: reusingStatements(sqlite) }) });
  const provider: MigrationProvider = { getMigrations: async () => migrations as Record<string, Migration> };
  const { error } = await new Migrator({ db, provider }).migrateToLatest();
  if (error) {
    await db.destroy();
    throw error instanceof Error ? error : new Error(String(error));
  }
  return { db, close: () => db.destroy() };
}

/** Prepared statements kept; past this many the bank starts over. */
const statementLimit = 500;

/**
 * Kysely's SQLite driver prepares each query again, and preparing costs more than running most
 * of the bank's statements (a balance read makes about ten). The same SQL text reuses its
 * statement: Kysely runs one query at a time on this one connection, so no two share it at once.
 */
function reusingStatements(sqlite: SQLite.Database): Pick<SQLite.Database, 'close' | 'prepare'> {
  const prepared = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare: ((source: string) => {
      const known = prepared.get(source);
      if (known) return known;
      if (prepared.size >= statementLimit) prepared.clear();
      const statement = sqlite.prepare(source);
      prepared.set(source, statement);
      return statement;
    }) as SQLite.Database['prepare'],
  };
}
