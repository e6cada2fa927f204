import path from 'node:path';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const logLevels: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Everything Parley reads from its environment, validated once and frozen. */
export interface Config {
  readonly port: number;
  /** Address to bind; loopback by default so a dev box exposes nothing. */
  readonly host: string;
  /** Where people reach Parley; the origin for passkeys, cookies and CSRF checks. */
  readonly publicUrl: URL;
  readonly dataDir: string;
  /** `postgres://…` selects PostgreSQL; null means embedded SQLite in `dataDir`. */
  readonly databaseUrl: string | null;
  readonly logLevel: LogLevel;
  /** Port of the Sandbox Bank started next to Parley by `npm start`. */
  readonly bankPort: number;
  /** Secure, `__Host-`-prefixed cookies: on whenever PUBLIC_URL is https. */
  readonly secureCookies: boolean;
  /** Directory of the built web app; null when there is none to serve. */
  readonly webDistDir: string | null;
  /** Attempts per client (IP, or email for password sign-in) per window on each sign-up/sign-in route; default 10 per 60 s. */
  readonly authRateLimit?: { readonly max: number; readonly windowMs: number };
  /** Operator token for `/v1/admin/*` (PARLEY_ADMIN_TOKEN); null turns the admin API off (404). */
  readonly adminToken?: string | null;
  /**
   * SQLite fsync policy. `normal` (default, WAL): an acknowledged message survives a crash or
   * kill -9 of Parley, since the commit is in the OS before the ack; a power cut may lose the
   * last commits. `full`: fsync on every commit, surviving power loss too, at a latency cost.
   */
  readonly sqliteSync?: 'normal' | 'full';
  /** Let webhook endpoints be http:// or private/loopback addresses (PARLEY_WEBHOOKS_ALLOW_PRIVATE=1); dev and tests only. */
  readonly webhookAllowPrivate?: boolean;
  /** How long one webhook attempt may take (PARLEY_WEBHOOK_TIMEOUT_MS); default 15 s. */
  readonly webhookTimeoutMs?: number;
  /** Base64 of 32 bytes (PARLEY_MASTER_KEY); null means a key file made in `dataDir` on first start. */
  readonly masterKey?: string | null;
  /**
   * Older master keys (PARLEY_MASTER_KEY_PREVIOUS, comma-separated base64), kept only while
   * `parley keys rotate` re-wraps the data keys still under them; see docs/privacy.md.
   */
  readonly masterKeyPrevious?: readonly string[];
  /** How many notices a business may send in any 24 hours (PARLEY_NOTICES_PER_DAY); default 24. */
  readonly noticesPerDay?: number;
}

export class ConfigError extends Error {}

function readPort(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`${name} must be a port number from 0 to 65535; got "${raw}".`);
  }
  return port;
}

function readInteger(env: NodeJS.ProcessEnv, name: string, range: { fallback: number; min: number; max: number }): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return range.fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < range.min || value > range.max) {
    throw new ConfigError(`${name} must be a whole number from ${range.min} to ${range.max}; got "${raw}".`);
  }
  return value;
}

/**
 * Read the environment once. Fails fast with a sentence that names the variable.
 *
 * @example
 * const config = loadConfig(process.env);
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Readonly<Config> {
  const port = readPort(env, 'PORT', 3000);
  const bankPort = readPort(env, 'BANK_PORT', 4000);
  let publicUrl: URL;
  try {
    publicUrl = new URL(env.PUBLIC_URL || `http://localhost:${port}`);
  } catch {
    throw new ConfigError(`PUBLIC_URL must be an absolute URL such as https://parley.example.com; got "${env.PUBLIC_URL}".`);
  }
  if (publicUrl.protocol !== 'http:' && publicUrl.protocol !== 'https:') {
    throw new ConfigError(`PUBLIC_URL must use http or https; got "${publicUrl.protocol}".`);
  }
  const databaseUrl = env.DATABASE_URL || null;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must start with postgres:// (leave it unset for embedded SQLite).');
  }
  const logLevel = (env.LOG_LEVEL || 'info') as LogLevel;
  if (!logLevels.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${logLevels.join(', ')}; got "${env.LOG_LEVEL}".`);
  }
  const sqliteSync = env.PARLEY_SQLITE_SYNC || 'normal';
  if (sqliteSync !== 'normal' && sqliteSync !== 'full') {
    throw new ConfigError(`PARLEY_SQLITE_SYNC must be "normal" or "full"; got "${sqliteSync}".`);
  }
  const adminToken = env.PARLEY_ADMIN_TOKEN || null;
  if (adminToken !== null && adminToken.length < 32) {
    throw new ConfigError('PARLEY_ADMIN_TOKEN must be at least 32 characters (try `openssl rand -base64 32`), or unset to turn the admin API off.');
  }
  const masterKey = env.PARLEY_MASTER_KEY || null;
  if (masterKey !== null && Buffer.from(masterKey, 'base64').length !== 32) {
    throw new ConfigError('PARLEY_MASTER_KEY must be 32 random bytes in base64 (try `openssl rand -base64 32`), or unset to use a key file in DATA_DIR.');
  }
  const masterKeyPrevious = (env.PARLEY_MASTER_KEY_PREVIOUS || '').split(',').map((key) => key.trim()).filter(Boolean);
  if (masterKeyPrevious.some((key) => Buffer.from(key, 'base64').length !== 32)) {
    throw new ConfigError('PARLEY_MASTER_KEY_PREVIOUS must be comma-separated keys of 32 random bytes in base64.');
  }
  if (masterKeyPrevious.length > 0 && masterKey === null) {
    throw new ConfigError('PARLEY_MASTER_KEY_PREVIOUS needs PARLEY_MASTER_KEY (the new key) set too.');
  }
  const webhookTimeoutMs = readInteger(env, 'PARLEY_WEBHOOK_TIMEOUT_MS', { fallback: 15_000, min: 1_000, max: 60_000 });
  const noticesPerDay = readInteger(env, 'PARLEY_NOTICES_PER_DAY', { fallback: 24, min: 1, max: 10_000 });
  const config: Config = {
    port,
    host: env.HOST || '127.0.0.1',
    publicUrl,
    dataDir: path.resolve(env.DATA_DIR || './data'),
    databaseUrl,
    logLevel,
    bankPort,
    secureCookies: publicUrl.protocol === 'https:',
    webDistDir: null,
    adminToken,
    sqliteSync,
    webhookAllowPrivate: env.PARLEY_WEBHOOKS_ALLOW_PRIVATE === '1',
    webhookTimeoutMs,
    masterKey,
    masterKeyPrevious,
    noticesPerDay,
    ...overrides,
  };
  return Object.freeze(config);
}
