import { hash } from 'node:crypto';
import { idempotencyKeyTtlMs } from '@parley/protocol';
import type { ServerContext } from '../context';
import { createBatcher } from '../platform/batcher';
import { retryConflicts } from '../platform/db/conflict-retry';
import { AppError } from '../platform/errors';
import * as keys from './idempotency.repository';

export type IdempotencyContext = Pick<ServerContext, 'db' | 'dialect' | 'clock' | 'random'>;

/** An answer as it is stored and replayed: the HTTP status and the JSON body. */
export interface StoredAnswer {
  readonly status: number;
  readonly body: unknown;
}

export interface IdempotentRequest {
  readonly businessId: string;
  readonly key: string;
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
}

/**
 * What the work of a reserved key gets: a fingerprint that stays the same when another request
 * takes the key over after the first one died half way, so the work can be made idempotent
 * itself (the Send API uses it as the message's clientId).
 */
export interface Reservation {
  readonly fingerprint: string;
  /** When the key was first reserved (ms): also the same for whoever takes it over. */
  readonly reservedAt: number;
}

type Claim =
  | { kind: 'owner'; leaseToken: string; createdAt: number }
  | { kind: 'done'; answer: StoredAnswer }
  | { kind: 'mismatch' }
  | { kind: 'busy' };

/** How long a reservation holds before another request may take the key over. */
const leaseMs = 30_000;
/**
 * How long a batch of key writes waits for more when other requests are in flight (see
 * createIdempotency). Two milliseconds rather than one: at 1,000 requests a second the Send API
 * used 69% of a core instead of 78% (bench/README.md, "A longer commit delay").
 */
const lingerMs = 2;
/** How long a request waits for a concurrent one with the same key before answering 409. */
const defaultMaxWaitMs = 10_000;

/**
 * JSON with object keys sorted at every depth, so the same body always hashes the same. Every
 * Send API and Alert API call hashes its body: JSON.stringify writes it in one pass, given each
 * object as a copy with its keys in sorted order (40% less garbage than concatenating the text
 * piece by piece, and 12% faster, for an alert body). An object with an array-index key
 * ("0", "12": such keys always come first, in numeric order) or a "__proto__" key cannot be
 * copied so: a body that has one is written piece by piece instead, to the same text.
 */
export function canonicalJson(value: unknown): string {
  try {
    return JSON.stringify(value, sortedCopy) ?? 'null';
  } catch (error) {
    if (error !== indexKey) throw error;
    return canonicalJsonByHand(value);
  }
}

/** Thrown by `sortedCopy` for an object with a key it cannot copy. */
const indexKey = new Error('an array-index key');
const arrayIndex = /^(?:0|[1-9][0-9]{0,9})$/;

/** An array-index key, or "__proto__" (which would set the copy's prototype instead of a key). */
function mayNotCopy(name: string): boolean {
  const first = name.charCodeAt(0);
  if (first >= 48 && first <= 57) return arrayIndex.test(name) && Number(name) < 4_294_967_295;
  return first === 95 && name === '__proto__';
}

function sortedCopy(_key: string, node: unknown): unknown {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return node;
  const record = node as Record<string, unknown>;
  const sorted: Record<string, unknown> = {};
  for (const name of sortedKeys(record)) {
    if (mayNotCopy(name)) throw indexKey;
    sorted[name] = record[name];
  }
  return sorted;
}

/** canonicalJson's text, written as it walks. */
function canonicalJsonByHand(value: unknown): string {
  let out = '';
  const write = (node: unknown): void => {
    if (Array.isArray(node)) {
      out += '[';
      for (let i = 0; i < node.length; i++) {
        if (i > 0) out += ',';
        write(node[i]);
      }
      out += ']';
    } else if (node !== null && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      let first = true;
      out += '{';
      for (const name of sortedKeys(record)) {
        const field = record[name];
        if (field === undefined) continue;
        if (!first) out += ',';
        first = false;
        out += JSON.stringify(name);
        out += ':';
        write(field);
      }
      out += '}';
    } else {
      out += JSON.stringify(node) ?? 'null';
    }
  };
  write(value);
  return out;
}

/**
 * An object's own keys in the order `Array.prototype.sort` gives them (UTF-16 code units). The
 * few keys of a request body's objects are sorted in place by insertion: V8's sort allocated about
 * 4 KB per alert body for its work arrays.
 */
