// `npm start`: Parley and the Sandbox Bank in one process, the bank's bot wired to Parley.
// This launcher may import both packages; the bank itself never imports the server.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ParleyApiError, ParleyClient } from '@parley/sdk';
import { buildApp } from '../packages/server/src/app';
import { runCli } from '../packages/server/src/cli/main';
import { ConfigError, loadConfig } from '../packages/server/src/platform/config';
import { buildBank } from '../packages/sandbox-bank/src/bank';
import { botEventTypes, webhookPath } from '../packages/sandbox-bank/src/bot';
import { demoCustomers } from '../packages/sandbox-bank/src/customers';
import { BankConfigError, loadBankConfig, type BankConfig, type ParleyLink } from '../packages/sandbox-bank/src/platform/config';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** What the bank keeps about its link to Parley: `${DATA_DIR}/sandbox-bank/keys/parley.json`, mode 0600. */
interface StoredLink {
  readonly apiKey: string;
  readonly webhookSecret: string;
  readonly endpointId: string;
  readonly webhookUrl: string;
  /** The key's scopes; missing in links stored before alerts, whose key must be made again. */
  readonly scopes?: string;
}

/** What the bot does at Parley: talk, alert (fraud alerts through the Alert API), and manage its webhook endpoint. */
const bankKeyScopes = 'messages:send,alerts:send,notices:send,webhooks:manage';

function readStored(file: string): StoredLink | null {
  try {
    const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<StoredLink>;
    return stored.apiKey && stored.webhookSecret && stored.endpointId && stored.webhookUrl ? (stored as StoredLink) : null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || error instanceof SyntaxError) return null;
    throw error;
  }
}

function writeStored(file: string, link: StoredLink): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, JSON.stringify(link, null, 2), { mode: 0o600 });
  fs.renameSync(temporary, file);
}

/** A new API key for the seeded `sandbox-bank` business, through Parley's own CLI command. */
async function createBankKey(env: NodeJS.ProcessEnv): Promise<string> {
  let out = '';
  let err = '';
  const args = ['business', 'key', 'create', '--business', 'sandbox-bank', '--scopes', bankKeyScopes, '--name', 'Sandbox Bank bot', '--json'];
  const code = await runCli(args, { env, stdout: (text) => (out += text), stderr: (text) => (err += text) });
  if (code !== 0) throw new Error(`could not make the Sandbox Bank's API key: ${err}`);
  return (JSON.parse(out) as { secret: string }).secret;
}

/**
 * The Sandbox Bank as an institution people can link (`parley bank add`, which updates the one
 * with the same issuer): run on every start, so a moved bank URL follows.
 */
async function addBankInstitution(env: NodeJS.ProcessEnv, bank: BankConfig): Promise<void> {
  let err = '';
  const issuer = bank.publicUrl.origin;
  const args = ['bank', 'add', '--issuer', issuer, '--client-id', env.BANK_PARLEY_CLIENT_ID || 'parley', '--ob-base-url', `${issuer}/open-banking/v4.0/aisp`, '--name', 'Sandbox Bank', '--business', 'sandbox-bank'];
  const code = await runCli(args, { env, stdout: () => undefined, stderr: (text) => (err += text) });
  if (code !== 0) throw new Error(`could not add the Sandbox Bank as a bank to link: ${err}`);
}

/** Whether the stored key still works and its endpoint still exists with this URL. */
async function stillValid(parleyUrl: string, stored: StoredLink, webhookUrl: string): Promise<'valid' | 'endpoint' | 'key'> {
  const client = new ParleyClient({ baseUrl: parleyUrl, apiKey: stored.apiKey, maxRetries: 0 });
  try {
    const { endpoints } = await client.listWebhookEndpoints();
    const endpoint = endpoints.find((candidate) => candidate.id === stored.endpointId);
    // An endpoint made before the bot handled more event types (alert.answered) is made again.
    const allEvents = endpoint !== undefined && botEventTypes.every((type) => endpoint.eventTypes.includes(type));
    return endpoint && allEvents && endpoint.url === webhookUrl && stored.webhookUrl === webhookUrl ? 'valid' : 'endpoint';
  } catch (error) {
    // Revoked, unknown (a new database) or lacking a scope: make a new key.
    if (error instanceof ParleyApiError && (error.status === 401 || error.status === 403)) return 'key';
    throw error;
  } finally {
    await client.close();
  }
}

