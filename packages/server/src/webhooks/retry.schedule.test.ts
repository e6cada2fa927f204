import { describe, expect, it } from 'vitest';
import { cryptoRandom } from '../platform/clock';
import { nextAttemptAt, retryWindowMs } from './retry.schedule';
import { sortableId } from './webhook.ids';

describe('retry schedule and ids', () => {
  it('waits between a second and the step ceiling, and lands the last attempt on the end of the window', () => {
    const failedAt = 1_000_000;
    const giveUpAt = failedAt + retryWindowMs;
    expect(nextAttemptAt({ failedAt, step: 0, giveUpAt, random: () => 0 })).toBe(failedAt + 1_000);
    expect(nextAttemptAt({ failedAt, step: 0, giveUpAt, random: () => 0.999 })).toBe(failedAt + 4_995);
    expect(nextAttemptAt({ failedAt, step: 50, giveUpAt, random: () => 0.5 })).toBe(failedAt + 5_400_000);
    expect(nextAttemptAt({ failedAt: giveUpAt - 10, step: 50, giveUpAt, random: () => 0.5 })).toBe(giveUpAt);
    expect(nextAttemptAt({ failedAt: giveUpAt, step: 50, giveUpAt })).toBeNull();
  });

  it("waits at least as long as the endpoint's Retry-After, up to the longest step", () => {
    const failedAt = 1_000_000;
    const giveUpAt = failedAt + retryWindowMs;
    expect(nextAttemptAt({ failedAt, step: 0, giveUpAt, retryAfterMs: 120_000, random: () => 0.5 })).toBe(failedAt + 120_000);
    expect(nextAttemptAt({ failedAt, step: 0, giveUpAt, retryAfterMs: 100 * 3_600_000, random: () => 0.5 })).toBe(failedAt + 3 * 3_600_000);
    expect(nextAttemptAt({ failedAt, step: 6, giveUpAt, retryAfterMs: 1_000, random: () => 0.5 })).toBe(failedAt + 5_400_000);
  });

  it('makes ids that sort by time and carry no dot', () => {
    const ids = [1, 2, 1_000, 1_795_000_000_000].map((at) => sortableId('msg', at, cryptoRandom));
    expect([...ids].sort()).toEqual(ids);
    for (const id of ids) expect(id).toMatch(/^msg_[0-9A-Z]{26}$/);
  });
});
