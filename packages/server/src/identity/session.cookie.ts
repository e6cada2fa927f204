import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../platform/config';
import { absoluteTimeoutMs } from './session.service';

/** `__Host-` when served over https: the browser then insists on Secure, Path=/ and no Domain. */
export function sessionCookieName(config: Pick<Config, 'secureCookies'>): string {
  return config.secureCookies ? '__Host-parley_session' : 'parley_session';
}

export function readSessionCookie(config: Pick<Config, 'secureCookies'>, request: FastifyRequest): string | undefined {
  return request.cookies[sessionCookieName(config)];
}

export function setSessionCookie(config: Pick<Config, 'secureCookies'>, reply: FastifyReply, token: string): void {
  reply.setCookie(sessionCookieName(config), token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: config.secureCookies,
    maxAge: absoluteTimeoutMs / 1000,
  });
}

export function clearSessionCookie(config: Pick<Config, 'secureCookies'>, reply: FastifyReply): void {
  reply.clearCookie(sessionCookieName(config), { path: '/', httpOnly: true, sameSite: 'lax', secure: config.secureCookies });
}
