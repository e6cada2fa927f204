import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './context';

interface Operation {
  summary?: string;
  tags?: string[];
  requestBody?: unknown;
  responses?: Record<string, unknown>;
}

/** /docs is only as good as the document behind it: every route a client can call is described there. */
describe('the OpenAPI document', () => {
  let t: TestApp;
  let operations: [string, Operation][];
  beforeAll(async () => {
    t = await createTestApp('sqlite');
    const doc = (await t.app.inject('/openapi.json')).json() as { paths: Record<string, Record<string, Operation>> };
    operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]): [string, Operation] => [`${method.toUpperCase()} ${path}`, op]),
    );
  });
  afterAll(() => t.close());

  it('describes the API routes and hides the operator ones', () => {
    const names = operations.map(([name]) => name);
    expect(names).toContain('POST /v1/conversations');
    expect(names).toContain('POST /v1/messages');
    expect(names.some((name) => name.includes('/healthz') || name.includes('/metrics'))).toBe(false);
  });

  it('gives every operation a summary, a tag and its responses', () => {
    const lacking = operations
      .filter(([, op]) => !op.summary || !op.tags?.length || !op.responses || Object.keys(op.responses).length === 0)
      .map(([name]) => name);
    expect(lacking).toEqual([]);
  });

  it('shows an example for every request body', () => {
    const lacking = operations
      .filter(([, op]) => op.requestBody !== undefined && !JSON.stringify(op.requestBody).includes('"example'))
      .map(([name]) => name);
    expect(lacking).toEqual([]);
  });
});
