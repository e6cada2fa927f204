import { randomBytes, randomUUID } from 'node:crypto';

/** Time, injected so tests control it. */
export interface Clock {
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };

/** Randomness, injected so tests may make it predictable. */
export interface Random {
  uuid(): string;
  /** `bytes` random bytes as base64url. */
  token(bytes?: number): string;
}
export const cryptoRandom: Random = {
  uuid: () => randomUUID(),
  token: (bytes = 32) => randomBytes(bytes).toString('base64url'),
};
