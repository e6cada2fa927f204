import fs from 'node:fs';
import path from 'node:path';
import { ParleyClient } from '@parley/sdk';
import { parleyUrlOf, type BankConfig } from '../platform/config';

/**
 * The bot's API key at Parley: PARLEY_API_KEY, or the one `npm start` provisioned and keeps in
 * `${DATA_DIR}/sandbox-bank/keys/parley.json`.
 */
function apiKeyOf(config: BankConfig): string {
  if (config.parley) return config.parley.apiKey;
  const file = path.join(config.dataDir, 'keys', 'parley.json');
  try {
    const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as { apiKey?: unknown };
    if (typeof stored.apiKey === 'string' && stored.apiKey !== '') return stored.apiKey;
  } catch {
    // Said below, in words that name both places.
  }
  throw new Error(`No API key for Parley: set PARLEY_API_KEY, or run \`npm start\` once so the Sandbox Bank gets one (${file}).`);
}

/**
 * `npm run bank -- notice "Online banking is down on Sunday 02:00–04:00 UTC."`: the Sandbox
 * Bank sends a notice to everyone who follows it at Parley, through the SDK like any bank.
 */
export async function runNoticeCommand(config: BankConfig, env: NodeJS.ProcessEnv, args: string[], print: (line: string) => void): Promise<void> {
  const text = args.join(' ').trim();
  if (text === '') throw new Error('Usage: npm run bank -- notice "the text every follower gets"');
  const baseUrl = config.parley?.url ?? parleyUrlOf(env);
  const client = new ParleyClient({ baseUrl, apiKey: apiKeyOf(config) });
  try {
    const { noticeId } = await client.sendNotice({ text });
    print(`Notice ${noticeId} sent through ${baseUrl} to everyone who follows the Sandbox Bank's notices (Parley does not tell the bank who they are).`);
  } finally {
    await client.close();
  }
}
