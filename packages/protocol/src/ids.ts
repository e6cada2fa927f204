/**
 * A UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then the random bits of `random` (16
 * bytes; the version and variant bits are overwritten). 36 characters, which match the
 * ClientId pattern. An id made later sorts after one made earlier, so an index that leads with
 * it (the server's resend index on messages' clientIds, the alerts' primary key) takes each
 * commit's new ids in one place instead of one random page each (docs/messaging.md).
 * The caller brings the randomness (Web Crypto in the browser, node:crypto on the server):
 * this package imports nothing of Node or the DOM.
 */
export function uuidV7(now: number, random: Uint8Array): string {
  if (random.length < 16) throw new RangeError('uuidV7 needs 16 random bytes.');
  const bytes = Uint8Array.from(random.subarray(0, 16));
  for (let i = 5, ms = now; i >= 0; i--, ms = Math.floor(ms / 256)) bytes[i] = ms % 256;
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