function sortedKeys(record: Record<string, unknown>): string[] {
  const names = Object.keys(record);
  if (names.length > 16) return names.sort();
  for (let i = 1; i < names.length; i++) {
    const name = names[i] as string;
    let j = i - 1;
    for (; j >= 0 && (names[j] as string) > name; j--) names[j + 1] = names[j] as string;
    names[j + 1] = name;
  }
  return names;
}

export function requestHash(request: Pick<IdempotentRequest, 'method' | 'path' | 'body'>): string {
  return hash('sha256', `${request.method.toUpperCase()} ${request.path}\n${canonicalJson(request.body)}`, 'hex');
}

/**
 * 40 characters, the same for the key's owner and whoever takes it over: the reservation's time
 * (12 hex digits of milliseconds, so later keys sort later: the Send API's clientId is
 * `idem_<fingerprint>`, and the messages' resend index leads with the clientId), then a hash.
 */
function fingerprintOf(ref: keys.KeyRef, createdAt: number): string {
  const digest = hash('sha256', `${ref.businessId}\0${ref.key}\0${createdAt}`, 'base64url');
  return `${createdAt.toString(16).padStart(12, '0')}${digest.slice(0, 28)}`;
}

const nothing = (): void => undefined;

/** Wait `ms`, or less if `until` settles first. */
function pause(ms: number, until?: Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    void until?.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * Reserve the key, or say why not. A new key — nearly every request — is one INSERT; a key
 * seen before (a retry, a race, an expired or abandoned reservation) is sorted out in one short
 * transaction of its own.
 */
async function claim(ctx: IdempotencyContext, reserve: (key: keys.NewKey) => Promise<boolean>, ref: keys.KeyRef, hash: string): Promise<Claim> {
  const now = ctx.clock.now();
  // A uuid: Node makes them from a pooled buffer, cheaper per request than fresh random bytes.
  const leaseToken = ctx.random.uuid();
  const fresh = { businessId: ref.businessId, key: ref.key, leaseToken, lockedUntil: now + leaseMs, requestHash: hash, createdAt: now };
  if (await reserve(fresh)) return { kind: 'owner', leaseToken, createdAt: now };
  return keys.inTransaction(ctx.db, async (trx) => {
    await keys.deleteExpiredKey(trx, ref, now - idempotencyKeyTtlMs);
    const lockedUntil = now + leaseMs;
    if (await keys.insertKeyIfAbsent(trx, ctx.dialect, { businessId: ref.businessId, key: ref.key, leaseToken, lockedUntil, requestHash: hash, createdAt: now })) return { kind: 'owner', leaseToken, createdAt: now };
    const row = await keys.findKey(trx, ref);
    // Released by its owner between our insert and this read: try again.
    if (!row) return { kind: 'busy' };
    if (row.request_hash !== hash) return { kind: 'mismatch' };
    if (row.status === 'done' && row.response !== null) return { kind: 'done', answer: JSON.parse(row.response) as StoredAnswer };
    if (Number(row.locked_until ?? 0) > now) return { kind: 'busy' };
    // The owner stopped (a crash) with the key in progress: take it over, keeping its fingerprint.
    if (await keys.takeOverKey(trx, { businessId: ref.businessId, key: ref.key, leaseToken, lockedUntil, from: row.lease_token })) return { kind: 'owner', leaseToken, createdAt: Number(row.created_at) };
    return { kind: 'busy' };
  });
}

type KeyWrite = { kind: 'reserve'; key: keys.NewKey } | { kind: 'complete'; completion: keys.Completion };

/**
 * One transaction for a batch of reservations and answers. Each reservation settles true when it
 * took its key; each answer, true. A reservation that meets an existing row (a retry, a race)
 * settles false and is sorted out by `claim`, after this transaction has committed.
 */
async function writeKeys(ctx: IdempotencyContext, items: readonly KeyWrite[]): Promise<boolean[]> {
  const completions: keys.Completion[] = [];
  const fresh: keys.NewKey[] = [];
  for (const item of items) {
    if (item.kind === 'complete') completions.push(item.completion);
    else fresh.push(item.key);
  }
  // On PostgreSQL two nodes can deadlock here (each holds a key the other's batch wants); the one
  // PostgreSQL aborts left nothing behind and runs again.
  const reserved = await retryConflicts(() =>
    keys.inTransaction(ctx.db, async (trx) => {
      if (completions.length > 0) await keys.completeKeys(trx, ctx.dialect, completions);
      return fresh.length > 0 ? keys.insertKeysIfAbsent(trx, ctx.dialect, fresh) : [];
    }),
  );
  let next = 0;
  return items.map((item) => (item.kind === 'complete' ? true : reserved[next++] === true));
}

/**
 * Idempotency-Key handling for one server: the first request with a key reserves it, does the
 * work and stores the answer; the same key with the same body gets that answer again, with a
 * different body ERR_IDEMPOTENCY_MISMATCH. Concurrent requests with one key wait for the first
 * (in this process without polling, across nodes by polling) — the work runs once. A failed
 * request gives its key back, so nothing is stored for it and a retry runs afresh.
 *
 * @example
 * const { answer, replayed } = await idempotency.run(request, async ({ fingerprint }) => ({ status: 201, body: await send(fingerprint) }));
 */
export function createIdempotency(ctx: IdempotencyContext, options: { maxWaitMs?: number } = {}) {
  const maxWaitMs = options.maxWaitMs ?? defaultMaxWaitMs;
  const running = new Map<string, Promise<void>>();
  // The keys that arrive together are reserved, and the answers that finish together stored, in one
  // transaction. When another request is in flight, the batch waits two milliseconds for more, as
  // PostgreSQL's commit_delay does when commit_siblings are active: at a thousand requests a
  // second they come about a millisecond apart, and each request's keys, alert, message and
  // answer otherwise pay four commits alone. A request on an idle server does not wait.
  let inFlight = 0;
  const writes = createBatcher((items: KeyWrite[]) => writeKeys(ctx, items), { lingerMs: () => (inFlight > 1 ? lingerMs : 0) });
  const reserve = (key: keys.NewKey) => writes.add({ kind: 'reserve', key });
  const localKey = (ref: keys.KeyRef) => `${ref.businessId} ${ref.key}`;

  async function own<A extends StoredAnswer>(ref: keys.KeyRef, claimed: { leaseToken: string; createdAt: number }, work: (reservation: Reservation) => Promise<A>) {
    // Not a closure named here: tsx names each one made per call with Object.defineProperty (bench/README.md, "Hidden classes made per request").
    let finished: () => void = nothing;
    running.set(localKey(ref), new Promise<void>((resolve) => (finished = resolve)));
    try {
      let answer: A;
      try {
        answer = await work({ fingerprint: fingerprintOf(ref, claimed.createdAt), reservedAt: claimed.createdAt });
      } catch (error) {
        // Nothing was made: give the key back. If this fails too, the lease runs out and a retry takes the key over.
        await keys.releaseKey(ctx.db, { businessId: ref.businessId, key: ref.key, leaseToken: claimed.leaseToken }).catch(() => undefined);
        throw error;
      }
      // The work is done even if storing its answer fails: the key is then kept, and a retry takes it
      // over once the lease runs out, with the same fingerprint, so the work finds what it made.
      await writes.add({ kind: 'complete', completion: { businessId: ref.businessId, key: ref.key, leaseToken: claimed.leaseToken, response: JSON.stringify(answer) } });
      return answer;
    } finally {
      running.delete(localKey(ref));
      finished();
    }
  }

  async function wait(ref: keys.KeyRef, round: number, deadline: number): Promise<void> {
    const left = deadline - Date.now();
    if (left <= 0) throw new AppError('ERR_IDEMPOTENCY_IN_PROGRESS');
    // The owner in this process says when it is done; one on another node is polled, backing off.
    const local = running.get(localKey(ref));
    await pause(local ? left : Math.min(left, 25 * 2 ** Math.min(round, 3)), local);
  }

  return {
    async run<A extends StoredAnswer>(request: IdempotentRequest, work: (reservation: Reservation) => Promise<A>): Promise<{ answer: A; replayed: boolean }> {
      const ref = { businessId: request.businessId, key: request.key };
      const hash = requestHash(request);
      const deadline = Date.now() + maxWaitMs;
      inFlight += 1;
      try {
        for (let round = 0; ; round++) {
          const claimed = await claim(ctx, reserve, ref, hash);
          if (claimed.kind === 'mismatch') throw new AppError('ERR_IDEMPOTENCY_MISMATCH');
          // Stored by `own` from what `work` returned for this same route and body.
          if (claimed.kind === 'done') return { answer: claimed.answer as A, replayed: true };
          if (claimed.kind === 'owner') return { answer: await own(ref, claimed, work), replayed: false };
          await wait(ref, round, deadline);
        }
      } finally {
        inFlight -= 1;
      }
    },
    /** Forget keys older than 24 h; returns how many. */
    sweep: (): Promise<number> => keys.deleteKeysBefore(ctx.db, ctx.clock.now() - idempotencyKeyTtlMs),
  };
}
export type Idempotency = ReturnType<typeof createIdempotency>;
