import { describe, expect, it } from 'vitest';
import { uuidV7 } from './ids';

describe('uuidV7', () => {
  const random = Uint8Array.from({ length: 16 }, (_, i) => 0xf0 + i);

  it('writes the milliseconds, the version and variant bits and the random bytes as RFC 9562 lays them out', () => {
    expect(uuidV7(0x0123456789ab, random)).toBe('01234567-89ab-76f7-b8f9-fafbfcfdfeff');
    expect(uuidV7(0, new Uint8Array(16))).toBe('00000000-0000-7000-8000-000000000000');
    expect(uuidV7(2 ** 48 - 1, new Uint8Array(16).fill(255))).toBe('ffffffff-ffff-7fff-bfff-ffffffffffff');
  });

  it('sorts by time as text, whatever the random bytes', () => {
    const times = [1_795_410_448_004, 1_795_410_448_005, 1_795_410_448_256, 1_795_410_513_920, 1_900_000_000_000];
    const ids = times.map((time, i) => uuidV7(time, new Uint8Array(16).fill(255 - i * 40)));
    expect([...ids].sort()).toEqual(ids);
  });

  it('refuses fewer than 16 random bytes', () => {
    expect(() => uuidV7(1, new Uint8Array(15))).toThrow(RangeError);
  });
});
