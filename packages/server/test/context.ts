import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { inject } from 'vitest';
import { buildApp, type AppDeps } from '../src/app';
import { loadConfig, type Config } from '../src/platform/config';
import type { Dialect } from '../src/platform/db/database';
import { freePort } from './ports';

export { freePort };

/** Both stores run the same suite: `describe.each(dialects)(...)`. */
export const dialects: Dialect[] = ['sqlite', 'postgres'];

export interface TestApp {
  readonly app: FastifyInstance;
  readonly config: Readonly<Config>;
  readonly dialect: Dialect;
  /** http://localhost:PORT when built with `listen: true`; '' otherwise (use app.inject). */
  readonly baseUrl: string;
  close(): Promise<void>;
}

let databaseCounter = 0;

/**
 * Drop a test database once its connections are gone. pg-pool's end() resolves before its
 * sockets close, and a forced drop would kill those backends and throw from a client that no
 * longer listens for errors. The cluster is deleted after the run, so a drop that never gets
 * its turn costs nothing.
 */
async function dropWhenFree(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  client.on('error', () => undefined);
  await client.connect();
  try {
    for (let attempt = 0; attempt < 20; attempt++) {
      try {
        await client.query(`drop database if exists ${name}`);
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  } finally {
    await client.end();
  }
}

/** A fresh, empty store of the given dialect: a temp folder for SQLite, a new database for PostgreSQL. */
export async function freshStore(dialect: Dialect): Promise<{ dataDir: string; databaseUrl: string | null; drop(): Promise<void> }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-test-'));
  if (dialect === 'sqlite') {
    return { dataDir, databaseUrl: null, drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }) };
  }
  const adminUrl = inject('pgUrl');
  const name = `parley_${process.pid}_${Date.now()}_${databaseCounter++}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const databaseUrl = adminUrl.replace(/\/postgres$/, `/${name}`);
  return {
    dataDir,
    databaseUrl,
    drop: async () => {
      fs.rmSync(dataDir, { recursive: true, force: true });
      await dropWhenFree(adminUrl, name);
    },
  };
}

/**
 * Build a Parley app on a fresh store. With `listen: true` it serves on a real loopback
 * port whose URL (http://localhost:PORT) is also its PUBLIC_URL, for WebSocket and
 * browser tests; `close()` shuts it and drops the store.
 */
export async function createTestApp(
  dialect: Dialect,
  options: { listen?: boolean; config?: Partial<Config>; deps?: AppDeps } = {},
): Promise<TestApp> {
  const store = await freshStore(dialect);
  const port = options.listen ? await freePort() : 0;
  const publicUrl = new URL(options.listen ? `http://localhost:${port}` : 'http://localhost:3000');
  const config = loadConfig(
    { LOG_LEVEL: 'silent' },
    // Suites sign up many people from one address; the rate-limit test asks for a low limit itself.
    { dataDir: store.dataDir, databaseUrl: store.databaseUrl, publicUrl, authRateLimit: { max: 100_000, windowMs: 60_000 }, ...options.config },
  );
  const app = await buildApp(config, options.deps);
  if (options.listen) await app.listen({ port, host: '127.0.0.1' });
  return {
    app,
    config,
    dialect,
    baseUrl: options.listen ? publicUrl.origin : '',
    async close() {
      await app.close();
      await store.drop();
    },
  };
}
