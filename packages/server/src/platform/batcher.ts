/**
 * Gathers the items handed to `add` until the event loop next turns (setImmediate) and hands
 * them to `flush` together; every `add` settles when its batch does. One transaction of many
 * small writes costs about what one write costs, so writes that arrive in bursts (answers after
 * a group commit) are cheaper this way. While a flush runs, new items wait for the next one.
 *
 * @example
 * const completions = createBatcher((rows: Row[]) => repository.completeAll(db, rows));
 * await completions.add(row);
 */
export function createBatcher<T>(flush: (items: T[]) => Promise<void>): { add(item: T): Promise<void> } {
  let pending: { item: T; resolve: () => void; reject: (error: unknown) => void }[] = [];
  let scheduled = false;
  let running: Promise<void> = Promise.resolve();

  const run = async (): Promise<void> => {
    scheduled = false;
    const batch = pending;
    pending = [];
    try {
      await flush(batch.map((entry) => entry.item));
      for (const entry of batch) entry.resolve();
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    }
  };

  return {
    add(item) {
      return new Promise<void>((resolve, reject) => {
        pending.push({ item, resolve, reject });
        if (scheduled) return;
        scheduled = true;
        setImmediate(() => {
          running = running.then(run);
        });
      });
    },
  };
}
