import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

const cookieName = 'bank_session';
const lifetimeMs = 30 * 60 * 1000;

/**
 * The customer's signed-in session on the bank's own website (Connected apps, account
 * linking, the demo page): a cookie `customerId.expiry.mac`, HMAC-SHA256 under a key from the
 * data folder. The OpenID provider keeps its own session; this one never grants API access.
 */
export interface CustomerSessions {
  start(reply: FastifyReply, customerId: string): void;
  /** The signed-in customer's id, or null. */
  read(request: FastifyRequest): string | null;
  end(reply: FastifyReply): void;
}

export function customerSessions(input: { key: Buffer; now: () => number; secure: boolean }): CustomerSessions {
  const mac = (payload: string) => createHmac('sha256', input.key).update(payload).digest('base64url');
  const options = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: input.secure };
  return {
    start(reply, customerId) {
      const payload = `${customerId}.${input.now() + lifetimeMs}`;
      reply.setCookie(cookieName, `${payload}.${mac(payload)}`, { path: options.path, httpOnly: options.httpOnly, sameSite: options.sameSite, secure: options.secure, maxAge: lifetimeMs / 1000 });
    },
    read(request) {
      const value = request.cookies[cookieName];
      if (!value) return null;
      const [customerId, expiry, signature] = value.split('.');
      if (!customerId || !expiry || !signature) return null;
      const expected = Buffer.from(mac(`${customerId}.${expiry}`));
      const actual = Buffer.from(signature);
      if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null;
      return Number(expiry) > input.now() ? customerId : null;
    },
    end(reply) {
      reply.clearCookie(cookieName, options);
    },
  };
}
