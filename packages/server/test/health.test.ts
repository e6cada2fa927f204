import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, dialects, type TestApp } from './context';

describe.each(dialects)('health and docs on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(() => t.close());

  it('answers /healthz and /readyz', async () => {
    expect((await t.app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready' });
  });

  it('serves Prometheus metrics with the HTTP latency histogram', async () => {
    await t.app.inject('/healthz');
    const metrics = await t.app.inject('/metrics');
    expect(metrics.headers['content-type']).toMatch(/text\/plain/);
    expect(metrics.body).toMatch(/parley_http_request_duration_seconds_bucket\{.*route="\/healthz"/);
    expect(metrics.body).toContain('parley_ws_open_sockets');
    expect(metrics.body).toContain('parley_messages_persisted_total');
    expect(metrics.body).toContain('parley_commit_batch_size');
  });

  it('publishes an OpenAPI 3.1 document naming the routes', async () => {
    const doc = (await t.app.inject('/openapi.json')).json() as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/v1/auth/password/sign-in');
    const docs = await t.app.inject('/docs/');
    expect(docs.statusCode).toBe(200);
  });

  it('answers an unknown route with a coded 404', async () => {
    const response = await t.app.inject('/v1/nothing-here');
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: { code: 'ERR_NOT_FOUND', message: expect.any(String) } });
  });
});
