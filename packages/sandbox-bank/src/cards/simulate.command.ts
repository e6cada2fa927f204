import { parseArgs } from 'node:util';
import Fastify from 'fastify';
import type { BankContext } from '../context';
import { demoCustomers, ensureSeeded, formatMinor } from '../customers';
import { customerSessions } from '../pages/session';
import { systemClock } from '../platform/clock';
import type { BankConfig } from '../platform/config';
import { openBankDatabase } from '../platform/database';
import { BankEvents } from '../platform/events';
import { loadOrCreateSecret } from '../platform/secrets';
import type { AuthorizationView } from './authorization.service';
import { ensureCards } from './cards.service';
import { simulateAuthorizations } from './simulate.service';

interface SimulateOptions {
  readonly customer: string;
  readonly count: number;
  readonly suspicious: boolean;
}

/** `simulate --customer alice [--suspicious] [--count N]` → options, or a usage sentence. */
export function parseSimulateArgs(args: string[]): SimulateOptions {
  const { values } = parseArgs({ args, options: { customer: { type: 'string', default: 'alice' }, suspicious: { type: 'boolean', default: false }, count: { type: 'string' } }, strict: true });
  const count = values.count === undefined ? (values.suspicious ? 2 : 3) : Number(values.count);
  if (!Number.isInteger(count) || count < 0 || count > 20) throw new Error(`--count must be a whole number from 0 to 20; got "${values.count}".`);
  return { customer: values.customer, count, suspicious: values.suspicious };
}

export function describeAuthorization(auth: AuthorizationView): string {
  const where = auth.country === 'GB' ? 'GB' : `${auth.city ? `${auth.city}, ` : ''}${auth.country}`;
  const outcome = auth.status === 'declined' ? `declined (${auth.declineReason})` : auth.status;
  const rules = auth.rules.length > 0 ? ` — risk ${auth.riskScore}: ${auth.rules.join(', ')}` : '';
  return `${outcome.padEnd(30)} ${auth.currency} ${formatMinor(auth.amountMinor, auth.currency).padStart(8)} at ${auth.merchantName} (${where}) on card ••${auth.cardLast4}${rules}`;
}

/** Through the running bank's own route, so its bot sees `authorization.held`; null when no bank answers or the customer is not a demo one. */
async function simulateOverHttp(config: BankConfig, options: SimulateOptions): Promise<AuthorizationView[] | null> {
  const origin = config.publicUrl.origin;
  const profile = demoCustomers.find((customer) => customer.username === options.customer.toLowerCase());
  if (!profile) return null;
  try {
    const health = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(1500) });
    if (!health.ok) return null;
  } catch {
    return null;
  }
  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const headers = { origin, 'content-type': 'application/x-www-form-urlencoded' };
  const login = await fetch(`${origin}/login`, { method: 'POST', redirect: 'manual', headers, body: form({ username: profile.username, password: profile.password, next: '/' }) });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
  if (login.status !== 303 || !cookie) throw new Error(`The bank at ${origin} did not sign in ${profile.username} (HTTP ${login.status}).`);
  const response = await fetch(`${origin}/demo/simulate`, {
    method: 'POST',
    headers: { origin: headers.origin, 'content-type': headers['content-type'], cookie, accept: 'application/json' },
    body: form({ count: String(options.count), suspicious: String(options.suspicious) }),
  });
  if (!response.ok) throw new Error(`The bank at ${origin} refused the simulation: HTTP ${response.status} ${await response.text()}`);
  return ((await response.json()) as { authorizations: AuthorizationView[] }).authorizations;
}

/** Straight into the bank's SQLite database in DATA_DIR (WAL lets a running server share it). */
async function simulateInDatabase(config: BankConfig, options: SimulateOptions): Promise<AuthorizationView[]> {
  const database = await openBankDatabase(config.dataDir);
  const ctx: BankContext = {
    config,
    db: database.db,
    clock: systemClock,
    events: new BankEvents(),
    log: Fastify({ logger: { level: 'warn' } }).log,
    sessions: customerSessions({ key: loadOrCreateSecret(config.dataDir, 'cookie.key'), now: () => Date.now(), secure: false }),
  };
  try {
    await ensureSeeded(ctx);
    await ensureCards(ctx);
    return await simulateAuthorizations(ctx, options);
  } finally {
    await database.close();
  }
}

/** `npm run bank -- simulate …`: print each authorization and its outcome. */
export async function runSimulateCommand(config: BankConfig, args: string[], print: (line: string) => void): Promise<void> {
  const options = parseSimulateArgs(args);
  const total = options.count + (options.suspicious ? 1 : 0);
  let authorizations = await simulateOverHttp(config, options);
  if (authorizations) {
    print(`Sent ${total} card payment(s) for ${options.customer} through the running bank at ${config.publicUrl.origin} (so its bot hears of any held payment).`);
  } else {
    print(`No bank answers at ${config.publicUrl.origin} for ${options.customer}: writing ${total} card payment(s) to the database in ${config.dataDir} directly (no bot is alerted).`);
    authorizations = await simulateInDatabase(config, options);
  }
  for (const auth of authorizations) print(describeAuthorization(auth));
}
