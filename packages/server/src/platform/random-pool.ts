import { randomFillSync } from 'node:crypto';

/**
 * Random bytes from the CSPRNG, drawn 8 KiB at a time and each handed out once: for the nonce of
 * every seal and the random half of every time-ordered id. A `randomBytes` call per nonce was a
 * visible share of sealing each message, and each one leaves a native object that the next
 * young-generation GC must finalize inside its pause (bench/README.md, "Scavenges and native
 * objects"). Requests for more than the pool holds go to the CSPRNG directly.
 *
 * @example
 * const iv = Buffer.allocUnsafe(12);
 * fillRandom(iv);
 */
const pool = Buffer.alloc(8192);
let at = pool.length;

export function fillRandom(target: Uint8Array): void {
  if (target.length > pool.length) {
    randomFillSync(target);
    return;
  }
  if (at + target.length > pool.length) {
    randomFillSync(pool);
    at = 0;
  }
  target.set(pool.subarray(at, at + target.length));
  // Wipe what was handed out: the pool keeps only bytes nobody has seen.
  pool.fill(0, at, at + target.length);
  at += target.length;
}
