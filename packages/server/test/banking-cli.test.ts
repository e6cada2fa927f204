import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/main';
import { createTestApp, dialects, freePort, type TestApp } from './context';
import { signUpPerson } from './people';

// `parley bank add` / `bank list`: the operator's way to configure the banks people can link.

describe.each(dialects)('parley bank (%s)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(() => t?.close());

  async function parley(args: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const env: NodeJS.ProcessEnv = { DATA_DIR: t.config.dataDir, LOG_LEVEL: 'silent', ...(t.config.databaseUrl ? { DATABASE_URL: t.config.databaseUrl } : {}) };
    const code = await runCli(args, { env, stdout: (text) => (out += text), stderr: (text) => (err += text) });
    return { code, out, err };
  }
  const list = async () => (JSON.parse((await parley(['bank', 'list', '--json'])).out) as { institutions: { id: string; name: string; issuer: string; clientId: string; businessId: string; logoUrl: string | null }[] }).institutions;

  it('adds a bank linked to its business, lists it, and updates it (not duplicates) when added again', async () => {
    const add = (name: string) => parley(['bank', 'add', '--issuer', 'https://auth.sandbox.example', '--client-id', 'parley', '--ob-base-url', 'https://api.sandbox.example/open-banking/v4.0/aisp', '--name', name, '--business', 'sandbox-bank', '--logo', 'https://sandbox.example/logo.svg']);
    expect((await add('Sandbox Bank')).code).toBe(0);
    expect((await add('Sandbox Bank (renamed)')).code).toBe(0);
    const banks = await list();
    expect(banks).toHaveLength(1);
    expect(banks[0]).toMatchObject({ name: 'Sandbox Bank (renamed)', issuer: 'https://auth.sandbox.example', clientId: 'parley', logoUrl: 'https://sandbox.example/logo.svg' });
    const text = await parley(['bank', 'list']);
    expect(text.out).toContain('Sandbox Bank (renamed)');
  });

  it('refuses a bank without its business, a bad URL or a missing flag, saying what to do', async () => {
    const noBusiness = await parley(['bank', 'add', '--issuer', 'https://auth.nobank.example', '--client-id', 'parley', '--ob-base-url', 'https://api.nobank.example/aisp', '--name', 'No Such Bank']);
    expect([noBusiness.code, noBusiness.err]).toEqual([1, expect.stringContaining('--business')]);
    const badUrl = await parley(['bank', 'add', '--issuer', 'not a url', '--client-id', 'parley', '--ob-base-url', 'https://api.example/aisp', '--name', 'Sandbox Bank']);
    expect([badUrl.code, badUrl.err]).toEqual([1, expect.stringContaining('issuer')]);
    const missing = await parley(['bank', 'add', '--issuer', 'https://auth.example']);
    expect([missing.code, missing.err]).toEqual([1, expect.stringContaining('--client-id')]);
    expect((await list()).map((bank) => bank.issuer)).not.toContain('https://auth.nobank.example');
  });

  it('adds banks from a file', async () => {
    const file = path.join(t.config.dataDir, 'banks.json');
    fs.writeFileSync(file, JSON.stringify([{ issuer: 'https://auth.second.example', clientId: 'parley-2', obBaseUrl: 'https://api.second.example/aisp', name: 'Second', business: 'sandbox-bank' }]));
    expect((await parley(['bank', 'add', '--file', file])).code).toBe(0);
    expect((await list()).map((bank) => bank.clientId)).toContain('parley-2');
  });

  it('answers 502 ERR_BANK_UNAVAILABLE, not a crash, when a configured bank does not answer', async () => {
    const port = await freePort();
    expect((await parley(['bank', 'add', '--issuer', `http://localhost:${port}`, '--client-id', 'parley', '--ob-base-url', `http://localhost:${port}/aisp`, '--name', 'Down Bank', '--business', 'sandbox-bank'])).code).toBe(0);
    const down = (await list()).find((bank) => bank.name === 'Down Bank');
    const person = await signUpPerson(t.app, 'Patient');
    const response = await t.app.inject({ method: 'POST', url: '/v1/links', headers: person.headers, payload: { institutionId: down?.id, permissions: ['balances'] } });
    expect([response.statusCode, response.json().error.code]).toEqual([502, 'ERR_BANK_UNAVAILABLE']);
  });
});
