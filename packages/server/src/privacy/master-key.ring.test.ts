import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../platform/config';
import { DataKeyCache } from './data-key.cache';
import { gcmOpen, gcmSeal, KeyRing, masterKeyFile, masterKeyId } from './master-key.ring';

const folders: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-ring-'));
  folders.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of folders.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
const b64 = () => randomBytes(32).toString('base64');

describe('the master key ring', () => {
  it('makes a versioned key file once, mode 0600, and every later ring reads the same current key', () => {
    const dataDir = tempDir();
    const ring = new KeyRing({ dataDir, masterKey: null });
    const file = path.join(dataDir, masterKeyFile);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const content = JSON.parse(fs.readFileSync(file, 'utf8')) as { current: string; keys: Record<string, string> };
    expect(Object.keys(content.keys)).toEqual([content.current]);
    expect(masterKeyId(Buffer.from(content.keys[content.current] ?? '', 'base64'))).toBe(content.current);
    expect(new KeyRing({ dataDir, masterKey: null }).current).toBe(ring.current);
  });

  it('reads a key file of one base64 line (made before versions) as its current key', () => {
    const dataDir = tempDir();
    const legacy = randomBytes(32);
    fs.writeFileSync(path.join(dataDir, masterKeyFile), `${legacy.toString('base64')}\n`, { mode: 0o600 });
    const ring = new KeyRing({ dataDir, masterKey: null });
    expect(ring.current).toBe(masterKeyId(legacy));
    expect(ring.currentKey().equals(legacy)).toBe(true);
  });

  it('refuses a key file others can read', () => {
    const dataDir = tempDir();
    new KeyRing({ dataDir, masterKey: null });
    fs.chmodSync(path.join(dataDir, masterKeyFile), 0o640);
    expect(() => new KeyRing({ dataDir, masterKey: null })).toThrow(/chmod 600/);
  });

  it('takes PARLEY_MASTER_KEY as current and PARLEY_MASTER_KEY_PREVIOUS for unwrapping only, and writes no file', () => {
    const dataDir = tempDir();
    const old = b64();
    const fresh = b64();
    const before = new KeyRing({ dataDir, masterKey: old });
    const wrapped = before.wrap(Buffer.alloc(32, 1), 'aad');
    const during = new KeyRing({ dataDir, masterKey: fresh, masterKeyPrevious: [old] });
    expect(during.current).toBe(masterKeyId(Buffer.from(fresh, 'base64')));
    expect(during.unwrap(wrapped.wrapped, wrapped.masterKeyId, 'aad').equals(Buffer.alloc(32, 1))).toBe(true);
    expect(during.wrap(Buffer.alloc(32, 1), 'aad').masterKeyId).toBe(during.current);
    const after = new KeyRing({ dataDir, masterKey: fresh });
    expect(() => after.unwrap(wrapped.wrapped, wrapped.masterKeyId, 'aad')).toThrow(expect.objectContaining({ code: 'ERR_MASTER_KEY_MISSING' }));
    expect(() => during.unwrap(wrapped.wrapped, wrapped.masterKeyId, 'other aad')).toThrow(expect.objectContaining({ code: 'ERR_SEAL_BROKEN' }));
    expect(fs.existsSync(path.join(dataDir, masterKeyFile))).toBe(false);
  });

  it('a ring in another process picks up a rotation from the key file, and the retired key is gone for everyone', async () => {
    const dataDir = tempDir();
    const server = new KeyRing({ dataDir, masterKey: null });
    const cli = new KeyRing({ dataDir, masterKey: null });
    const old = server.wrap(Buffer.alloc(32, 2), 'k');
    let rewrapped = old;
    const { current, retired } = await cli.rotate(async () => {
      rewrapped = cli.wrap(cli.unwrap(old.wrapped, old.masterKeyId, 'k'), 'k');
    });
    expect(retired).toEqual([old.masterKeyId]);
    expect(rewrapped.masterKeyId).toBe(current);
    // The server meets the new id, re-reads the file, and opens it; new wraps use the new key.
    expect(server.unwrap(rewrapped.wrapped, rewrapped.masterKeyId, 'k').equals(Buffer.alloc(32, 2))).toBe(true);
    expect(server.wrap(Buffer.alloc(32, 3), 'k').masterKeyId).toBe(current);
    expect(() => new KeyRing({ dataDir, masterKey: null }).unwrap(old.wrapped, old.masterKeyId, 'k')).toThrow(/not loaded/);
    expect(fs.existsSync(path.join(dataDir, `${masterKeyFile}.lock`))).toBe(false);
  });

  it('quiesce waits for the writes in flight when it was called, not for later ones', async () => {
    const ring = new KeyRing({ dataDir: tempDir(), masterKey: null });
    const gate = (() => {
      let open = () => undefined as void;
      const promise = new Promise<void>((resolve) => (open = resolve));
      return { promise, open };
    })();
    const early = ring.trackWrite(() => gate.promise);
    let quiet = false;
    const waiting = ring.quiesce().then(() => (quiet = true));
    const late = ring.trackWrite(() => new Promise<void>(() => undefined));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(quiet).toBe(false);
    gate.open();
    await early;
    await waiting;
    expect(quiet).toBe(true);
    void late;
  });

  it('never runs two rotations at once (the key-file lock)', async () => {
    const dataDir = tempDir();
    const a = new KeyRing({ dataDir, masterKey: null });
    const b = new KeyRing({ dataDir, masterKey: null });
    const order: string[] = [];
    const slow = (name: string) => async () => {
      order.push(`${name} start`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      order.push(`${name} end`);
    };
    await Promise.all([a.rotate(slow('a')), b.rotate(slow('b'))]);
    expect(order).toEqual([order[0], order[0]?.replace('start', 'end'), order[2], order[2]?.replace('start', 'end')]);
    expect(new KeyRing({ dataDir, masterKey: null }).ids()).toHaveLength(1);
  });
});

describe('master key config', () => {
  it('reads PARLEY_MASTER_KEY_PREVIOUS as a list, and refuses it alone or malformed', () => {
    const [current, one, two] = [b64(), b64(), b64()];
    expect(loadConfig({ PARLEY_MASTER_KEY: current, PARLEY_MASTER_KEY_PREVIOUS: `${one}, ${two}` }).masterKeyPrevious).toEqual([one, two]);
    expect(() => loadConfig({ PARLEY_MASTER_KEY_PREVIOUS: one })).toThrow(ConfigError);
    expect(() => loadConfig({ PARLEY_MASTER_KEY: current, PARLEY_MASTER_KEY_PREVIOUS: 'short' })).toThrow(/PARLEY_MASTER_KEY_PREVIOUS/);
  });
});

describe('the data key cache', () => {
  it('forgets the least recently used past its bound, expires entries, and zeroes what it evicts', () => {
    const cache = new DataKeyCache(1_000);
    const first = Buffer.alloc(32, 9);
    cache.set('first', first, 0);
    for (let i = 0; i < 1_000; i++) cache.set(`k${i}`, Buffer.alloc(32, 1), 0);
    expect(cache.size).toBe(1_000);
    expect(cache.get('first', 0)).toBeUndefined();
    expect(first.every((byte) => byte === 0)).toBe(true);
    expect(cache.get('k999', 0)).toBeDefined();
    const expiring = Buffer.alloc(32, 7);
    cache.set('expiring', expiring, 0);
    expect(cache.get('expiring', 5 * 60_000 + 1)).toBeUndefined();
    expect(expiring.every((byte) => byte === 0)).toBe(true);
    const key = Buffer.alloc(32, 4);
    cache.set('x', key, 0);
    cache.evict('x');
    expect(cache.get('x', 0)).toBeUndefined();
    expect(key.every((byte) => byte === 0)).toBe(true);
  });

  it('by default holds the keys of more people than a busy server has chatting at once', () => {
    const cache = new DataKeyCache();
    for (let i = 0; i < 20_000; i++) cache.set(`k${i}`, Buffer.alloc(32, 1), 0);
    expect(cache.get('k0', 0)).toBeDefined();
  });
});

describe('AES-256-GCM sealing', () => {
  it('never repeats a nonce across the pooled nonce buffer refills, and every seal opens only with its key and associated data', () => {
    const key = randomBytes(32);
    const aad = Buffer.from('aad');
    const nonces = new Set<string>();
    // 2,000 seals cross the pool of 512 nonces three times.
    for (let i = 0; i < 2_000; i++) {
      const sealed = gcmSeal(key, Buffer.from(`message ${i}`), aad);
      nonces.add(sealed.subarray(0, 12).toString('hex'));
      if (i % 500 === 0) expect(gcmOpen(key, sealed, aad).toString()).toBe(`message ${i}`);
    }
    expect(nonces.size).toBe(2_000);
    const sealed = gcmSeal(key, Buffer.from('secret'), aad);
    expect(() => gcmOpen(randomBytes(32), sealed, aad)).toThrow();
    expect(() => gcmOpen(key, sealed, Buffer.from('other'))).toThrow();
  });
});
