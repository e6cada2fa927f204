import { Agent, request as undiciRequest } from 'undici';
import type { ErrorCode } from '@parley/protocol';

/**
 * Thrown for every answer from Parley that is not a success, once retries (if any) are spent.
 * `code` is Parley's stable error code (the `errorCatalog` of @parley/protocol): branch on it,
 * never on `message`, which is for people.
 *
 * @example
 * try {
 *   await parley.sendMessage({ bsid, messagingType: 'RESPONSE', content: { contentType: 'text', text: 'Hi' } });
 * } catch (error) {
 *   if (error instanceof ParleyApiError && error.code === 'ERR_OUTSIDE_WINDOW') console.log('too late to answer');
 *   else throw error;
 * }
 */
export class ParleyApiError extends Error {
  /** The HTTP status, e.g. 403. */
  readonly status: number;
  /** Parley's stable code, e.g. `ERR_OUTSIDE_WINDOW`; `ERR_UNKNOWN` if the answer was not Parley's error body (a proxy's 502 page). */
  readonly code: ErrorCode | 'ERR_UNKNOWN';
  constructor(status: number, code: ErrorCode | 'ERR_UNKNOWN', message: string) {
    super(message);
    this.name = 'ParleyApiError';
    this.status = status;
    this.code = code;
  }
}

/**
 * Thrown when Parley could not be reached or did not answer in time, on every attempt.
 * For `sendMessage`, retrying later with the same `idempotencyKey` is safe: the message is sent
 * at most once.
 *
 * @example
 * try {
 *   await parley.sendMessage(message, { idempotencyKey });
 * } catch (error) {
 *   if (error instanceof ParleyConnectionError) queueForLater(message, idempotencyKey);
 * }
 */
export class ParleyConnectionError extends Error {
  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
    this.name = 'ParleyConnectionError';
  }
}

/**
 * The subset of the WHATWG `fetch` the client uses; pass the global `fetch`, undici's, or a test
 * double to `ParleyClient`.
 *
 * @example
 * const parley = new ParleyClient({ baseUrl, apiKey, fetch: globalThis.fetch });
 */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; signal: AbortSignal },
) => Promise<{ status: number; headers: { get(name: string): string | null }; text(): Promise<string> }>;

/** One request, as the client makes it. `retry`: which failures may be tried again. */
export interface ApiRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  /** `safe`: the request may be repeated (idempotent or with an Idempotency-Key); `throttled`: only a 429, which Parley did not act on. */
  readonly retry: 'safe' | 'throttled';
}

export interface TransportOptions {
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly fetch?: FetchLike;
  readonly maxRetries: number;
  readonly timeoutMs: number;
  /** First backoff in ms; doubles on every retry, with full jitter. */
  readonly backoffMs: number;
}

interface RawAnswer {
  readonly status: number;
  readonly retryAfter: string | null;
  readonly text: string;
}

const maxBackoffMs = 30_000;
/** A 429 asking for a longer wait than this is thrown to the caller rather than slept through. */
export const maxRetryAfterMs = 60_000;

function undiciFetch(agent: Agent): FetchLike {
  return async (url, init) => {
    const response = await undiciRequest(url, { method: init.method as 'GET', headers: init.headers, body: init.body, signal: init.signal, dispatcher: agent });
    const text = await response.body.text();
    const header = (name: string) => {
      const value = response.headers[name];
      return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
    };
    return { status: response.statusCode, headers: { get: header }, text: async () => text };
  };
}

/** Retry-After as ms: delta-seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(value: string | null, now = Date.now()): number | null {
  if (value === null || value.trim() === '') return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

function backoff(attempt: number, baseMs: number): number {
  return Math.random() * Math.min(maxBackoffMs, baseMs * 2 ** attempt);
}

function shouldRetry(request: ApiRequest, answer: RawAnswer | null): boolean {
  if (answer === null) return request.retry === 'safe';
  if (answer.status === 429) return true;
  return request.retry === 'safe' && answer.status >= 500;
}

function apiError(answer: RawAnswer): ParleyApiError {
  try {
    const body = JSON.parse(answer.text) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body.error?.code === 'string') {
      return new ParleyApiError(answer.status, body.error.code as ErrorCode, String(body.error.message ?? body.error.code));
    }
  } catch {
    // Not JSON: a proxy or load balancer answered, not Parley.
  }
  return new ParleyApiError(answer.status, 'ERR_UNKNOWN', `Parley answered ${answer.status}: ${answer.text.slice(0, 200)}`);
}

/** Sends requests to Parley with the API key, retrying what may be retried. */
export function createTransport(options: TransportOptions): { call<T>(request: ApiRequest): Promise<T>; close(): Promise<void> } {
  const agent = options.fetch ? null : new Agent({ keepAliveTimeout: 10_000 });
  const send = options.fetch ?? undiciFetch(agent as Agent);
  const base = options.baseUrl.replace(/\/+$/, '');

  async function attempt(request: ApiRequest): Promise<RawAnswer> {
    const headers: Record<string, string> = { authorization: `Bearer ${options.apiKey}`, accept: 'application/json', ...request.headers };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    const response = await send(`${base}${request.path}`, {
      method: request.method,
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    return { status: response.status, retryAfter: response.headers.get('retry-after'), text: await response.text() };
  }

  async function call<T>(request: ApiRequest): Promise<T> {
    for (let tries = 0; ; tries++) {
      let answer: RawAnswer | null = null;
      let failure: unknown = null;
      try {
        answer = await attempt(request);
      } catch (error) {
        failure = error;
      }
      if (answer && answer.status < 300) return (answer.text === '' ? undefined : JSON.parse(answer.text)) as T;
      if (tries >= options.maxRetries || !shouldRetry(request, answer)) {
        if (answer) throw apiError(answer);
        throw new ParleyConnectionError(`${request.method} ${request.path} failed after ${tries + 1} attempt(s): ${String(failure)}`, { cause: failure });
      }
      const asked = retryAfterMs(answer?.retryAfter ?? null);
      if (answer && asked !== null && asked > maxRetryAfterMs) throw apiError(answer);
      const wait = asked ?? backoff(tries, options.backoffMs);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  return { call, close: async () => agent?.close() };
}
