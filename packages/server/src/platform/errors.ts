import { errorCatalog, type ErrorCode } from '@parley/protocol';

/**
 * The one error type domain code throws. The edge (Fastify's error handler, the WebSocket
 * gateway) translates it into `{"error":{"code","message"}}` or an error frame.
 *
 * @example
 * throw new AppError('ERR_NOT_FOUND');
 * throw new AppError('ERR_VALIDATION', { message: 'limit must be at most 200', cause: err });
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** Extra response headers, such as Retry-After. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: ErrorCode, options: { message?: string; cause?: unknown; headers?: Record<string, string> } = {}) {
    super(options.message ?? errorCatalog[code].message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = errorCatalog[code].status;
    this.headers = options.headers ?? {};
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}

export function errorBody(code: ErrorCode, message?: string): { error: { code: ErrorCode; message: string } } {
  return { error: { code, message: message ?? errorCatalog[code].message } };
}
