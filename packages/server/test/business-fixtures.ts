import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { ApiKeyScope, Business, BusinessRole, CreatedApiKey, Member } from '@parley/protocol';
import type { BusinessContext } from '../src/business';
import type { ServerContext } from '../src/context';
import type { Tables } from '../src/database';
import { cryptoRandom, systemClock, type Clock } from '../src/platform/clock';
import type { Config } from '../src/platform/config';
import { openDatabase } from '../src/platform/db/database';

/** The operator token the business suites configure. */
export const adminToken = 'test-operator-token-0123456789abcdef-xyz';
export const operator = { authorization: `Bearer ${adminToken}` };

export function bearer(secret: string): Record<string, string> {
  return { authorization: `Bearer ${secret}` };
}

async function asOperator<T>(app: FastifyInstance, method: 'POST', url: string, payload: object): Promise<T> {
  const response = await app.inject({ method, url, headers: operator, payload });
  if (response.statusCode !== 201) throw new Error(`${method} ${url} failed: ${response.statusCode} ${response.body}`);
  return response.json() as T;
}

export function createBusiness(app: FastifyInstance, name: string): Promise<Business> {
  return asOperator(app, 'POST', '/v1/admin/businesses', { name });
}

export function addMember(app: FastifyInstance, businessId: string, email: string, role: BusinessRole): Promise<Member> {
  return asOperator(app, 'POST', `/v1/admin/businesses/${businessId}/members`, { email, role });
}

export function createKey(app: FastifyInstance, businessId: string, scopes: ApiKeyScope[], name = 'test key'): Promise<CreatedApiKey> {
  return asOperator(app, 'POST', `/v1/admin/businesses/${businessId}/keys`, { name, scopes });
}

/**
 * A second handle on a test app's store, for what no route does yet (making a BSID is up to the
 * Send API and webhooks, which come later).
 */
export async function openStore(config: Pick<Config, 'dataDir' | 'databaseUrl'>, clock: Clock = systemClock) {
  const database = await openDatabase<Tables>(config);
  const ctx: BusinessContext & Pick<ServerContext, 'dialect'> = { db: database.db, dialect: database.dialect, clock, random: cryptoRandom };
  return { ctx, db: database.db, close: () => database.close() };
}

/** A clock tests move by hand. */
export function manualClock(start = Date.now()): Clock & { advance(ms: number): void } {
  let now = start;
  return { now: () => now, advance: (ms) => void (now += ms) };
}

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/parley.mjs');

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run the real `parley` command in a child process against a store. */
export function runParley(store: { dataDir: string; databaseUrl: string | null }, args: readonly string[]): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: store.dataDir, LOG_LEVEL: 'silent' };
  if (store.databaseUrl) env.DATABASE_URL = store.databaseUrl;
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { env, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
