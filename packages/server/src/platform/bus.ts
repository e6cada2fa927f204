/**
 * Fan-out between the parts of Parley that hold sockets. One process uses the in-process
 * bus; a fleet puts NATS behind the same interface, so no caller changes.
 */
export interface Bus {
  publish(topic: string, payload: unknown): void;
  /** Returns the function that unsubscribes. */
  subscribe(topic: string, handler: (payload: unknown) => void): () => void;
  close(): Promise<void>;
}

export function createInProcessBus(): Bus {
  const handlers = new Map<string, Set<(payload: unknown) => void>>();
  return {
    publish(topic, payload) {
      const set = handlers.get(topic);
      if (!set) return;
      for (const handler of set) handler(payload);
    },
    subscribe(topic, handler) {
      let set = handlers.get(topic);
      if (!set) handlers.set(topic, (set = new Set()));
      set.add(handler);
      return () => {
        set.delete(handler);
        if (set.size === 0) handlers.delete(topic);
      };
    },
    async close() {
      handlers.clear();
    },
  };
}
