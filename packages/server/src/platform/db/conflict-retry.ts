/** PostgreSQL's deadlock (40P01) and serialization failure (40001): the transaction was rolled back whole. */
const retryableCodes = new Set(['40P01', '40001']);

/** Whether the transaction failed only because PostgreSQL chose it to break a deadlock or a serialization conflict, so it may simply run again. */
export function isRetryableConflict(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && retryableCodes.has(code);
}

/**
 * Runs a whole transaction again, up to `attempts` times in all, while PostgreSQL aborts it to
 * break a deadlock or a serialization conflict; any other failure, or the last, is thrown.
 */
export async function retryConflicts<T>(transaction: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await transaction();
    } catch (error) {
      if (attempt >= attempts || !isRetryableConflict(error)) throw error;
    }
  }
}
