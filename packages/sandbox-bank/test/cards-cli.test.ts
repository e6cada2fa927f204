import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { openBankDatabase } from '../src/platform/database';
import { freePort, startTestBank } from './bank-fixtures';

const run = promisify(execFile);
const cli = path.resolve(import.meta.dirname, '../src/cli.ts');
const folders: string[] = [];

// The CLI runs as people run it (`npm run bank -- simulate`), in its own process; async so an in-process bank can answer it.
async function simulate(args: string[], env: Record<string, string>): Promise<string> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', cli, 'simulate', ...args], { env: { ...process.env, LOG_LEVEL: 'silent', ...env }, cwd: path.resolve(import.meta.dirname, '../../..') });
  return stdout;
}

describe('npm run bank -- simulate', () => {
  afterAll(() => folders.forEach((folder) => fs.rmSync(folder, { recursive: true, force: true })));

  it('writes to the database in DATA_DIR when no bank answers, and says so', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bank-cli-'));
    folders.push(dataDir);
    const port = await freePort();
    const output = await simulate(['--customer', 'alice', '--suspicious'], { DATA_DIR: dataDir, BANK_PORT: String(port), BANK_PUBLIC_URL: `http://localhost:${port}` });
    expect(output).toContain('writing 3 card payment(s) to the database');
    expect(output).toMatch(/^held .*842\.10 at .*unusual_amount, new_country/m);
    expect(output.match(/^approved /gm)).toHaveLength(2);

    const database = await openBankDatabase(path.join(dataDir, 'sandbox-bank'));
    try {
      const rows = await database.db.selectFrom('card_authorizations').innerJoin('customers', 'customers.id', 'card_authorizations.customer_id').select(['status', 'username', 'amount_minor']).execute();
      expect(rows.map((row) => row.status).sort()).toEqual(['approved', 'approved', 'held']);
      expect(rows.every((row) => row.username === 'alice')).toBe(true);
    } finally {
      await database.close();
    }
  });

  it('goes through the running bank when one answers, so its bot hears about held payments', async () => {
    const bank = await startTestBank();
    const held: string[] = [];
    bank.ctx.events.on('authorization.held', (event) => held.push(event.authorizationId));
    try {
      const unused = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bank-cli-'));
      folders.push(unused);
      const output = await simulate(['--customer', 'bob', '--count', '1', '--suspicious'], { DATA_DIR: unused, BANK_PORT: new URL(bank.url).port, BANK_PUBLIC_URL: bank.url });
      expect(output).toContain(`through the running bank at ${bank.url}`);
      expect(output).toMatch(/^held .*842\.10/m);
      expect(held).toHaveLength(1);
      const rows = await bank.ctx.db.selectFrom('card_authorizations').select('status').execute();
      expect(rows.map((row) => row.status).sort()).toEqual(['approved', 'held']);
      // Nothing was written to the other data folder.
      expect(fs.existsSync(path.join(unused, 'sandbox-bank', 'bank.db'))).toBe(false);
    } finally {
      await bank.stop();
    }
  });

  it('refuses a bad count with a sentence', async () => {
    await expect(simulate(['--count', 'many'], { DATA_DIR: os.tmpdir(), BANK_PORT: String(await freePort()) })).rejects.toMatchObject({ stderr: expect.stringContaining('--count must be a whole number') });
  });
});
