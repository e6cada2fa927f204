/**
 * Gathers the items handed to `add` until the event loop next turns (setImmediate) and hands
 * them to `flush` together; every `add` settles when its batch does, with its own result when
 * `flush` returns one per item (in order). One transaction of many small writes costs about what
 * one write costs, so writes that arrive in bursts (requests, answers after a group commit) are
 * cheaper this way. While a flush runs, new items wait for the next one.
 *
 * `lingerMs`, asked when a batch starts, holds it open that much longer (a timer instead of the
 * next turn): PostgreSQL's commit_delay, for a caller that knows more items are on their way.
 *
 * @example
 * const completions = createBatcher((rows: Row[]) => repository.completeAll(db, rows));
 * await completions.add(row);
 * const reservations = createBatcher((rows: Row[]) => repository.insertAllIfAbsent(db, rows)); // Promise<boolean[]>
 * const inserted: boolean = await reservations.add(row);
 */
export function createBatcher<T, R = void>(flush: (items: T[]) => Promise<R[] | void>, options: { lingerMs?: () => number } = {}): { add(item: T): Promise<R> } {
  let pending: { item: T; resolve: (result: R) => void; reject: (error: unknown) => void }[] = [];
  let scheduled = false;
  let running: Promise<void> = Promise.resolve();

  const run = async (): Promise<void> => {
    scheduled = false;
    const batch = pending;
    pending = [];
    try {
      const results = await flush(batch.map((entry) => entry.item));
      batch.forEach((entry, index) => entry.resolve((results ? results[index] : undefined) as R));
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    }
  };

  const go = (): void => {
    running = running.then(run);
  };

  return {
    add(item) {
      return new Promise<R>((resolve, reject) => {
        pending.push({ item, resolve, reject });
        if (scheduled) return;
        scheduled = true;
        const linger = options.lingerMs?.() ?? 0;
        if (linger > 0) setTimeout(go, linger);
        else setImmediate(go);
      });
    },
  };
}
