import fs from 'node:fs';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import pino from 'pino';
import type { ServerContext } from '../src/context';
import type { Tables } from '../src/database';
import { createInProcessBus } from '../src/platform/bus';
import { cryptoRandom, systemClock } from '../src/platform/clock';
import { openDatabase } from '../src/platform/db/database';
import { createMetrics } from '../src/platform/metrics';
import { KeyRing, masterKeyFile } from '../src/privacy';
import type { DataKeyRow } from '../src/privacy/privacy.table';
import type { TestApp } from './context';

// What the encryption-at-rest suites share: a dump of every table, the SQLite files' bytes, and
// a Parley context over a restored copy of the database (a backup) with today's key file.

/** Every row of every table of the store, as text (bytes as UTF-8 too): where a canary in clear would show. */
export async function everyTableAsText(db: Kysely<Tables>, dialect: string): Promise<Map<string, string>> {
  const tables =
    dialect === 'sqlite'
      ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db)).rows.map((row) => row.name)
      : (await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema()`.execute(db)).rows.map((row) => row.name);
  const dump = new Map<string, string>();
  for (const table of tables) {
    const rows = (await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db)).rows;
    dump.set(table, JSON.stringify(rows, (_key, value: unknown) => (Buffer.isBuffer(value) ? value.toString('utf8') : typeof value === 'bigint' ? String(value) : value)));
  }
  return dump;
}

export function tablesHolding(dump: Map<string, string>, canary: string): string[] {
  return [...dump].filter(([, text]) => text.includes(canary)).map(([table]) => table);
}

/** SQLite only: after a checkpoint, which database files (main, WAL, SHM) hold any of the canaries in their bytes. */
export async function sqliteFilesHolding(db: Kysely<Tables>, dataDir: string, canaries: readonly string[]): Promise<string[]> {
  await sql`pragma wal_checkpoint(TRUNCATE)`.execute(db);
  return fs
    .readdirSync(dataDir)
    .filter((name) => name.startsWith('parley.db'))
    .filter((file) => {
      const bytes = fs.readFileSync(path.join(dataDir, file));
      return canaries.some((canary) => bytes.includes(canary));
    });
}

/** A Parley context over another store (a restored backup), holding Parley's key file as it is now. */
export async function contextOver(t: TestApp, store: { dataDir: string; databaseUrl: string | null }): Promise<{ ctx: ServerContext; close(): Promise<void> }> {
  const config = { ...t.config, dataDir: store.dataDir, databaseUrl: store.databaseUrl };
  fs.copyFileSync(path.join(t.config.dataDir, masterKeyFile), path.join(store.dataDir, masterKeyFile));
  fs.chmodSync(path.join(store.dataDir, masterKeyFile), 0o600);
  const database = await openDatabase<Tables>(config);
  const ctx: ServerContext = { config, db: database.db, dialect: database.dialect, clock: systemClock, random: cryptoRandom, bus: createInProcessBus(), log: pino({ level: 'silent' }), metrics: createMetrics(), keys: new KeyRing(config) };
  return { ctx, close: () => database.close() };
}

/** `data_keys` rows as read back from either database, ready to insert into a restored copy. */
export function restorableKeys(rows: readonly DataKeyRow[]): DataKeyRow[] {
  return rows.map((row) => ({ ...row, created_at: Number(row.created_at), destroyed_at: row.destroyed_at === null ? null : Number(row.destroyed_at) }));
}
