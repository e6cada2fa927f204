import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * A secret of the bank kept in its data folder (mode 0600), made on first start: never in the
 * repository, the same across restarts. `name` is a file name such as `cookie.key`.
 */
export function loadOrCreateSecret(dataDir: string, name: string, bytes = 32): Buffer {
  const file = path.join(dataDir, 'keys', name);
  try {
    return Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64url');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const secret = randomBytes(bytes);
  // wx: two processes starting at once must not both write; the loser reads the winner's.
  try {
    fs.writeFileSync(file, secret.toString('base64url'), { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64url');
  }
}

/** Read or write a JSON document in the bank's keys folder (e.g. its OpenID signing keys), 0600. */
export function loadOrCreateJson<T>(dataDir: string, name: string, create: () => T): T {
  const file = path.join(dataDir, 'keys', name);
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const value = create();
  fs.writeFileSync(file, JSON.stringify(value), { mode: 0o600 });
  return value;
}
