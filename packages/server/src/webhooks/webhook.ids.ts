import type { Random } from '../platform/clock';

const crockford = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function encodeTime(ms: number): string {
  let out = '';
  let rest = Math.max(0, Math.floor(ms));
  for (let i = 0; i < 10; i++) {
    out = crockford[rest % 32] + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

function encodeBytes(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += crockford[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return out;
}

/**
 * `msg_01JD3Y5C9Q8WZK2QX7RVTB0M4S`: a ULID-style id (48-bit milliseconds, then 80 random bits, in
 * Crockford base32), so ids sort by creation time, read well in logs, and hold no `.` (the
 * Standard Webhooks signature joins id, timestamp and body with dots).
 */
export function sortableId(prefix: 'msg' | 'dlv', now: number, random: Random): string {
  return `${prefix}_${encodeTime(now)}${encodeBytes(Buffer.from(random.token(10), 'base64url'))}`;
}