/**
 * The bank's API key and webhook endpoint at Parley: made on first start, reused afterwards,
 * made again when the key was revoked or the endpoint deleted or moved.
 */
async function provisionBankLink(input: { env: NodeJS.ProcessEnv; parleyUrl: string; bank: BankConfig }): Promise<ParleyLink> {
  const file = path.join(input.bank.dataDir, 'keys', 'parley.json');
  // Parley posts to the bank over loopback; 127.0.0.1, not localhost, which may resolve to ::1 first.
  const bankAddress = new URL(input.bank.publicUrl.href);
  if (bankAddress.hostname === 'localhost') bankAddress.hostname = '127.0.0.1';
  const webhookUrl = new URL(webhookPath, bankAddress).href;
  const stored = readStored(file);
  const state = stored && stored.scopes === bankKeyScopes ? await stillValid(input.parleyUrl, stored, webhookUrl) : 'key';
  if (stored && state === 'valid') return { url: input.parleyUrl, apiKey: stored.apiKey, webhookSecret: stored.webhookSecret };
  const apiKey = stored && state === 'endpoint' ? stored.apiKey : await createBankKey(input.env);
  const client = new ParleyClient({ baseUrl: input.parleyUrl, apiKey });
  try {
    // Endpoints left by an earlier key or run would post the same events signed with secrets the bank no longer has.
    const { endpoints } = await client.listWebhookEndpoints();
    const stale = endpoints.filter((endpoint) => endpoint.id === stored?.endpointId || endpoint.url === webhookUrl);
    for (const endpoint of stale) await client.deleteWebhookEndpoint(endpoint.id);
    const endpoint = await client.createWebhookEndpoint({ url: webhookUrl, eventTypes: [...botEventTypes] });
    writeStored(file, { apiKey, webhookSecret: endpoint.secret, endpointId: endpoint.id, webhookUrl, scopes: bankKeyScopes });
    return { url: input.parleyUrl, apiKey, webhookSecret: endpoint.secret };
  } finally {
    await client.close();
  }
}

async function main(): Promise<void> {
  // The bank runs on this machine: Parley must be allowed to post webhooks to a loopback http address.
  const env: NodeJS.ProcessEnv = { ...process.env, PARLEY_WEBHOOKS_ALLOW_PRIVATE: '1' };
  const config = loadConfig(env, { webDistDir: path.join(root, 'packages/web/dist') });
  const app = await buildApp(config);
  await app.listen({ port: config.port, host: config.host });
  const parleyUrl = config.publicUrl.origin;
  // The bank registers Parley as its OpenID client at this address unless told otherwise.
  env.PARLEY_URL ??= parleyUrl;
  // Filled in once the bank runs; a signal before that stops Parley alone.
  const running: { bank?: Awaited<ReturnType<typeof buildBank>> } = {};
  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the Sandbox Bank and Parley…`);
    await running.bank?.close();
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));

  const bankDefaults = loadBankConfig(env);
  const parley = await provisionBankLink({ env, parleyUrl, bank: bankDefaults });
  const bankConfig = loadBankConfig(env, { parley });
  await addBankInstitution(env, bankConfig);
  const bank = await buildBank(bankConfig);
  running.bank = bank;
  await bank.app.listen({ port: bankConfig.port, host: bankConfig.host });
  const logins = demoCustomers.map((customer) => `${customer.username} / ${customer.password}`).join(', ');
  console.log(
    [
      '',
      `  Parley        ${parleyUrl}   (sign up with any email and password, then open the Sandbox Bank chat)`,
      `  Sandbox Bank  ${bankConfig.publicUrl.origin}   (demo logins: ${logins})`,
      `  Data          ${config.databaseUrl ? 'PostgreSQL' : config.dataDir}`,
      '',
      '  Ctrl+C stops both.',
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(`Parley cannot start: ${error.message}`);
  else if (error instanceof BankConfigError) console.error(`Sandbox Bank cannot start: ${error.message}`);
  else console.error('npm start failed:', error);
  process.exit(1);
});
