import { describe, expect, it } from 'vitest';
import { fillRandom } from './random-pool';

describe('fillRandom', () => {
  it('hands out bytes once: nonces drawn across several refills of the pool are all different', () => {
    const seen = new Set<string>();
    // 2,000 nonces of 12 bytes are 24,000 bytes: the 8 KiB pool refills twice on the way.
    for (let i = 0; i < 2_000; i++) {
      const nonce = Buffer.alloc(12);
      fillRandom(nonce);
      seen.add(nonce.toString('hex'));
    }
    expect(seen.size).toBe(2_000);
  });

  it('fills a request larger than the pool straight from the CSPRNG', () => {
    const big = Buffer.alloc(20_000);
    fillRandom(big);
    // 20,000 random bytes with more than 1% zeros would be a failure to fill (the chance is nil).
    expect(big.filter((byte) => byte === 0).length).toBeLessThan(200);
    expect(new Set(big).size).toBe(256);
  });

  it('fills exactly the target, even a view into a larger buffer', () => {
    const whole = Buffer.alloc(40);
    fillRandom(whole.subarray(12, 24));
    expect(whole.subarray(0, 12).every((byte) => byte === 0)).toBe(true);
    expect(whole.subarray(24).every((byte) => byte === 0)).toBe(true);
    expect(whole.subarray(12, 24).some((byte) => byte !== 0)).toBe(true);
  });
});
