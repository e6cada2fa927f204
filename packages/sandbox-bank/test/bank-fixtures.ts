import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { buildBank, type BankDeps, type SandboxBank } from '../src/bank';
import { loadBankConfig, type BankConfig } from '../src/platform/config';

// This file stays free of vitest imports so other packages' tests can start a bank too.

/** A loopback port free at the moment of asking. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A bank listening on 127.0.0.1, reachable at `url` (http://localhost:PORT, its issuer). */
export interface TestBank extends SandboxBank {
  readonly url: string;
  readonly dataDir: string;
  /** Stop it and remove its data folder (unless `keepData`). */
  stop(options?: { keepData?: boolean }): Promise<void>;
}

/**
 * Start a Sandbox Bank on a fresh data folder (or `dataDir`, to restart one), listening on a
 * free loopback port. Config defaults to no Parley link and no registered clients unless given.
 */
export async function startTestBank(options: { config?: Partial<BankConfig>; deps?: BankDeps; dataDir?: string } = {}): Promise<TestBank> {
  const port = await freePort();
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bank-'));
  const config = loadBankConfig(
    { BANK_PORT: String(port), LOG_LEVEL: 'silent' },
    { dataDir, clients: [], parley: null, publicUrl: new URL(`http://localhost:${port}`), ...options.config },
  );
  const bank = await buildBank(config, options.deps);
  await bank.app.listen({ port, host: '127.0.0.1' });
  return {
    ...bank,
    url: `http://localhost:${port}`,
    dataDir,
    async stop({ keepData = false } = {}) {
      await bank.close();
      if (!keepData) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
