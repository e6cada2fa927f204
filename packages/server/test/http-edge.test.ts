import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, requestLogger } from '../src/platform/logger';
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
  it('bind each request line to its request id, making the request logger only for a request that logs', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const parent = createLogger({ logLevel: 'warn' }, sink);
    let children = 0;
    const counted = Object.assign(Object.create(parent) as typeof parent, {
      child: (...args: Parameters<typeof parent.child>) => {
        children += 1;
        return parent.child(...args);
      },
    });
    const quiet = requestLogger(counted, { reqId: 'req-1' }, {});
    quiet.info('below the level');
    quiet.debug({ detail: 1 }, 'below the level too');
    expect(quiet.level).toBe('warn');
    expect(children).toBe(0);
    expect(lines).toEqual([]);

    const loud = requestLogger(counted, { reqId: 'req-2' }, {});
    loud.warn({ code: 'ERR_X' }, 'something to look at');
    loud.error(new Error('boom'));
    loud.child({ step: 'inner' }).warn('from a child');
    expect(children).toBe(1);
    expect(lines.map((line) => [line.reqId, line.msg])).toEqual([
      ['req-2', 'something to look at'],
      ['req-2', 'boom'],
      ['req-2', 'from a child'],
    ]);
    expect(lines[0]?.code).toBe('ERR_X');
    expect(lines[2]?.step).toBe('inner');
  });

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
      expect(output).toMatch(/"reqId":"req-[^"]+"[^\n]*\/v1\/me/);
      expect(output).not.toContain(password);
      expect(output).not.toContain(token);
      expect(output).not.toContain(csrf);
    } finally {
      await t.close();
    }
  });
});
