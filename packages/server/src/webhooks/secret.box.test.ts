import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../platform/config';
import { createSecretBox, loadMasterKey, masterKeyFile } from './secret.box';

const folders: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-keys-'));
  folders.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of folders.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('secret box', () => {
  it('makes the master key file once, mode 0600, and reads the same key afterwards', () => {
    const dataDir = tempDir();
    const first = loadMasterKey({ dataDir, masterKey: null });
    const file = path.join(dataDir, masterKeyFile);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(loadMasterKey({ dataDir, masterKey: null }).equals(first)).toBe(true);
    expect(first).toHaveLength(32);
  });

  it('refuses a key file others can read', () => {
    const dataDir = tempDir();
    loadMasterKey({ dataDir, masterKey: null });
    fs.chmodSync(path.join(dataDir, masterKeyFile), 0o644);
    expect(() => loadMasterKey({ dataDir, masterKey: null })).toThrow(/chmod 600/);
  });

  it('prefers PARLEY_MASTER_KEY and then makes no file', () => {
    const dataDir = tempDir();
    const masterKey = randomBytes(32).toString('base64');
    expect(loadMasterKey({ dataDir, masterKey }).toString('base64')).toBe(masterKey);
    expect(fs.existsSync(path.join(dataDir, masterKeyFile))).toBe(false);
  });

  it('opens what it sealed, only for the same endpoint and key, and never stores the secret in clear', () => {
    const box = createSecretBox(randomBytes(32));
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const sealed = box.seal('endpoint-a', secret);
    expect(sealed).not.toContain(secret.slice(6));
    expect(box.open('endpoint-a', sealed)).toBe(secret);
    expect(box.seal('endpoint-a', secret)).not.toBe(sealed);
    expect(() => box.open('endpoint-b', sealed)).toThrow();
    expect(() => createSecretBox(randomBytes(32)).open('endpoint-a', sealed)).toThrow();
    const raw = Buffer.from(sealed.slice(3), 'base64');
    raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 1;
    expect(() => box.open('endpoint-a', `v1.${raw.toString('base64')}`)).toThrow();
  });
});

describe('webhook config', () => {
  it('is strict by default and reads its variables', () => {
    const defaults = loadConfig({});
    expect(defaults.webhookAllowPrivate).toBe(false);
    expect(defaults.webhookTimeoutMs).toBe(15_000);
    expect(defaults.masterKey).toBeNull();
    const set = loadConfig({ PARLEY_WEBHOOKS_ALLOW_PRIVATE: '1', PARLEY_WEBHOOK_TIMEOUT_MS: '2000', PARLEY_MASTER_KEY: randomBytes(32).toString('base64') });
    expect(set.webhookAllowPrivate).toBe(true);
    expect(set.webhookTimeoutMs).toBe(2_000);
  });

  it.each([
    [{ PARLEY_MASTER_KEY: 'short' }, /PARLEY_MASTER_KEY/],
    [{ PARLEY_WEBHOOK_TIMEOUT_MS: '10' }, /PARLEY_WEBHOOK_TIMEOUT_MS/],
    [{ PARLEY_WEBHOOK_TIMEOUT_MS: 'soon' }, /PARLEY_WEBHOOK_TIMEOUT_MS/],
  ])('fails fast naming the variable for %o', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(name);
  });
});
