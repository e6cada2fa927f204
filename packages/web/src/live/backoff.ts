/** First wait after a drop, and the longest wait between reconnect attempts, in ms. */
export const firstRetryMs = 500;
export const longestRetryMs = 15_000;

/**
 * How long to wait before reconnect attempt `attempt` (0 = first): doubling, capped, with
 * jitter so a server restart is not met by every client in the same millisecond.
 */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(longestRetryMs, firstRetryMs * 2 ** Math.min(attempt, 16));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
