import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from './ports';

// `npm start` is the README's first command: scripts/start.ts runs Parley and the Sandbox Bank
// in one process and wires the bank's bot to Parley. Run here as a real process, twice on one
// data folder, as a person would. SQLite only: the launcher's own work does not touch the dialect.

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

interface Started {
  readonly child: ChildProcess;
  readonly output: () => string;
}

async function start(env: Record<string, string>): Promise<Started> {
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not come up:\n${output}`)), 45_000);
    const check = (): void => {
      if (!output.includes('Ctrl+C stops both')) return;
      clearTimeout(timer);
      resolve();
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => reject(new Error(`npm start exited (${code}):\n${output}`)));
  });
  return { child, output: () => output };
}

async function stop(started: Started): Promise<number | null> {
  if (started.child.exitCode !== null) return started.child.exitCode;
  const exited = new Promise<number | null>((resolve) => started.child.once('exit', (code) => resolve(code)));
  started.child.kill('SIGTERM');
  return exited;
}

describe('npm start (scripts/start.ts)', () => {
  const running: Started[] = [];
  const folders: string[] = [];
  afterEach(async () => {
    for (const started of running.splice(0)) await stop(started);
    for (const folder of folders.splice(0)) fs.rmSync(folder, { recursive: true, force: true });
  });

  it('starts Parley and the Sandbox Bank, prints both addresses and the demo logins, links the bank once and reuses it', { timeout: 120_000 }, async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-start-'));
    folders.push(dataDir);
    const [port, bankPort] = [await freePort(), await freePort()];
    const env = { DATA_DIR: dataDir, PORT: String(port), BANK_PORT: String(bankPort) };

    const first = await start(env);
    running.push(first);
    expect(first.output()).toContain(`http://localhost:${port}`);
    expect(first.output()).toContain(`http://localhost:${bankPort}`);
    expect(first.output()).toContain('alice / alice-sandbox');
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${bankPort}/healthz`)).status).toBe(200);
    // The bank's OpenID provider answers at its issuer.
    const discovery = (await (await fetch(`http://127.0.0.1:${bankPort}/.well-known/openid-configuration`)).json()) as { issuer: string };
    expect(discovery.issuer).toBe(`http://localhost:${bankPort}`);

    // The bot's key and webhook secret are kept in the bank's folder, for its owner only.
    const linkFile = path.join(dataDir, 'sandbox-bank', 'keys', 'parley.json');
    expect(fs.statSync(linkFile).mode & 0o077).toBe(0);
    const link = fs.readFileSync(linkFile, 'utf8');
    expect(link).toMatch(/"apiKey": "pk_/);
    // ...and never printed.
    expect(first.output()).not.toContain(JSON.parse(link).apiKey);
    expect(await stop(first)).toBe(0);

    // A second start on the same folder reuses the key and endpoint instead of making new ones.
    running.push(await start(env));
    expect(fs.readFileSync(linkFile, 'utf8')).toBe(link);
  });
});
