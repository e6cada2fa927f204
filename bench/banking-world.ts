import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Me, MoneyAccountList } from '@parley/protocol';
import { aispClient, linkCustomer, type AispConnection } from '../packages/sandbox-bank/test/aisp-client';
import { runCli } from '../packages/server/src/cli/main';
import { visitBankUntil } from '../packages/server/test/banking-fixtures';
import { freeLoopbackPort, startServerProcess, type ServerProcess } from '../packages/server/test/server-process';
import { serverNodeFlags } from './run';

// bench:banking's world: a Parley and a Sandbox Bank as child processes on core 0, Alice linked
// in Parley (the real link flow through the bank's pages), and the bench's own Open Banking
// client at the same bank, with DPoP-bound tokens for Alice's balances — as Parley's connector
// calls it.

const here = path.dirname(fileURLToPath(import.meta.url));

export interface BankingWorld {
  readonly parley: ServerProcess;
  readonly bankPid: number;
  readonly bankUrl: string;
  /** Parley's SQLite folder (the bank's is under it). */
  readonly dataDir: string;
  /** Alice's session cookie at Parley, and her first account's id there. */
  readonly cookie: string;
  readonly parleyAccountId: string;
  /** The bench's own connection to the bank, and the same account's id at the bank. */
  readonly direct: AispConnection;
  readonly bankAccountId: string;
  stop(): Promise<void>;
}

async function waitFor(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the bank exited (${child.exitCode}):\n${output()}`);
    if (await fetch(url).then((r) => r.ok, () => false)) return;
    if (Date.now() > deadline) throw new Error(`the bank was not ready in 30 s:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function startBank(input: { dataDir: string; parleyPort: number; wrap: readonly string[]; extraClient: unknown }): Promise<{ child: ChildProcess; url: string }> {
  const port = await freeLoopbackPort();
  const url = `http://localhost:${port}`;
  const parleyClient = {
    clientId: 'parley',
    name: 'Parley',
    jwksUri: `http://127.0.0.1:${input.parleyPort}/.well-known/jwks.json`,
    redirectUris: [`http://localhost:${input.parleyPort}/v1/links/callback`],
  };
  const env = { ...process.env, BANK_PORT: String(port), BANK_PUBLIC_URL: url, DATA_DIR: input.dataDir, LOG_LEVEL: 'warn', BENCH_BANK_CLIENTS: JSON.stringify([parleyClient, input.extraClient]) };
  // BENCH_BANK_FLAGS adds flags to the bank's Node (e.g. "--cpu-prof --cpu-prof-dir=/tmp/bank-prof"), as BENCH_SERVER_FLAGS does to Parley's.
  const bankFlags = (process.env.BENCH_BANK_FLAGS ?? '').split(' ').filter(Boolean);
  const argv = [...serverNodeFlags({ pinned: input.wrap.length > 0, parley: false }), ...bankFlags, '--import', 'tsx', path.join(here, 'banking-bank.ts')];
  const [command, ...args] = input.wrap.length ? [...input.wrap, process.execPath, ...argv] : [process.execPath, ...argv];
  const child = spawn(command as string, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  for (const stream of [child.stdout, child.stderr]) stream?.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)));
  await waitFor(`${url}/.well-known/openid-configuration`, child, () => log);
  return { child, url };
}

/** Sign Alice up at Parley and link her Sandbox Bank account through the bank's real pages. */
async function linkAtParley(parley: ServerProcess, institutionId: string): Promise<{ cookie: string; accountId: string }> {
  const signUp = await fetch(`${parley.baseUrl}/v1/auth/password/sign-up`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `alice-${Date.now()}@example.com`, password: 'correct horse battery staple', displayName: 'Alice Bench' }),
  });
  if (signUp.status !== 201) throw new Error(`sign-up: ${signUp.status} ${await signUp.text()}`);
  const cookie = (signUp.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';
  const me = (await signUp.json()) as Me;
  const started = await fetch(`${parley.baseUrl}/v1/links`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': me.csrfToken },
    body: JSON.stringify({ institutionId, permissions: ['balances', 'transactions', 'account_details'] }),
  });
  if (started.status !== 201) throw new Error(`POST /v1/links: ${started.status} ${await started.text()}`);
  const { authorizationUrl } = (await started.json()) as { authorizationUrl: string };
  const callback = await visitBankUntil(authorizationUrl, { stopAt: `${parley.baseUrl}/v1/links/callback`, username: 'alice', password: 'alice-sandbox' });
  const back = await fetch(callback, { headers: { cookie }, redirect: 'manual' });
  if (!String(back.headers.get('location')).includes('linked=')) throw new Error(`the link failed: ${back.headers.get('location')}`);
  const accounts = (await (await fetch(`${parley.baseUrl}/v1/money/accounts`, { headers: { cookie } })).json()) as MoneyAccountList;
  const first = accounts.accounts[0];
  if (!first) throw new Error('no account after linking');
  return { cookie, accountId: first.id };
}

/** `parleyNodeFlags`: e.g. ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] to profile Parley (the profile is written on a clean stop). */
export async function startBankingWorld(input: { dataDir: string; wrap: readonly string[]; parleyNodeFlags?: readonly string[] }): Promise<BankingWorld> {
  const parley = await startServerProcess({ dataDir: input.dataDir, databaseUrl: null, wrap: input.wrap, env: { LOG_LEVEL: 'warn' }, nodeFlags: [...serverNodeFlags({ pinned: input.wrap.length > 0 }), ...(input.parleyNodeFlags ?? [])] });
  const benchClient = await aispClient({ clientId: 'bench-direct', name: 'bench:banking direct client' });
  const bank = await startBank({ dataDir: input.dataDir, parleyPort: parley.port, wrap: input.wrap, extraClient: benchClient.client });
  const stopAll = async (): Promise<void> => {
    if (process.env.BENCH_BANK_FLAGS) {
      // A clean stop, so that a --cpu-prof among the flags writes its profile; killed if it hangs.
      const exited = new Promise((resolve) => bank.child.once('exit', resolve));
      bank.child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    }
    bank.child.kill('SIGKILL');
    await parley.kill();
  };
  try {
    let out = '';
    let err = '';
    const args = ['bank', 'add', '--issuer', bank.url, '--client-id', 'parley', '--ob-base-url', `${bank.url}/open-banking/v4.0/aisp`, '--name', 'Sandbox Bank', '--json'];
    const code = await runCli(args, { env: { DATA_DIR: input.dataDir, LOG_LEVEL: 'silent' }, stdout: (text) => (out += text), stderr: (text) => (err += text) });
    if (code !== 0) throw new Error(`parley bank add: ${err}`);
    const institution = (JSON.parse(out) as { institutions: { id: string }[] }).institutions[0];
    const linked = await linkAtParley(parley, institution?.id ?? '');
    const direct = await benchClient.connect(bank.url);
    await linkCustomer(direct, { username: 'alice', password: 'alice-sandbox', permissions: ['ReadAccountsBasic', 'ReadBalances'] });
    // Parley's account id is "<consent id>.<the bank's account id>": both paths read the same account.
    const bankAccountId = linked.accountId.split('.')[1];
    const listed = (await (await direct.fetchAisp('/accounts')).json()) as { Data: { Account: { AccountId: string }[] } };
    if (!bankAccountId || !listed.Data.Account.some((account) => account.AccountId === bankAccountId)) throw new Error('the account is not at the bank');
    return { parley, bankPid: bank.child.pid ?? -1, bankUrl: bank.url, dataDir: input.dataDir, cookie: linked.cookie, parleyAccountId: linked.accountId, direct, bankAccountId, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
