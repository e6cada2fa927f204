import { describe, expect, it } from 'vitest';
import { formatCsat, formatDuration } from './stats.format';

describe('stats formatting', () => {
  it('writes durations in the largest two units a person reads at a glance', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(45_000)).toBe('45 s');
    expect(formatDuration(200_000)).toBe('3 min 20 s');
    expect(formatDuration(120_000)).toBe('2 min');
    expect(formatDuration((2 * 60 + 5) * 60_000)).toBe('2 h 5 min');
    expect(formatDuration((3 * 24 + 4) * 3_600_000)).toBe('3 d 4 h');
  });

  it('writes a rating to two decimals out of five', () => {
    expect(formatCsat(4.5)).toBe('4.50 / 5');
    expect(formatCsat(null)).toBe('—');
  });
});
