/** Time, injected so tests control it (milliseconds since the epoch). */
export interface Clock {
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };
