import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InjectOptions } from 'fastify';
import { createTestApp, dialects, type TestApp } from './context';

const max = 3;

describe.each(dialects)('rate limits on sign-up and sign-in on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect, { config: { authRateLimit: { max, windowMs: 60_000 } } });
  });
  afterAll(() => t.close());

  let address = 1;
  /** A client of its own, so each test starts with a full allowance. */
  const newClient = (): string => `127.0.${Math.floor(++address / 250)}.${address % 250}`;

  async function attempts(count: number, request: () => InjectOptions) {
    const responses = [];
    for (let i = 0; i < count; i++) responses.push(await t.app.inject(request()));
    return responses;
  }

  function expectLimited(response: { statusCode: number; headers: Record<string, unknown>; json(): unknown }): void {
    expect(response.statusCode).toBe(429);
    expect(response.json()).toEqual({ error: { code: 'ERR_RATE_LIMITED', message: expect.any(String) } });
    const retryAfter = Number(response.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
  }

  it('answers 429 with Retry-After once one address has used up its password sign-ins', async () => {
    const remoteAddress = newClient();
    const responses = await attempts(max + 1, () => ({
      method: 'POST',
      url: '/v1/auth/password/sign-in',
      remoteAddress,
      payload: { email: `nobody-${address}-${Math.random()}@example.com`, password: 'wrong password here' },
    }));
    for (const early of responses.slice(0, max)) expect(early.statusCode).toBe(401);
    expectLimited(responses[max]!);
    // Another address is not affected.
    const other = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/password/sign-in',
      remoteAddress: newClient(),
      payload: { email: 'someone-else@example.com', password: 'wrong password here' },
    });
    expect(other.statusCode).toBe(401);
  });

  it('limits password guesses against one email even when they come from many addresses', async () => {
    const email = `target-${process.pid}@example.com`;
    const responses = await attempts(max + 1, () => ({
      method: 'POST',
      url: '/v1/auth/password/sign-in',
      remoteAddress: newClient(),
      payload: { email, password: 'guess number n' },
    }));
    expectLimited(responses[max]!);
    const sameEmailOtherCase = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/password/sign-in',
      remoteAddress: newClient(),
      payload: { email: email.toUpperCase(), password: 'guess number n' },
    });
    expect(sameEmailOtherCase.statusCode).toBe(429);
  });

  it('limits password sign-ups per address', async () => {
    const remoteAddress = newClient();
    const responses = await attempts(max + 1, () => ({
      method: 'POST',
      url: '/v1/auth/password/sign-up',
      remoteAddress,
      payload: { email: `new-${Math.random()}@example.com`, password: 'correct horse battery staple', displayName: 'N' },
    }));
    for (const early of responses.slice(0, max)) expect(early.statusCode).toBe(201);
    expectLimited(responses[max]!);
  });

  it.each([
    ['/v1/auth/passkey/sign-up/options', { displayName: 'Ada' }],
    ['/v1/auth/passkey/sign-in/options', {}],
    ['/v1/auth/passkey/sign-up/verify', { challengeId: 'x'.repeat(32), response: { id: 'a', rawId: 'a', type: 'public-key', response: { clientDataJSON: 'e30' }, clientExtensionResults: {} } }],
    ['/v1/auth/passkey/sign-in/verify', { challengeId: 'x'.repeat(32), response: { id: 'a', rawId: 'a', type: 'public-key', response: { clientDataJSON: 'e30' }, clientExtensionResults: {} } }],
  ])('limits %s per address', async (url, payload) => {
    const remoteAddress = newClient();
    const responses = await attempts(max + 1, () => ({ method: 'POST', url, remoteAddress, payload }));
    for (const early of responses.slice(0, max)) expect(early.statusCode).not.toBe(429);
    expectLimited(responses[max]!);
  });

  it('does not limit what a signed-in person does elsewhere', async () => {
    const remoteAddress = newClient();
    const responses = await attempts(max + 2, () => ({ method: 'GET', url: '/v1/me', remoteAddress }));
    for (const response of responses) expect(response.statusCode).toBe(401);
  });
});

describe.each(dialects)('default auth rate limit on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect, { config: { authRateLimit: undefined } });
  });
  afterAll(() => t.close());

  it('allows 10 attempts a minute per address and route, then answers 429', async () => {
    const statuses = [];
    for (let i = 0; i < 11; i++) {
      const response = await t.app.inject({ method: 'POST', url: '/v1/auth/passkey/sign-in/options', payload: {} });
      statuses.push(response.statusCode);
    }
    expect(statuses).toEqual([...Array<number>(10).fill(200), 429]);
  });
});
