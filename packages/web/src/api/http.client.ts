/**
 * The one way the web app talks HTTP to Parley: same-origin JSON, the session cookie sent by
 * the browser, the CSRF token on every unsafe request, and errors turned into `ApiError`
 * carrying the server's code and human sentence.
 */
import { errorCatalog } from '@parley/protocol';

/** A refused or failed request, with the sentence to show the person. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Seconds to wait before retrying, from a 429's Retry-After. */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The session is gone: the person must sign in again. */
  get signedOut(): boolean {
    return this.status === 401 && (this.code === 'ERR_UNAUTHENTICATED' || this.code === 'ERR_SESSION_EXPIRED');
  }
}

const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
let csrfToken: string | null = null;
const signedOutListeners = new Set<(error: ApiError) => void>();

/** Set after sign-in (from `Me.csrfToken`); cleared on sign-out. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when any request learns that the session has ended. Returns the unsubscribe. */
export function onSignedOut(listener: (error: ApiError) => void): () => void {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}

export interface RequestOptions {
  body?: unknown;
  /** Sign-in requests expect 401 for a wrong password; do not treat it as a lost session. */
  anonymous?: boolean;
}

/**
 * @example
 * const me = await request<Me>('GET', '/v1/me');
 */
export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (unsafeMethods.has(method) && csrfToken) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch {
    throw new ApiError(0, 'ERR_NETWORK', 'Parley cannot be reached. Check your connection and try again.');
  }
  if (response.ok) {
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }
  const error = await toApiError(response);
  if (error.signedOut && !options.anonymous) for (const listener of signedOutListeners) listener(error);
  throw error;
}

async function toApiError(response: Response): Promise<ApiError> {
  const retryAfter = response.status === 429 ? Number(response.headers.get('retry-after')) : NaN;
  const retryAfterSeconds = Number.isFinite(retryAfter) && retryAfter > 0 ? Math.ceil(retryAfter) : null;
  let code = 'ERR_INTERNAL';
  let message: string = errorCatalog.ERR_INTERNAL.message;
  try {
    const body = (await response.json()) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body.error?.code === 'string') code = body.error.code;
    if (typeof body.error?.message === 'string') message = body.error.message;
  } catch {
    // A proxy's HTML error page, say: keep the generic sentence.
  }
  if (retryAfterSeconds !== null) message = `${message} You can try again in ${retryAfterSeconds} s.`;
  return new ApiError(response.status, code, message, retryAfterSeconds);
}

/** The sentence to show for anything a request threw. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return 'Something went wrong. Please try again.';
}
