/**
 * How many unwrapped data keys a process keeps, and for how long. The bound must exceed the
 * people active within a few minutes: every message seals under its person's key, and a cache
 * smaller than the working set turns each batch into a read of `data_keys` and an unwrap per
 * person (at 2,500 people chatting and a bound of 1,000, that was a tenth of the server's CPU).
 * An entry costs about 200 bytes, so the default bound is about 10 MB.
 */
const defaultMaxEntries = 50_000;
const ttlMs = 5 * 60_000;

/**
 * Unwrapped data keys, kept briefly so a busy consent does not unwrap on every read: bounded
 * (least recently used goes first) and short-lived. Destroying a key evicts it at once, so
 * crypto-shredding is not undone by a warm cache.
 */
export class DataKeyCache {
  private readonly entries = new Map<string, { key: Buffer; until: number }>();

  constructor(private readonly maxEntries = defaultMaxEntries) {}

  get(id: string, now = Date.now()): Buffer | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    this.entries.delete(id);
    if (entry.until <= now) {
      entry.key.fill(0);
      return undefined;
    }
    // Re-insert: a Map iterates in insertion order, so the first entry is the least recently used.
    this.entries.set(id, entry);
    return entry.key;
  }

  set(id: string, key: Buffer, now = Date.now()): void {
    this.entries.delete(id);
    this.entries.set(id, { key, until: now + ttlMs });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.evict(oldest);
    }
  }

  /** Forget a key and zero the copy this cache held. */
  evict(id: string): void {
    const entry = this.entries.get(id);
    if (entry) entry.key.fill(0);
    this.entries.delete(id);
  }

  get size(): number {
    return this.entries.size;
  }
}
