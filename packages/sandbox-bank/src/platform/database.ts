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
  const db = new Kysely<BankTables>({ dialect: new SqliteDialect({ database: sqlite }) });
  const provider: MigrationProvider = { getMigrations: async () => migrations as Record<string, Migration> };
  const { error } = await new Migrator({ db, provider }).migrateToLatest();
  if (error) {
    await db.destroy();
    throw error instanceof Error ? error : new Error(String(error));
  }
  return { db, close: () => db.destroy() };
}
