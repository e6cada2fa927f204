import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/platform/logger';
import { createTestApp, dialects, type TestApp } from './context';

describe.each(dialects)('the HTTP edge on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(() => t.close());

  const signUp = '/v1/auth/password/sign-up';

  it('answers malformed JSON with ERR_BAD_JSON', async () => {
    const r = await t.app.inject({ method: 'POST', url: signUp, headers: { 'content-type': 'application/json' }, payload: '{"email":' });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.code).toBe('ERR_BAD_JSON');
  });

  it('answers a non-JSON content type with ERR_UNSUPPORTED_MEDIA_TYPE', async () => {
    const r = await t.app.inject({ method: 'POST', url: signUp, headers: { 'content-type': 'text/plain' }, payload: 'hello' });
    expect(r.statusCode).toBe(415);
    expect(r.json().error.code).toBe('ERR_UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers a body over 64 KiB with ERR_PAYLOAD_TOO_LARGE', async () => {
    const payload = JSON.stringify({ email: 'a@b.co', password: 'x'.repeat(70_000), displayName: 'A' });
    const r = await t.app.inject({ method: 'POST', url: signUp, headers: { 'content-type': 'application/json' }, payload });
    expect(r.statusCode).toBe(413);
    expect(r.json().error.code).toBe('ERR_PAYLOAD_TOO_LARGE');
  });

  it('answers a schema violation with ERR_VALIDATION naming the field, and unknown fields are refused', async () => {
    const wrongType = await t.app.inject({ method: 'POST', url: signUp, payload: { email: 'a@b.co', password: 5, displayName: 'A' } });
    expect(wrongType.statusCode).toBe(400);
    expect(wrongType.json().error.code).toBe('ERR_VALIDATION');
    expect(wrongType.json().error.message).toMatch(/password/);
    const extra = await t.app.inject({
      method: 'POST',
      url: signUp,
      payload: { email: 'a@b.co', password: 'correct horse battery', displayName: 'A', admin: true },
    });
    expect(extra.statusCode).toBe(400);
    expect(extra.json().error.code).toBe('ERR_VALIDATION');
  });

  it('refuses an unsafe request from another origin', async () => {
    const r = await t.app.inject({
      method: 'POST',
      url: signUp,
      headers: { origin: 'https://evil.example' },
      payload: { email: 'origin@example.com', password: 'correct horse battery', displayName: 'A' },
    });
    expect(r.statusCode).toBe(403);
    expect(r.json().error.code).toBe('ERR_CSRF');
  });
});

describe('logs', () => {
  it('never contain a password, a session token, a CSRF token or a body', async () => {
    let output = '';
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        output += chunk.toString();
        done();
      },
    });
    const logger = createLogger({ logLevel: 'trace' }, sink);
    const t = await createTestApp('sqlite', { config: { logLevel: 'trace' }, deps: { logger } });
    try {
      const password = 'canary-password-91d3c2';
      const r = await t.app.inject({
        method: 'POST',
        url: '/v1/auth/password/sign-up',
        payload: { email: 'logs@example.com', password, displayName: 'Log Canary' },
      });
      expect(r.statusCode).toBe(201);
      const token = String(r.headers['set-cookie']).split(';')[0]?.split('=')[1] ?? '';
      const csrf = r.json().csrfToken as string;
      const me = await t.app.inject({ url: '/v1/me', headers: { cookie: `parley_session=${token}` } });
      expect(me.statusCode).toBe(200);
      expect(output.length).toBeGreaterThan(0);
      expect(output).toContain('/v1/me');
      expect(output).not.toContain(password);
      expect(output).not.toContain(token);
      expect(output).not.toContain(csrf);
    } finally {
      await t.close();
    }
  });
});
