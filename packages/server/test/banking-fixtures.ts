import type { Institution } from '@parley/protocol';
import { startTestBank, type TestBank } from '../../sandbox-bank/test/bank-fixtures';
import { visitBank } from '../../sandbox-bank/test/oidc-browser';
import { runCli } from '../src/cli/main';
import type { Dialect } from '../src/platform/db/database';
import type { Clock } from '../src/platform/clock';
import { adminToken } from './business-fixtures';
import { createTestApp, type TestApp } from './context';
import { signUpPerson, type TestPerson } from './people';

// A real Parley (listening) and a real Sandbox Bank that registers Parley as its OpenID client by
// jwks_uri, as in production. No vitest imports here.

export interface BankingWorld {
  readonly t: TestApp;
  readonly bank: TestBank;
  readonly institution: Institution;
  close(): Promise<void>;
}

/** Parley first (the bank needs its URL), then the bank, then `parley bank add` through the CLI. */
export async function startBankingWorld(dialect: Dialect, options: { clock?: Clock; bankEvents?: boolean } = {}): Promise<BankingWorld> {
  const t = await createTestApp(dialect, { listen: true, config: { adminToken, webhookAllowPrivate: true }, deps: options.clock ? { clock: options.clock } : undefined });
  // Loopback by address: the bank's HTTP client may try ::1 first for "localhost", where Parley does not listen.
  const parleyLoopback = t.baseUrl.replace('localhost', '127.0.0.1');
  const bank = await startTestBank({
    config: {
      clients: [
        {
          clientId: 'parley',
          name: 'Parley',
          jwksUri: `${parleyLoopback}/.well-known/jwks.json`,
          redirectUris: [`${t.baseUrl}/v1/links/callback`],
          ...(options.bankEvents === false ? {} : { eventsUrl: `${parleyLoopback}/v1/banking/events` }),
        },
      ],
    },
  });
  const env: NodeJS.ProcessEnv = { DATA_DIR: t.config.dataDir, LOG_LEVEL: 'silent', ...(t.config.databaseUrl ? { DATABASE_URL: t.config.databaseUrl } : {}) };
  let out = '';
  let err = '';
  const args = ['bank', 'add', '--issuer', bank.url, '--client-id', 'parley', '--ob-base-url', `${bank.url}/open-banking/v4.0/aisp`, '--name', 'Sandbox Bank', '--json'];
  const code = await runCli(args, { env, stdout: (text) => (out += text), stderr: (text) => (err += text) });
  if (code !== 0) throw new Error(`parley bank add failed: ${err}`);
  const institution = (JSON.parse(out) as { institutions: Institution[] }).institutions[0] as Institution;
  return {
    t,
    bank,
    institution,
    async close() {
      await bank.stop();
      await t.close();
    },
  };
}

/** What the browser saw at the end of a link: where Parley sent it back. */
export interface LinkOutcome {
  readonly location: string;
  readonly linked: string | null;
  readonly error: string | null;
}

/** A browser at the bank (the bank's own test browser): signs in, consents, and stops at the first redirect to `stopAt`. */
export async function visitBankUntil(start: string, input: { stopAt: string; username: string; password: string; refuse?: boolean }): Promise<URL> {
  const { callbackUrl } = await visitBank(new URL(start), { username: input.username, password: input.password, refuse: input.refuse }, { stopAt: input.stopAt });
  return callbackUrl;
}

/** Start a link in Parley, sign in and consent at the bank, and come back to Parley's callback as `cameBackAs`. */
export async function linkBank(
  world: BankingWorld,
  person: TestPerson,
  options: { permissions?: string[]; expiresInDays?: number; refuse?: boolean; cameBackAs?: TestPerson; username?: string } = {},
): Promise<LinkOutcome> {
  const started = await world.t.app.inject({
    method: 'POST',
    url: '/v1/links',
    headers: person.headers,
    payload: { institutionId: world.institution.id, permissions: options.permissions ?? ['balances', 'transactions', 'account_details'], ...(options.expiresInDays ? { expiresInDays: options.expiresInDays } : {}) },
  });
  if (started.statusCode !== 201) throw new Error(`POST /v1/links: ${started.statusCode} ${started.body}`);
  const { authorizationUrl } = started.json() as { authorizationUrl: string };
  const username = options.username ?? 'alice';
  const callback = await visitBankUntil(authorizationUrl, { stopAt: `${world.t.baseUrl}/v1/links/callback`, username, password: `${username}-sandbox`, refuse: options.refuse });
  return comeBack(world, callback, options.cameBackAs ?? person);
}

/** The browser arrives at Parley's callback with this person's cookie. */
export async function comeBack(world: BankingWorld, callback: URL, person: TestPerson | null): Promise<LinkOutcome> {
  const response = await world.t.app.inject({ url: `${callback.pathname}${callback.search}`, headers: person ? { cookie: person.cookie } : {} });
  if (response.statusCode !== 303) throw new Error(`callback answered ${response.statusCode}: ${response.body}`);
  const location = String(response.headers.location);
  const url = new URL(location, world.t.baseUrl);
  return { location, linked: url.searchParams.get('linked'), error: url.searchParams.get('link_error') };
}

export { signUpPerson };
