import { hash, randomBytes } from 'node:crypto';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { errorCatalog } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './context';
import { signUpPerson } from './people';
import { arbitraryFromSchema, hostileBody, nastyString, rawJsonText, type JsonSchema } from './property-arbitraries';

// Every route that takes a body gets arbitrary JSON, valid bodies and hostile mutations of them,
// signed out, signed in, and signed in without the CSRF token: never a 5xx, and every 4xx is
// `{"error":{"code","message"}}` with a catalogued code and its status. Routes are read from the
// running app, so a route added tomorrow is fuzzed tomorrow. SQLite only: the property is about the
// edge, not the store, and the PostgreSQL suites cover the store.

const unsafeMethods = ['POST', 'PUT', 'PATCH', 'DELETE'] as const;
const runsPerRoute = 100;

interface Route {
  readonly method: string;
  /** Fastify syntax: /v1/conversations/:conversationId/messages */
  readonly url: string;
}

/** Every route of `printRoutes()`, hidden ones included, rebuilt from its tree drawing. */
function listRoutes(app: FastifyInstance): Route[] {
  const routes: Route[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^([│ ]*)[├└]── (.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = (match[1] as string).length / 4;
    stack.length = depth;
    stack.push(match[2] as string);
    for (const method of (match[3] ?? '').split(', ').filter(Boolean)) routes.push({ method, url: stack.join('') });
  }
  return routes;
}

interface OpenApiDoc {
  paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: JsonSchema }> } }>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

function bodySchemaOf(doc: OpenApiDoc, route: Route): JsonSchema {
  const openApiPath = route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
  const operation = doc.paths[openApiPath]?.[route.method.toLowerCase()];
  return operation?.requestBody?.content?.['application/json']?.schema ?? {};
}

// The routes are read from a throwaway app at collection time, so each gets its own test.
const probe = await createTestApp('sqlite');
const bodyRoutes = listRoutes(probe.app).filter((r) => (unsafeMethods as readonly string[]).includes(r.method));
const openApi = (await probe.app.inject('/openapi.json')).json() as OpenApiDoc;
await probe.close();

type Auth = 'none' | 'session' | 'no-csrf' | 'foreign-origin';

