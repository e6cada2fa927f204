import type { Logger } from 'pino';
import { Pool } from 'undici';
import { ForbiddenAddressError } from './address.policy';
import { guardedConnector } from './url.guard';

/** What one attempt got. `ok` means a 2xx answer. */
export interface AttemptOutcome {
  readonly ok: boolean;
  readonly statusCode: number | null;
  /** Why there was no answer (refused, timed out, forbidden address…), at most 500 characters. */
  readonly error: string | null;
  /** The start of the answer's body, at most 500 characters. */
  readonly response: string | null;
  /** A `Retry-After` the endpoint asked for (on a failure), in ms. */
  readonly retryAfterMs?: number;
}

export interface WebhookSender {
  post(url: URL, body: string | Buffer, headers: Record<string, string>): Promise<AttemptOutcome>;
  close(): Promise<void>;
}

export const excerptLength = 500;
/** Bytes of an answer read at most: enough for the excerpt, not a bank's whole error page. */
const maxResponseBytes = 4096;
/** Sockets per origin: deliveries to one bank go out in parallel, up to this. */
const connectionsPerOrigin = 16;

function clip(text: string): string {
  return text.length > excerptLength ? text.slice(0, excerptLength) : text;
}

async function readExcerpt(body: AsyncIterable<Buffer> & { destroy(): void }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= maxResponseBytes) {
      body.destroy();
      break;
    }
  }
  return clip(Buffer.concat(chunks).subarray(0, maxResponseBytes).toString('utf8'));
}

/** `Retry-After` as seconds or an HTTP date; undefined when absent or unreadable. */
function retryAfterMs(value: string | string[] | undefined, now: number): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (!raw) return undefined;
  if (/^\d+$/.test(raw.trim())) return Number(raw.trim()) * 1000;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function describeFailure(error: unknown, timeoutMs: number): string {
  const err = error as { name?: string; code?: string; message?: string; cause?: { message?: string } };
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError' || err?.code === 'UND_ERR_HEADERS_TIMEOUT' || err?.code === 'UND_ERR_BODY_TIMEOUT') {
    return `No answer within ${timeoutMs / 1000} s.`;
  }
  return clip(err?.message || err?.cause?.message || String(error));
}

/**
 * Posts webhooks through one undici Pool per origin, kept and reused (not the global fetch,
 * several times slower here). Unless private targets are allowed, every connection goes through
 * `guardedConnector`. Redirects are not followed: a 3xx is a failure, as the spec advises.
 */
export function createWebhookSender(options: { timeoutMs: number; allowPrivate: boolean; log: Logger }): WebhookSender {
  const pools = new Map<string, Pool>();
  const connect = options.allowPrivate ? { timeout: options.timeoutMs } : guardedConnector({ timeoutMs: options.timeoutMs });
  const poolFor = (origin: string): Pool => {
    let pool = pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, { connections: connectionsPerOrigin, connect, headersTimeout: options.timeoutMs, bodyTimeout: options.timeoutMs });
      pools.set(origin, pool);
    }
    return pool;
  };
  return {
    async post(url, body, headers) {
      try {
        const response = await poolFor(url.origin).request({
          method: 'POST',
          path: `${url.pathname}${url.search}`,
          headers,
          body,
          signal: AbortSignal.timeout(options.timeoutMs),
        });
        const ok = response.statusCode >= 200 && response.statusCode < 300;
        const excerpt = await readExcerpt(response.body).catch(() => '');
        const wait = ok ? undefined : retryAfterMs(response.headers['retry-after'], Date.now());
        return { ok, statusCode: response.statusCode, error: null, response: excerpt || null, ...(wait === undefined ? {} : { retryAfterMs: wait }) };
      } catch (error) {
        if (error instanceof ForbiddenAddressError) {
          options.log.warn({ origin: url.origin, address: error.address }, 'webhook refused: the endpoint resolves to a non-public address');
        }
        return { ok: false, statusCode: null, error: describeFailure(error, options.timeoutMs), response: null };
      }
    },
    async close() {
      const all = [...pools.values()];
      pools.clear();
      await Promise.all(all.map((pool) => pool.close().catch(() => pool.destroy())));
    },
  };
}
