const day = 24 * 60 * 60 * 1000;
/** How long a delivery keeps being retried after its event happened. */
export const retryWindowMs = 3 * day;
/** How long an event is kept (for the delivery list and replays) once nothing is pending for it. */
export const eventRetentionMs = 30 * day;

/**
 * Upper bound of the wait before retry n (0-based): 5 s, 30 s, 2 min, 10 min, 30 min, 1 h, then
 * every 3 h until the retry window closes.
 */
export const retryCeilingsMs: readonly number[] = [5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000, 10_800_000];

/** The shortest wait, so a jittered zero does not retry in a tight loop. */
const minimumDelayMs = 1_000;

/**
 * When to try again after a failed attempt: "full jitter" (a uniform wait between nothing and the
 * step's ceiling), so many endpoints failing together do not all come back at once. Never later
 * than `giveUpAt`, so the last attempt happens when the window closes; null once it has closed.
 */
export function nextAttemptAt(options: {
  failedAt: number;
  step: number;
  giveUpAt: number;
  /** The endpoint's `Retry-After`: waited for, up to the longest step. */
  retryAfterMs?: number;
  random?: () => number;
}): number | null {
  if (options.failedAt >= options.giveUpAt) return null;
  const ceiling = retryCeilingsMs[Math.min(options.step, retryCeilingsMs.length - 1)] ?? minimumDelayMs;
  const jittered = Math.max(minimumDelayMs, Math.floor((options.random ?? Math.random)() * ceiling));
  const asked = Math.min(options.retryAfterMs ?? 0, retryCeilingsMs.at(-1) ?? 0);
  return Math.min(options.failedAt + Math.max(jittered, asked), options.giveUpAt);
}
