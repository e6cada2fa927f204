import { uuidV7 } from '@parley/protocol';
import { randomBytes, randomUUID } from 'node:crypto';
import { fillRandom } from './random-pool';

/** Time, injected so tests control it. */
export interface Clock {
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };

/** Randomness, injected so tests may make it predictable. */
export interface Random {
  uuid(): string;
  /** A UUIDv7: ids made later sort after earlier ones, for the keys of busy indexes (see uuidV7). */
  timeOrderedUuid(): string;
  /** `bytes` random bytes as base64url. */
  token(bytes?: number): string;
}
export const cryptoRandom: Random = {
  uuid: () => randomUUID(),
  timeOrderedUuid: () => {
    const random = new Uint8Array(16);
    fillRandom(random);
    return uuidV7(Date.now(), random);
  },
  token: (bytes = 32) => randomBytes(bytes).toString('base64url'),
};
