/**
 * Sends not yet acknowledged by the server. Each keeps its clientId for life, so a resend
 * after a reconnect (or a reload of the tab) is stored once: the server deduplicates on
 * (conversationId, clientId). Kept in sessionStorage: it survives a reload of this tab and
 * goes away with it, and is wiped on sign-out.
 */
import { uuidV7, type PersonContent } from '@parley/protocol';

export interface PendingSend {
  readonly clientId: string;
  readonly conversationId: string;
  readonly content: PersonContent;
  readonly createdAt: number;
  readonly state: 'sending' | 'failed';
  /** Why the server refused it, when `failed`. */
  readonly error: string | null;
}

export interface OutboxStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** A new clientId: a UUIDv7, so the server's resend index takes each commit's ids in one place (see uuidV7). */
export function newClientId(now: number = Date.now()): string {
  return uuidV7(now, crypto.getRandomValues(new Uint8Array(16)));
}

export class Outbox {
  private items: readonly PendingSend[];

  constructor(
    private readonly storage: OutboxStorage | null,
    private readonly key: string,
  ) {
    this.items = this.load();
  }

  get all(): readonly PendingSend[] {
    return this.items;
  }

  /** Unfailed sends, oldest first: what to (re)send after a reconnect. */
  get toSend(): readonly PendingSend[] {
    return this.items.filter((item) => item.state === 'sending');
  }

  has(clientId: string): boolean {
    return this.items.some((item) => item.clientId === clientId);
  }

  add(conversationId: string, content: PersonContent, now: number): PendingSend {
    const item: PendingSend = { clientId: newClientId(), conversationId, content, createdAt: now, state: 'sending', error: null };
    this.save([...this.items, item]);
    return item;
  }

  /** Stored by the server: it is a message now, no longer pending. Returns what was removed. */
  remove(clientId: string): PendingSend | null {
    const item = this.items.find((candidate) => candidate.clientId === clientId) ?? null;
    if (item) this.save(this.items.filter((candidate) => candidate !== item));
    return item;
  }

  fail(clientId: string, error: string): void {
    this.save(this.items.map((item) => (item.clientId === clientId ? { ...item, state: 'failed', error } : item)));
  }

  retry(clientId: string): PendingSend | null {
    this.save(this.items.map((item) => (item.clientId === clientId ? { ...item, state: 'sending', error: null } : item)));
    return this.items.find((item) => item.clientId === clientId) ?? null;
  }

  clear(): void {
    this.items = [];
    this.storage?.removeItem(this.key);
  }

  private save(items: readonly PendingSend[]): void {
    this.items = items;
    try {
      if (items.length === 0) this.storage?.removeItem(this.key);
      else this.storage?.setItem(this.key, JSON.stringify(items));
    } catch {
      // Storage full or disabled: the outbox still works for the life of the page.
    }
  }

  private load(): readonly PendingSend[] {
    try {
      const raw = this.storage?.getItem(this.key);
      const parsed: unknown = raw ? JSON.parse(raw) : [];
      return Array.isArray(parsed) ? (parsed as PendingSend[]) : [];
    } catch {
      return [];
    }
  }
}
