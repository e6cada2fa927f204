import type { Tables } from '../src/database';
import { runCli } from '../src/cli/main';
import { cryptoRandom, systemClock, type Clock } from '../src/platform/clock';
import type { Config } from '../src/platform/config';
import { openDatabase } from '../src/platform/db/database';
import { KeyRing, type ReceiptContext } from '../src/privacy';

/**
 * A second process's view of a test app's store, as the CLI or another node has it: its own
 * database pool and its own key ring, reading the same key file.
 */
export async function openPrivacyContext(config: Readonly<Config>, clock: Clock = systemClock): Promise<{ ctx: ReceiptContext; close(): Promise<void> }> {
  const database = await openDatabase<Tables>(config);
  const ctx: ReceiptContext = { config, db: database.db, dialect: database.dialect, clock, random: cryptoRandom, keys: new KeyRing(config) };
  return { ctx, close: () => database.close() };
}

export interface InProcessRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `parley <args>` in this process against the store (fast; the child-process runs are in business-cli.test.ts). */
export async function parley(store: Pick<Config, 'dataDir' | 'databaseUrl'>, args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<InProcessRun> {
  const out: string[] = [];
  const err: string[] = [];
  const env: NodeJS.ProcessEnv = { DATA_DIR: store.dataDir, LOG_LEVEL: 'silent', ...extraEnv };
  if (store.databaseUrl) env.DATABASE_URL = store.databaseUrl;
  const code = await runCli(args, { env, stdout: (text) => out.push(text), stderr: (text) => err.push(text) });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}
