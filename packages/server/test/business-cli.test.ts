import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import type { ApiKeyList, Business, CreatedApiKey, MemberList } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app';
import { bsidFor } from '../src/business';
import { loadConfig } from '../src/platform/config';
import { bearer, openStore, runParley, type CliRun } from './business-fixtures';
import { dialects, freshStore } from './context';
import { signUpPerson, type TestPerson } from './people';

// The operator's CLI, run as a real child process against the same store as a running app: what
// it makes, the app serves at once.

// Each run starts Node and tsx afresh (1–2 s, more on a busy 2-core box).
const slow = { timeout: 120_000 };

function ok(run: CliRun): string {
  if (run.code !== 0) throw new Error(`parley exited ${run.code}: ${run.stderr}`);
  return run.stdout;
}

describe.each(dialects)('the parley CLI on %s', (dialect) => {
  let store: Awaited<ReturnType<typeof freshStore>>;
  let app: FastifyInstance;
  let direct: Awaited<ReturnType<typeof openStore>>;
  let bank: Business;
  let person: TestPerson;
  let bsid: string;
  const secrets: string[] = [];

  beforeAll(async () => {
    store = await freshStore(dialect);
    const config = loadConfig(
      { LOG_LEVEL: 'silent' },
      { dataDir: store.dataDir, databaseUrl: store.databaseUrl, authRateLimit: { max: 100_000, windowMs: 60_000 } },
    );
    // Made by the CLI before the server first starts, as the issue's own example does.
    const created = ok(await runParley(store, ['business', 'create', '--name', 'Sandbox Bank', '--json']));
    bank = JSON.parse(created) as Business;
    app = await buildApp(config);
    direct = await openStore(store);
    person = await signUpPerson(app);
  });
  afterAll(async () => {
    await direct?.close();
    await app?.close();
    await store?.drop();
  });

  const bsids = (secret: string) => app.inject({ url: `/v1/bsids/${bsid}`, headers: bearer(secret) });

  it('creates and lists businesses; a taken slug is refused', slow, async () => {
    expect(bank).toMatchObject({ name: 'Sandbox Bank', slug: 'sandbox-bank' });
    const other = await runParley(store, ['business', 'create', '--name', 'Other Bank', '--slug', 'other']);
    expect(ok(other)).toMatch(/^Created business "Other Bank" \(slug other, id [0-9a-f-]{36}\)\.$/m);
    const again = await runParley(store, ['business', 'create', '--name', 'Sandbox Bank']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/slug "sandbox-bank" already exists/);

    const listed = ok(await runParley(store, ['business', 'list']));
    expect(listed).toMatch(/^sandbox-bank +Sandbox Bank +[0-9a-f-]{36}$/m);
    expect(listed).toMatch(/^other +Other Bank/m);
    // The server's demo seed did not make a second Sandbox Bank next to the CLI's.
    const directory = (await app.inject({ url: '/v1/businesses', headers: { cookie: person.cookie } })).json() as { businesses: Business[] };
    expect(directory.businesses.filter((b) => b.name === 'Sandbox Bank')).toEqual([expect.objectContaining({ id: bank.id })]);
  });

  it('prints a key once that works on an API-key route; a second key works alongside; revoke stops one at once', slow, async () => {
    bsid = await bsidFor(direct.ctx, bank.id, person.me.id);
    const printed = ok(await runParley(store, ['business', 'key', 'create', '--business', 'sandbox-bank', '--scopes', 'messages:send,alerts:send', '--name', 'bot']));
    const first = /^ {2}(pk_[0-9a-f]{12}_[A-Za-z0-9_-]{43})$/m.exec(printed)?.[1] ?? '';
    expect(first).not.toBe('');
    secrets.push(first);
    expect((await bsids(first)).json()).toEqual({ bsid, conversationId: null });

    const second = JSON.parse(ok(await runParley(store, ['business', 'key', 'create', '--business', 'sandbox-bank', '--scopes', 'messages:send', '--json']))) as CreatedApiKey;
    secrets.push(second.secret);
    expect((await bsids(first)).statusCode).toBe(200);
    expect((await bsids(second.secret)).statusCode).toBe(200);

    const listing = ok(await runParley(store, ['business', 'key', 'list', '--business', 'sandbox-bank']));
    expect(listing).toContain(second.key.prefix);
    for (const secret of secrets) expect(listing).not.toContain(secret.slice(16));
    const firstId = /^sandbox-bank +([0-9a-f-]{36}) +(pk_[0-9a-f]{12}) +bot /m.exec(listing);
    expect(first.startsWith(`${firstId?.[2]}_`)).toBe(true);

    const revoked = await runParley(store, ['business', 'key', 'revoke', firstId?.[1] ?? '']);
    expect(ok(revoked)).toMatch(/^Revoked API key/);
    const refused = await bsids(first);
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error.code).toBe('ERR_UNAUTHENTICATED');
    expect((await bsids(second.secret)).statusCode).toBe(200);

    const unknown = await runParley(store, ['business', 'key', 'revoke', '00000000-0000-4000-8000-000000000000']);
    expect(unknown.code).toBe(1);
  });

  it('adds an owner who then manages the keys on the web', slow, async () => {
    const added = await runParley(store, ['business', 'member', 'add', '--business', 'sandbox-bank', '--email', person.me.email ?? '', '--role', 'owner']);
    expect(ok(added)).toContain('as owner');
    const keys = await app.inject({ url: `/v1/business/${bank.id}/keys`, headers: { cookie: person.cookie } });
    expect(keys.statusCode).toBe(200);
    const statuses = (keys.json() as ApiKeyList).keys.map((key) => [key.name, key.revokedAt === null]);
    expect(statuses).toEqual(expect.arrayContaining([['bot', false], ['CLI key', true]]));
    const members = JSON.parse(ok(await runParley(store, ['business', 'member', 'list', '--business', 'sandbox-bank', '--json']))) as MemberList;
    expect(members.members).toEqual([expect.objectContaining({ email: person.me.email, role: 'owner' })]);

    const badRole = await runParley(store, ['business', 'member', 'add', '--business', 'sandbox-bank', '--email', 'x@example.com', '--role', 'boss']);
    expect(badRole.code).toBe(1);
    expect(badRole.stderr).toContain('--role "boss" is not one of owner, developer, agent');
  });

  it('stores no key in plaintext, only its prefix and hash', slow, async () => {
    expect(secrets).toHaveLength(2);
    const rows = JSON.stringify(await direct.db.selectFrom('api_keys').selectAll().execute());
    for (const secret of secrets) {
      expect(rows).toContain(secret.slice(0, 15));
      expect(rows).not.toContain(secret.slice(16));
    }
    if (dialect !== 'sqlite') return;
    const files = fs.readdirSync(store.dataDir).filter((name) => name.startsWith('parley.db'));
    const bytes = files.map((name) => fs.readFileSync(path.join(store.dataDir, name)).toString('latin1')).join('\n');
    // The scan sees the key rows (their prefixes are there), and no secret part of any key.
    for (const secret of secrets) {
      expect(bytes).toContain(secret.slice(0, 15));
      expect(bytes).not.toContain(secret.slice(16));
    }
  });
});

describe('npx parley', () => {
  it('runs the workspace bin', slow, async () => {
    const { stdout } = await promisify(execFile)('npx', ['--no', '--', 'parley', '--help'], { cwd: path.resolve(import.meta.dirname, '../../..') });
    expect(stdout).toContain('parley business key create --business <slug>');
  });
});
