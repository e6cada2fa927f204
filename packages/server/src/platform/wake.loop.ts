/**
 * Runs `run` when woken and, failing that, every `pollMs`: one run at a time, and a wake that
 * arrives during a run makes one more run right after it, so no wake is lost and none piles up.
 * The outbox dispatchers (webhooks, Web Push) wake it when rows are added and poll for retries.
 *
 * @example
 * const loop = new WakeLoop(() => claimAndSend(), 1_000);
 * loop.wake();
 * await loop.close();
 */
export class WakeLoop {
  #running: Promise<void> | undefined;
  #again = false;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(
    private readonly run: () => Promise<void>,
    private readonly pollMs: number,
  ) {}

  get closed(): boolean {
    return this.#closed;
  }

  /** The run in progress, if any, to wait for. */
  get running(): Promise<void> | undefined {
    return this.#running;
  }

  wake(): void {
    if (this.#closed) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.run().finally(() => {
      this.#running = undefined;
      if (this.#again) {
        this.#again = false;
        this.wake();
      } else if (!this.#closed) {
        if (this.#timer) clearTimeout(this.#timer);
        this.#timer = setTimeout(() => this.wake(), this.pollMs).unref();
      }
    });
  }

  /** No more runs; resolves when the one in progress has ended. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#running;
  }
}
