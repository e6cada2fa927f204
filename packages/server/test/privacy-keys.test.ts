import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInProcessBus } from '../src/platform/bus';
import { loadConfig } from '../src/platform/config';
import {
  createDataKey,
  dataKeyOf,
  destroyDataKey,
  destroyKeysOfPerson,
  evictDestroyedKeysFromBus,
  KeyRing,
  masterKeyFile,
  open,
  openText,
  seal,
  serviceKey,
  type ReceiptContext,
  type SealAad,
} from '../src/privacy';
import { createTestApp, dialects, type TestApp } from './context';
import { openPrivacyContext, parley } from './privacy-fixtures';

const code = (promise: Promise<unknown>) => promise.then(() => 'opened', (error: { code?: string }) => error.code ?? String(error));
const aadOf = (rowId: string, owner = 'person:p1'): SealAad => ({ table: 'messages', rowId, owner });

describe.each(dialects)('key ring and encryption at rest on %s', (dialect) => {
  let t: TestApp;
  let side: Awaited<ReturnType<typeof openPrivacyContext>>;
  let ctx: ReceiptContext;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    side = await openPrivacyContext(t.config);
    ctx = side.ctx;
  });
  afterAll(async () => {
    await side?.close();
    await t?.close();
  });

  it('opens what it sealed, stores no plaintext, and uses a fresh nonce each time', async () => {
    const keyId = await createDataKey(ctx, { kind: 'person', id: 'p1' });
    const canary = 'balance 1234.56 GBP canary-7f3a';
    const sealed = await seal(ctx, { keyId, aad: aadOf('m1') }, canary);
    expect(sealed).not.toContain('canary');
    expect(sealed.startsWith(`pk1.${keyId}.`)).toBe(true);
    expect(await openText(ctx, { keyId, aad: aadOf('m1') }, sealed)).toBe(canary);
    expect(await seal(ctx, { keyId, aad: aadOf('m1') }, canary)).not.toBe(sealed);
    // A cold cache (another node, a restart) unwraps the key from the database and still opens it.
    const cold = new KeyRing(t.config);
    expect(await openText({ ...ctx, keys: cold }, { aad: aadOf('m1') }, sealed)).toBe(canary);
    const row = await ctx.db.selectFrom('data_keys').selectAll().where('id', '=', keyId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ owner_kind: 'person', owner_id: 'p1', master_key_id: ctx.keys.current, destroyed_at: null });
  });

  it('does not open a ciphertext moved to another table, row, owner or key, or altered by one bit', async () => {
    const keyId = await dataKeyOf(ctx, { kind: 'person', id: 'p1' });
    const otherKey = await createDataKey(ctx, { kind: 'person', id: 'p2' });
    const sealed = await seal(ctx, { keyId, aad: aadOf('m2') }, 'secret');
    expect(await code(open(ctx, { aad: aadOf('m3') }, sealed))).toBe('ERR_SEAL_BROKEN');
    expect(await code(open(ctx, { aad: aadOf('m2', 'person:p2') }, sealed))).toBe('ERR_SEAL_BROKEN');
    expect(await code(open(ctx, { aad: { ...aadOf('m2'), table: 'bank_tokens' } }, sealed))).toBe('ERR_SEAL_BROKEN');
    expect(await code(open(ctx, { keyId: otherKey, aad: aadOf('m2') }, sealed))).toBe('ERR_SEAL_BROKEN');
    expect(await code(open(ctx, { aad: aadOf('m2') }, sealed.replace(keyId, otherKey)))).toBe('ERR_SEAL_BROKEN');
    const body = Buffer.from(sealed.split('.')[2] ?? '', 'base64url');
    body[body.length - 1] = (body[body.length - 1] ?? 0) ^ 1;
    expect(await code(open(ctx, { aad: aadOf('m2') }, `pk1.${keyId}.${body.toString('base64url')}`))).toBe('ERR_SEAL_BROKEN');
  });

  it('a wrapped data key moved to another owner\'s row does not unwrap', async () => {
    const mine = await createDataKey(ctx, { kind: 'consent', id: 'c-mine' });
    const theirs = await createDataKey(ctx, { kind: 'consent', id: 'c-theirs' });
    const sealed = await seal(ctx, { keyId: theirs, aad: aadOf('x', 'consent:c-theirs') }, 'their token');
    const rows = await ctx.db.selectFrom('data_keys').selectAll().where('id', 'in', [mine, theirs]).execute();
    const wrapped = (id: string) => rows.find((row) => row.id === id)?.wrapped_key ?? null;
    await ctx.db.updateTable('data_keys').set({ wrapped_key: wrapped(mine) }).where('id', '=', theirs).execute();
    const cold = { ...ctx, keys: new KeyRing(t.config) };
    expect(await code(open(cold, { aad: aadOf('x', 'consent:c-theirs') }, sealed))).toBe('ERR_SEAL_BROKEN');
    await ctx.db.updateTable('data_keys').set({ wrapped_key: wrapped(theirs) }).where('id', '=', theirs).execute();
    expect(await openText({ ...ctx, keys: new KeyRing(t.config) }, { aad: aadOf('x', 'consent:c-theirs') }, sealed)).toBe('their token');
  });

  it('destroying a data key makes what it sealed unreadable everywhere, and a copy of the database taken before stays unreadable', async () => {
    const keyId = await createDataKey(ctx, { kind: 'consent', id: 'c-revoked' });
    const survivor = await createDataKey(ctx, { kind: 'consent', id: 'c-kept' });
    const canary = `refresh-token-canary-${Date.now()}`;
    const sealed = await seal(ctx, { keyId, aad: aadOf('t1', 'consent:c-revoked') }, canary);
    const kept = await seal(ctx, { keyId: survivor, aad: aadOf('t2', 'consent:c-kept') }, 'still here');
    // The "backup": every data key row as it stood (what pg_dump would hold), and on SQLite the files themselves.
    const backup = await ctx.db.selectFrom('data_keys').selectAll().execute();
    const backupDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-backup-'));
    if (dialect === 'sqlite') {
      for (const name of fs.readdirSync(t.config.dataDir).filter((file) => file.startsWith('parley.db'))) {
        fs.copyFileSync(path.join(t.config.dataDir, name), path.join(backupDir, name));
      }
    }
    const masterBefore = ctx.keys.current;

    const result = await destroyDataKey(ctx, keyId);
    expect(result).toEqual({ destroyed: [keyId], backupsUnreadable: true });
    expect(await code(open(ctx, { aad: aadOf('t1', 'consent:c-revoked') }, sealed))).toBe('ERR_DATA_KEY_DESTROYED');
    // The running server (its own ring, whose cache held the key) is told too: the row says destroyed.
    const fromServer = await openPrivacyContext(t.config);
    expect(await code(open(fromServer.ctx, { aad: aadOf('t1', 'consent:c-revoked') }, sealed))).toBe('ERR_DATA_KEY_DESTROYED');
    await fromServer.close();
    // Other keys were re-wrapped under a new master key and still open.
    expect(ctx.keys.current).not.toBe(masterBefore);
    expect(await openText(ctx, { aad: aadOf('t2', 'consent:c-kept') }, kept)).toBe('still here');

    // The backup holds the old wrapped key, but the master key that wrapped it is gone from the key file.
    const old = backup.find((row) => row.id === keyId);
    expect(old?.wrapped_key).toBeTruthy();
    expect(fs.readFileSync(path.join(t.config.dataDir, masterKeyFile), 'utf8')).not.toContain(masterBefore);
    const restored = new KeyRing(t.config);
    expect(restored.ids()).toEqual([ctx.keys.current]);
    expect(() => restored.unwrap(old?.wrapped_key ?? '', old?.master_key_id ?? '', `parley data key\0${keyId}\0consent\0c-revoked`)).toThrow(/not loaded/);

    if (dialect === 'sqlite') {
      const copy = loadConfig({ LOG_LEVEL: 'silent' }, { dataDir: backupDir, databaseUrl: null });
      fs.copyFileSync(path.join(t.config.dataDir, masterKeyFile), path.join(backupDir, masterKeyFile));
      fs.chmodSync(path.join(backupDir, masterKeyFile), 0o600);
      const fromBackup = await openPrivacyContext(copy);
      expect(await code(open(fromBackup.ctx, { aad: aadOf('t1', 'consent:c-revoked') }, sealed))).toBe('ERR_MASTER_KEY_MISSING');
      await fromBackup.close();
      const bytes = fs.readdirSync(backupDir).map((name) => fs.readFileSync(path.join(backupDir, name)).toString('latin1')).join('');
      expect(bytes).not.toContain(canary);
    }
    fs.rmSync(backupDir, { recursive: true, force: true });
  });

  it('a destruction on one node empties the key caches of the others at once (over the bus)', async () => {
    const bus = createInProcessBus();
    const nodeA = { ...ctx, keys: new KeyRing(t.config), bus };
    const nodeB = { ...ctx, keys: new KeyRing(t.config), bus };
    evictDestroyedKeysFromBus(nodeB);
    const keyId = await createDataKey(nodeA, { kind: 'consent', id: 'c-fleet' });
    const sealed = await seal(nodeA, { keyId, aad: aadOf('f1', 'consent:c-fleet') }, 'cached elsewhere');
    expect(await openText(nodeB, { aad: aadOf('f1', 'consent:c-fleet') }, sealed)).toBe('cached elsewhere');
    expect(nodeB.keys.dataKeys.get(keyId)).toBeDefined();
    await destroyDataKey(nodeA, keyId);
    expect(nodeB.keys.dataKeys.get(keyId)).toBeUndefined();
    expect(await code(open(nodeB, { aad: aadOf('f1', 'consent:c-fleet') }, sealed))).toBe('ERR_DATA_KEY_DESTROYED');
    await bus.close();
  });

  it('deleting an account destroys the person\'s keys and their consents\' keys in one go', async () => {
    const personKey = await createDataKey(ctx, { kind: 'person', id: 'p-leaving' });
    const consentKey = await createDataKey(ctx, { kind: 'consent', id: 'c-leaving' });
    const other = await createDataKey(ctx, { kind: 'person', id: 'p-staying' });
    const result = await destroyKeysOfPerson(ctx, { personId: 'p-leaving', consentIds: ['c-leaving'] });
    expect(result.destroyed.sort()).toEqual([personKey, consentKey].sort());
    const rows = await ctx.db.selectFrom('data_keys').select(['id', 'wrapped_key', 'destroyed_at']).where('id', 'in', [personKey, consentKey, other]).execute();
    for (const row of rows) expect(row.wrapped_key === null).toBe(row.id !== other);
    expect(ctx.keys.dataKeys.get(personKey)).toBeUndefined();
  });

  it('`parley keys rotate` re-wraps every data key while a server keeps sealing and opening', async () => {
    const server = await openPrivacyContext(t.config);
    const webhookKeyBefore = await serviceKey(server.ctx, 'webhooks', () => Buffer.alloc(32, 7));
    const owners = Array.from({ length: 12 }, (_, i) => `p-rot-${i}`);
    const sealedBefore = await Promise.all(owners.map(async (id) => {
      const keyId = await createDataKey(server.ctx, { kind: 'person', id });
      return { id, sealed: await seal(server.ctx, { keyId, aad: aadOf(id, `person:${id}`) }, `hello ${id}`) };
    }));
    const masterBefore = server.ctx.keys.current;

    let stop = false;
    let rounds = 0;
    const traffic = (async () => {
      while (!stop) {
        const id = `p-live-${rounds++}`;
        const keyId = await createDataKey(server.ctx, { kind: 'person', id });
        const sealed = await seal(server.ctx, { keyId, aad: aadOf(id, `person:${id}`) }, id);
        server.ctx.keys.dataKeys.evict(keyId);
        expect(await openText(server.ctx, { aad: aadOf(id, `person:${id}`) }, sealed)).toBe(id);
        // SQLite answers in microtasks; yield so the rotation's timers get their turn.
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const run = await parley(t.config, ['keys', 'rotate', '--json']);
    stop = true;
    await traffic;
    expect(run.code, run.stderr).toBe(0);
    const rotated = JSON.parse(run.stdout) as { current: string; retired: string[]; rewrapped: number; unreadable: number };
    expect(rotated.retired).toContain(masterBefore);
    expect(rotated.unreadable).toBe(0);
    expect(rounds).toBeGreaterThan(0);

    // Every live key is under the new master key; the old one is gone from the file.
    const live = await ctx.db.selectFrom('data_keys').select('master_key_id').where('destroyed_at', 'is', null).execute();
    expect(new Set(live.map((row) => row.master_key_id))).toEqual(new Set([rotated.current]));
    expect(new KeyRing(t.config).ids()).toEqual([rotated.current]);
    // The running server, cache emptied, unwraps under the new key (it re-reads the file on meeting it).
    for (const { id, sealed } of sealedBefore) {
      server.ctx.keys.dataKeys.evict(sealed.split('.')[1] ?? '');
      expect(await openText(server.ctx, { aad: aadOf(id, `person:${id}`) }, sealed)).toBe(`hello ${id}`);
    }
    // Webhook secrets keep opening: their key is a service data key, re-wrapped like the rest.
    const restarted = await openPrivacyContext(t.config);
    expect((await serviceKey(restarted.ctx, 'webhooks', () => Buffer.alloc(32, 9))).equals(webhookKeyBefore)).toBe(true);
    await restarted.close();
    await server.close();

    const status = await parley(t.config, ['keys', 'status']);
    expect(status.stdout).toContain(`current ${rotated.current}`);
    expect(status.stdout).not.toContain('MISSING');
  });
});

describe.each(dialects)('master keys from PARLEY_MASTER_KEY on %s', (dialect) => {
  const oldKey = randomBytes(32).toString('base64');
  const newKey = randomBytes(32).toString('base64');
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect, { config: { masterKey: oldKey } });
  });
  afterAll(() => t?.close());

  it('rotates with PARLEY_MASTER_KEY_PREVIOUS, after which the old key is not needed; a destruction says backups wait for that rotation', async () => {
    const before = await openPrivacyContext(t.config);
    const keyId = await createDataKey(before.ctx, { kind: 'person', id: 'env-person' });
    const sealed = await seal(before.ctx, { keyId, aad: aadOf('e1', 'person:env-person') }, 'env secret');
    const doomed = await createDataKey(before.ctx, { kind: 'consent', id: 'env-consent' });
    expect(await destroyDataKey(before.ctx, doomed)).toEqual({ destroyed: [doomed], backupsUnreadable: false });
    await before.close();
    expect(fs.existsSync(path.join(t.config.dataDir, masterKeyFile))).toBe(false);

    const run = await parley(t.config, ['keys', 'rotate', '--json'], { PARLEY_MASTER_KEY: newKey, PARLEY_MASTER_KEY_PREVIOUS: oldKey });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ rewrapped: expect.any(Number), unreadable: 0, retired: [] });

    const after = await openPrivacyContext({ ...t.config, masterKey: newKey, masterKeyPrevious: [] });
    expect(await openText(after.ctx, { aad: aadOf('e1', 'person:env-person') }, sealed)).toBe('env secret');
    const status = await parley(t.config, ['keys', 'status', '--json'], { PARLEY_MASTER_KEY: newKey });
    expect(JSON.parse(status.stdout)).toMatchObject({ source: 'env', dataKeys: [{ masterKeyId: after.ctx.keys.current }] });
    await after.close();
  });
});
