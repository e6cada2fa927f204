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
  // Two hex digits per byte from a table, in one expression: a server makes an id or two per API
  // request, and a string per byte, joined, was about 2 KB of garbage and 2 µs each.
  const h = hexOf;
  const high = Math.floor(now / 65536);
  return (
    h[Math.floor(high / 16777216) % 256]! + h[Math.floor(high / 65536) % 256]! + h[Math.floor(high / 256) % 256]! + h[high % 256]! + '-' +
    h[Math.floor(now / 256) % 256]! + h[now % 256]! + '-' +
    h[(random[6]! & 0x0f) | 0x70]! + h[random[7]!]! + '-' +
    h[(random[8]! & 0x3f) | 0x80]! + h[random[9]!]! + '-' +
    h[random[10]!]! + h[random[11]!]! + h[random[12]!]! + h[random[13]!]! + h[random[14]!]! + h[random[15]!]!
  );
}

/** "00" to "ff". */
const hexOf: readonly string[] = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));
