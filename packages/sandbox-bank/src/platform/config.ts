import path from 'node:path';

/** A relying party registered at the bank's OpenID provider (Parley in production; test clients in tests). */
export interface BankClient {
  readonly clientId: string;
  /** Where the bank fetches the client's public keys for `private_key_jwt` (Parley: `${PARLEY_URL}/.well-known/jwks.json`). */
  readonly jwksUri?: string;
  /** Or the keys themselves (tests). */
  readonly jwks?: { readonly keys: readonly Record<string, unknown>[] };
  readonly redirectUris: readonly string[];
  /** Where the bank POSTs signed event notifications (consent revoked at the bank); none → not notified. */
  readonly eventsUrl?: string;
  /** Shown on the consent page: who is asking. */
  readonly name: string;
}

/** How the bank's bot reaches Parley: null runs the bank without a bot (OpenID and Open Banking tests). */
export interface ParleyLink {
  readonly url: string;
  readonly apiKey: string;
  readonly webhookSecret: string;
}

export interface BankConfig {
  readonly port: number;
  readonly host: string;
  /** Where people and clients reach the bank; the OpenID issuer. */
  readonly publicUrl: URL;
  /** The bank's own folder (its SQLite database and signing keys): `${DATA_DIR}/sandbox-bank`. */
  readonly dataDir: string;
  /** Seed of the synthetic customers and history: the same seed, the same bank. */
  readonly seed: string;
  /** End of the synthetic history (ms since the epoch, BANK_HISTORY_END); null: midnight UTC of the day the bank is first seeded. */
  readonly historyEnd: number | null;
  readonly clients: readonly BankClient[];
  readonly parley: ParleyLink | null;
  /** Lifetime of authorization codes in seconds (FAPI 2.0: at most 60). Tests shorten it. */
  readonly codeTtlSeconds: number;
  readonly logLevel: string;
}

export class BankConfigError extends Error {
  override readonly name = 'BankConfigError';
}

function readPort(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new BankConfigError(`${name} must be a port number (0–65535); got "${raw}".`);
  return port;
}

function readUrl(env: NodeJS.ProcessEnv, name: string, fallback: string): URL {
  const raw = env[name] || fallback;
  try {
    return new URL(raw);
  } catch {
    throw new BankConfigError(`${name} must be an absolute URL such as http://localhost:4000; got "${raw}".`);
  }
}

function readInstant(env: NodeJS.ProcessEnv, name: string): number | null {
  const raw = env[name];
  if (raw === undefined || raw === '') return null;
  const at = Date.parse(raw);
  if (Number.isNaN(at)) throw new BankConfigError(`${name} must be an ISO 8601 date such as 2026-11-01 or 2026-11-01T00:00:00Z; got "${raw}".`);
  return at;
}

/** Where Parley answers: PARLEY_URL, or localhost on Parley's PORT (3000). */
export function parleyUrlOf(env: NodeJS.ProcessEnv): string {
  return readUrl(env, 'PARLEY_URL', `http://localhost:${readPort(env, 'PORT', 3000)}`).origin;
}

/**
 * Read the bank's configuration once from the environment; validated and frozen.
 * `parley` (the bot's API key and webhook secret) is passed in by whoever provisioned it
 * (`npm start`) or read from PARLEY_API_KEY / PARLEY_WEBHOOK_SECRET.
 */
export function loadBankConfig(env: NodeJS.ProcessEnv, overrides: Partial<BankConfig> = {}): BankConfig {
  const port = readPort(env, 'BANK_PORT', 4000);
  const publicUrl = readUrl(env, 'BANK_PUBLIC_URL', `http://localhost:${port}`);
  const parleyUrl = parleyUrlOf(env);
  const parleyClient: BankClient = {
    clientId: env.BANK_PARLEY_CLIENT_ID || 'parley',
    name: 'Parley',
    jwksUri: `${parleyUrl}/.well-known/jwks.json`,
    redirectUris: [`${parleyUrl}/v1/links/callback`],
    eventsUrl: `${parleyUrl}/v1/banking/events`,
  };
  const apiKey = env.PARLEY_API_KEY;
  const webhookSecret = env.PARLEY_WEBHOOK_SECRET;
  return Object.freeze({
    port,
    host: env.HOST || '127.0.0.1',
    publicUrl,
    dataDir: path.resolve(env.DATA_DIR || './data', 'sandbox-bank'),
    seed: env.BANK_SEED || 'sandbox-bank',
    historyEnd: readInstant(env, 'BANK_HISTORY_END'),
    clients: [parleyClient],
    parley: apiKey && webhookSecret ? { url: parleyUrl, apiKey, webhookSecret } : null,
    codeTtlSeconds: 60,
    logLevel: env.LOG_LEVEL || 'info',
    ...overrides,
  });
}
