import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { BankContext } from '../context';
import { AccessTokenError, type BankOidc, type VerifiedAccessToken } from '../oidc';
import { badRequest, forbidden, ObError, obErrorBody, obErrorCodes } from './ob-error';

const interactionIds = new WeakMap<FastifyRequest, string>();

// The pattern the v4.0 document gives the x-fapi-auth-date header.
const fapiAuthDate = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} (GMT|UTC)$/;

/**
 * The request's x-fapi-interaction-id, echoed on the response; one is made when the client sent
 * none (or something that is not an id), so every answer can be traced.
 */
export function interactionId(request: FastifyRequest): string {
  let id = interactionIds.get(request);
  if (!id) {
    const sent = request.headers['x-fapi-interaction-id'];
    id = typeof sent === 'string' && /^[\w.:-]{1,128}$/.test(sent) ? sent : randomUUID();
    interactionIds.set(request, id);
  }
  return id;
}

function asObError(error: FastifyError | ObError): ObError {
  if (error instanceof ObError) return error;
  const status = error.statusCode ?? 500;
  if (status === 415) return new ObError(415, obErrorCodes.invalidFormat, 'Send the body as application/json.');
  if (status === 405 || status === 406 || status === 429) return new ObError(status, obErrorCodes.invalidFormat, error.message);
  if (status >= 400 && status < 500) return new ObError(400, obErrorCodes.invalidFormat, error.message || 'The request is not valid.');
  return new ObError(500, obErrorCodes.unexpected, 'Something went wrong at the bank; the interaction id identifies it.');
}

// The operations of this API, relative to its base path: another method on one of them is 405, not 404.
const operations = [/^\/account-access-consents(\/[^/]+)?$/, /^\/accounts(\/[^/]+(\/(balances|transactions))?)?$/, /^\/(balances|transactions)$/];
// The v4.0 document gives these statuses no body.
const bodiless = new Set([401, 404, 405, 406, 415, 429]);

function acceptsJson(accept: string | undefined): boolean {
  return accept === undefined || accept === '' || /(^|,)\s*(\*\/\*|application\/\*|application\/json)\s*(;|,|$)/i.test(accept);
}

/**
 * Inside the Open Banking scope: every response carries the interaction id, and every error is
 * an OBErrorResponse1 — or has no body where the v4.0 document gives none (401, 404, 405, 406, 415, 429).
 */
export function installObErrorHandling(app: FastifyInstance, ctx: BankContext, basePath: string): void {
  app.addHook('onRequest', async (request) => {
    if (!acceptsJson(request.headers.accept)) throw new ObError(406, obErrorCodes.headerInvalid, 'This API answers application/json only.');
    const authDate = request.headers['x-fapi-auth-date'];
    if (authDate !== undefined && (typeof authDate !== 'string' || !fapiAuthDate.test(authDate))) {
      throw badRequest(obErrorCodes.headerInvalid, 'x-fapi-auth-date must be an RFC 7231 date such as "Sun, 10 Sep 2017 19:43:31 UTC".', 'x-fapi-auth-date');
    }
  });
  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('x-fapi-interaction-id', interactionId(request));
    return payload;
  });
  app.setErrorHandler<FastifyError | ObError>(async (error, request, reply) => {
    const obError = asObError(error);
    if (obError.status === 500) ctx.log.error({ err: error, interactionId: interactionId(request) }, 'Open Banking request failed');
    // RFC 9449 §7.1: the challenge names the DPoP scheme, and the error unless no token was sent at all.
    if (obError.status === 401) {
      const challenge = obError.challenge && obError.challenge !== 'missing_token' ? `DPoP algs="ES256 PS256", error="${obError.challenge}"` : 'DPoP algs="ES256 PS256"';
      reply.header('www-authenticate', challenge);
    }
    if (bodiless.has(obError.status)) return reply.code(obError.status).send();
    return reply.code(obError.status).type('application/json; charset=utf-8').send(obErrorBody(obError, interactionId(request)));
  });
  app.setNotFoundHandler(async (request, reply) => {
    const path = (request.url.split('?')[0] ?? '').slice(basePath.length);
    return reply.code(operations.some((operation) => operation.test(path)) ? 405 : 404).send();
  });
}

/**
 * The caller's access token (DPoP-bound, checked by the OpenID provider) with the `accounts`
 * scope. A missing, expired or unbound token → 401; one whose consent was revoked (the token
 * died with it) → 403, as for any consent that is no longer authorised; a token without the scope → 403.
 */
export async function authenticate(oidc: BankOidc, request: FastifyRequest): Promise<VerifiedAccessToken> {
  let token: VerifiedAccessToken;
  try {
    token = await oidc.verifyAccessToken(request);
  } catch (error) {
    const reason = error instanceof AccessTokenError ? error.reason : 'invalid_token';
    if (reason === 'consent_revoked') throw forbidden(obErrorCodes.invalidConsentStatus, 'The consent for this access token has been revoked.');
    throw new ObError(401, obErrorCodes.forbidden, error instanceof Error ? error.message : 'The access token is missing or not valid.', undefined, reason);
  }
  if (!token.scope.split(' ').includes('accounts')) throw forbidden(obErrorCodes.forbidden, 'This access token does not have the accounts scope.');
  return token;
}

/** JSON with the Open Banking media type. */
export function sendOb(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}

/** The absolute URL of this request at the bank's public address (Links.Self). */
export function selfUrl(ctx: BankContext, request: FastifyRequest): string {
  return new URL(request.url, ctx.config.publicUrl).href;
}