describe('every route that takes a body, under hostile bodies (sqlite)', () => {
  let t: TestApp;
  let db: SQLite.Database;
  const errorLogs: string[] = [];
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown): void => void rejections.push(reason);
  let session = { personId: '', cookie: '', csrfToken: '' };
  const knownIds: string[] = [];

  /** A fresh session row for the person, as sign-in would make; argon2 per run would take minutes. */
  function mintSession(personId: string): void {
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    const now = Date.now();
    db.prepare(
      'insert into sessions (id, person_id, csrf_token, created_at, last_seen_at, expires_at, user_agent) values (?, ?, ?, ?, ?, ?, null)',
    ).run(hash('sha256', token, 'hex'), personId, csrfToken, now, now, now + 3_600_000);
    session = { personId, cookie: `parley_session=${token}`, csrfToken };
  }

  /** Sign-out, account deletion and the like end the session; the next run needs a live one. */
  async function keepSignedIn(): Promise<void> {
    const me = await t.app.inject({ url: '/v1/me', headers: { cookie: session.cookie } });
    if (me.statusCode === 200) return;
    const personStillThere = db.prepare('select 1 from people where id = ?').get(session.personId);
    if (personStillThere) mintSession(session.personId);
    else mintSession((await signUpPerson(t.app)).me.id);
  }

  beforeAll(async () => {
    process.on('unhandledRejection', onRejection);
    const logger = pino({ level: 'error' }, { write: (line: string) => void errorLogs.push(line) });
    t = await createTestApp('sqlite', { deps: { logger } });
    db = new SQLite(path.join(t.config.dataDir, 'parley.db'));
    const person = await signUpPerson(t.app);
    session = { personId: person.me.id, cookie: person.cookie, csrfToken: person.csrfToken };
    const businesses = (await t.app.inject({ url: '/v1/businesses', headers: { cookie: person.cookie } })).json() as {
      businesses: { id: string }[];
    };
    knownIds.push(person.me.id, ...businesses.businesses.map((b) => b.id));
    const opened = await t.app.inject({
      method: 'POST',
      url: '/v1/conversations',
      headers: person.headers,
      payload: { businessId: businesses.businesses[0]?.id },
    });
    if (opened.statusCode < 300) knownIds.push((opened.json() as { id: string }).id);
  });
  afterAll(async () => {
    process.off('unhandledRejection', onRejection);
    db?.close();
    await t?.close();
  });

  it('finds the routes to fuzz (so this suite cannot pass by fuzzing nothing)', () => {
    const urls = bodyRoutes.map((r) => `${r.method} ${r.url}`);
    expect(urls).toContain('POST /v1/auth/password/sign-up');
    expect(urls).toContain('POST /v1/auth/sign-out');
    expect(urls).toContain('POST /v1/conversations');
    for (const [openApiPath, operations] of Object.entries(openApi.paths)) {
      for (const method of Object.keys(operations).map((m) => m.toUpperCase())) {
        if ((unsafeMethods as readonly string[]).includes(method)) {
          expect(urls).toContain(`${method} ${openApiPath.replace(/\{([^}]+)\}/g, ':$1')}`);
        }
      }
    }
  });

  // Path parameters the router accepts (well-formed, at most its 100-character limit), so the bodies get fuzzed;
  // malformed and over-long ones have their own test below.
  const segment = (): fc.Arbitrary<string> =>
    fc.oneof(
      fc.constantFrom(...(knownIds.length ? knownIds : ['x'])),
      fc.uuid(),
      nastyString.filter(isWellFormed).map(encodeURIComponent).filter((s) => s.length > 0 && s.length <= 100),
      fc.constant('0'),
    );

  it('answers a malformed or over-long path parameter with the error body, on every route that has one', async () => {
    const withParams = bodyRoutes.filter((r) => /:[A-Za-z0-9_]+/.test(r.url));
    expect(withParams.length).toBeGreaterThan(0);
    for (const route of withParams) {
      for (const bad of ['%', '%zz', '%E0%A4%A', '9'.repeat(101)]) {
        const url = route.url.replace(/:[A-Za-z0-9_]+/g, bad);
        for (const headers of [{}, { cookie: session.cookie, 'x-csrf-token': session.csrfToken }]) {
          const response = await t.app.inject({ method: route.method as 'POST', url, headers: { ...headers, 'content-type': 'application/json' }, payload: '{}' });
          expect(response.statusCode, `${route.method} ${url}`).toBeLessThan(500);
          // A URL that is not valid percent-encoding is refused by the router before any route runs, in Parley's shape.
          const messenger = route.url.startsWith('/graph/') && !bad.startsWith('%');
          expectErrorBody(response.statusCode, response.body, `${route.method} ${url}`, messenger);
        }
      }
    }
  });

  it.each(bodyRoutes.map((r) => [`${r.method} ${r.url}`, r] as const))('%s', async (_name, route) => {
    const schema = bodySchemaOf(openApi, route);
    const resolve = (ref: string): JsonSchema | undefined => openApi.components?.schemas?.[ref.split('/').pop() ?? ''];
    const body = fc.oneof(
      { weight: 4, arbitrary: hostileBody(arbitraryFromSchema(schema, { resolve })).map((v) => JSON.stringify(v) ?? 'null') },
      { weight: 1, arbitrary: rawJsonText },
    );
    const params = (route.url.match(/:[A-Za-z0-9_]+|\*/g) ?? []).map(() => segment());
    const auth = fc.constantFrom<Auth>('none', 'session', 'session', 'no-csrf', 'foreign-origin');

    await fc.assert(
      fc.asyncProperty(body, fc.tuple(...params), auth, async (payload, values, who) => {
        let i = 0;
        const url = route.url.replace(/:[A-Za-z0-9_]+|\*/g, () => values[i++] as string);
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (who !== 'none') headers.cookie = session.cookie;
        if (who === 'session' || who === 'foreign-origin') headers['x-csrf-token'] = session.csrfToken;
        if (who === 'foreign-origin') headers.origin = 'https://evil.example';
        const logsBefore = errorLogs.length;
        const response = await t.app.inject({ method: route.method as 'POST', url, headers, payload });
        const where = `${route.method} ${url} as ${who} with ${payload.slice(0, 300)}`;
        expect(response.statusCode, `${where} → ${response.body.slice(0, 300)}`).toBeLessThan(500);
        if (response.statusCode >= 400) expectErrorBody(response.statusCode, response.body, where, route.url.startsWith('/graph/'));
        expect(errorLogs.slice(logsBefore), where).toEqual([]);
        if (who !== 'none') await keepSignedIn();
      }),
      { numRuns: runsPerRoute },
    );
    expect(rejections).toEqual([]);
  }, 60_000);
});

/** encodeURIComponent throws on a lone surrogate, which no URL can carry anyway. */
function isWellFormed(text: string): boolean {
  return !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);
}

/** `messenger`: a Messenger compatibility route, which answers in Messenger's error shape with Parley's code as parley_code (docs/messenger.md). */
function expectErrorBody(status: number, text: string, where: string, messenger = false): void {
  let body: unknown;
  expect(() => (body = JSON.parse(text)), `${where}: a ${status} answered with non-JSON ${text.slice(0, 200)}`).not.toThrow();
  const shape = messenger
    ? { error: expect.objectContaining({ message: expect.any(String), type: 'OAuthException', code: expect.any(Number), parley_code: expect.any(String) }) }
    : { error: { code: expect.any(String), message: expect.any(String) } };
  expect(body, where).toEqual(shape);
  const code = messenger ? (body as { error: { parley_code: string } }).error.parley_code : (body as { error: { code: string } }).error.code;
  expect(Object.keys(errorCatalog), `${where}: unknown code`).toContain(code);
  expect(errorCatalog[code as keyof typeof errorCatalog].status, `${where}: ${code} with the wrong status`).toBe(status);
}
