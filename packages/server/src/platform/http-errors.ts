import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorCatalog, type ErrorCode } from '@parley/protocol';
import { errorBody, isAppError } from './errors';

/** Fastify's own error codes, translated to ours. */
const fastifyCodes: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'ERR_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_BODY_TOO_LARGE: 'ERR_PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'ERR_BAD_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'ERR_BAD_JSON',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'ERR_VALIDATION',
  FST_ERR_VALIDATION: 'ERR_VALIDATION',
};

function codeFor(error: FastifyError): ErrorCode {
  if (error.validation) return 'ERR_VALIDATION';
  const mapped = error.code ? fastifyCodes[error.code] : undefined;
  if (mapped) return mapped;
  if (error instanceof SyntaxError) return 'ERR_BAD_JSON';
  switch (error.statusCode) {
    case 404: return 'ERR_NOT_FOUND';
    case 405: return 'ERR_METHOD_NOT_ALLOWED';
    case 413: return 'ERR_PAYLOAD_TOO_LARGE';
    case 415: return 'ERR_UNSUPPORTED_MEDIA_TYPE';
    case 429: return 'ERR_RATE_LIMITED';
  }
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) return 'ERR_VALIDATION';
  return 'ERR_INTERNAL';
}

/**
 * Errors the router raises before any route runs (a path that is not valid percent-encoding,
 * a path parameter over the length limit): Fastify hands them to `frameworkErrors`, not to
 * the error handler, so they get our body here.
 */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const code: ErrorCode = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'ERR_NOT_FOUND' : 'ERR_VALIDATION';
  const message = code === 'ERR_VALIDATION' ? 'The URL is not valid.' : undefined;
  void reply.code(errorCatalog[code].status).send(errorBody(code, message));
}

/**
 * The one place errors become HTTP answers: `{"error":{"code","message"}}` with the code's
 * status. Unknown errors are logged and answered with ERR_INTERNAL, never a stack trace.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (isAppError(error)) {
      if (error.status >= 500) request.log.error({ err: error }, 'request failed');
      return reply.code(error.status).headers(error.headers).send(errorBody(error.code, error.message));
    }
    const code = codeFor(error);
    if (code === 'ERR_INTERNAL') {
      request.log.error({ err: error }, 'unexpected error');
      return reply.code(500).send(errorBody('ERR_INTERNAL'));
    }
    // Validation messages name the field at fault and never echo a value back.
    const message = code === 'ERR_VALIDATION' && error.message ? error.message : undefined;
    return reply.code(errorCatalog[code].status).send(errorBody(code, message));
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).send(errorBody('ERR_NOT_FOUND')));
}
