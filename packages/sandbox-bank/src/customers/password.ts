import { randomBytes, scrypt, timingSafeEqual, type BinaryLike } from 'node:crypto';

// The bank keeps its own dependencies small: scrypt from node:crypto (N=2^14, r=8, p=1).
const keyLength = 32;

function derive(password: string, salt: BinaryLike): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password, salt, keyLength, (error, key) => (error ? reject(error) : resolve(key))));
}

/** `scrypt$<salt>$<hash>` in base64url. */
export async function hashPassword(password: string, salt: Buffer = randomBytes(16)): Promise<string> {
  return `scrypt$${salt.toString('base64url')}$${(await derive(password, salt)).toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await derive(password, Buffer.from(salt, 'base64url'));
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
