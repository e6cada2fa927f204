import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../platform/config';
import { AppError } from '../platform/errors';
import { normaliseEmail } from './person.service';

/** The sign-up and sign-in routes; each counts its own attempts. */
export type AuthRoute =
  | 'password-sign-up'
  | 'password-sign-in'
  | 'passkey-sign-up-options'
  | 'passkey-sign-up-verify'
  | 'passkey-sign-in-options'
  | 'passkey-sign-in-verify';

/** A route hook that answers 429 ERR_RATE_LIMITED with Retry-After once a client is over its limit. */
export type AuthLimitHook = (request: FastifyRequest) => Promise<void>;

export interface AuthRateLimits {
  /** Counted per client IP (per /64 for IPv6); use it onRequest, before the body is read. */
  byIp(route: AuthRoute): AuthLimitHook;
  /** Counted per email in the validated body, so spreading guesses over many IPs does not help; use it preHandler. */
  byEmail(route: AuthRoute): AuthLimitHook;
}

/** Generous for a person, tight for a script: 10 attempts a minute. */
export const defaultAuthRateLimit = { max: 10, windowMs: 60_000 } as const;

function emailOf(request: FastifyRequest): string {
  const body: unknown = request.body;
  const email = typeof body === 'object' && body !== null && 'email' in body ? body.email : undefined;
  return typeof email === 'string' ? normaliseEmail(email) : '';
}

/** Register @fastify/rate-limit (on no route by itself) and make the limiters the auth routes use. */
export async function registerAuthRateLimits(app: FastifyInstance, config: Pick<Config, 'authRateLimit'>): Promise<AuthRateLimits> {
  await app.register(rateLimit, { global: false });
  const { max, windowMs } = config.authRateLimit ?? defaultAuthRateLimit;

  const limiter = (keyOf: (request: FastifyRequest) => string): AuthLimitHook => {
    const check = app.createRateLimit({ max, timeWindow: windowMs, keyGenerator: keyOf });
    return async (request) => {
      const result = await check(request);
      if (!result.isAllowed && result.isExceeded) {
        const retryAfter = String(Math.max(1, result.ttlInSeconds));
        throw new AppError('ERR_RATE_LIMITED', { headers: { 'retry-after': retryAfter } });
      }
    };
  };
  return {
    byIp: (route) => limiter((request) => `${route}:${normalizeIP(request.ip)}`),
    byEmail: (route) => limiter((request) => `${route}:${emailOf(request)}`),
  };
}
