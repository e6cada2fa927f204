import type { Me, PasskeyOptionsReply } from '@parley/protocol';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { ServerContext } from '../src/context';
import type { Tables } from '../src/database';
import { createInProcessBus } from '../src/platform/bus';
import { cryptoRandom, type Clock } from '../src/platform/clock';
import { openDatabase } from '../src/platform/db/database';
import { createLogger } from '../src/platform/logger';
import { createMetrics } from '../src/platform/metrics';
import { KeyRing } from '../src/privacy';
import type { TestApp } from './context';
import type { CreationOptions, RequestOptions, SoftwareAuthenticator } from './webauthn-authenticator';

/** A clock that moves only when the test says so. */
export class ManualClock implements Clock {
  constructor(private time = Date.UTC(2026, 0, 5, 9, 0, 0)) {}
  now(): number {
    return this.time;
  }
  advance(ms: number): void {
    this.time += ms;
  }
}

export const minutes = (n: number): number => n * 60 * 1000;

/** Every Set-Cookie header of a response. */
export function setCookies(response: LightMyRequestResponse): string[] {
  const header = response.headers['set-cookie'];
  if (header === undefined) return [];
  return Array.isArray(header) ? header : [String(header)];
}

/** The `name=value` of the response's first Set-Cookie, ready for a Cookie header. */
export function cookieOf(response: LightMyRequestResponse): string {
  const first = setCookies(response)[0];
  if (!first) throw new Error(`no Set-Cookie in ${response.statusCode} ${response.body}`);
  return first.split(';')[0] ?? '';
}

/** Headers of a signed-in unsafe request. */
export function authHeaders(cookie: string, me: Pick<Me, 'csrfToken'>): Record<string, string> {
  return { cookie, 'x-csrf-token': me.csrfToken };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** The options of a reply, checked to carry what an authenticator reads for `create`. */
export function creationOptionsOf(reply: PasskeyOptionsReply): CreationOptions {
  const { options } = reply;
  if (typeof options.challenge !== 'string' || !isRecord(options.rp) || !isRecord(options.user)) throw new Error('not creation options');
  return options as unknown as CreationOptions;
}

/** The options of a reply, checked to carry what an authenticator reads for `get`. */
export function requestOptionsOf(reply: PasskeyOptionsReply): RequestOptions {
  const { options } = reply;
  if (typeof options.challenge !== 'string' || typeof options.rpId !== 'string') throw new Error('not request options');
  return options as unknown as RequestOptions;
}

export interface PasskeyPerson {
  readonly me: Me;
  readonly cookie: string;
  readonly headers: Record<string, string>;
}

/** Sign up through both passkey steps with the given authenticator. */
export async function signUpWithPasskey(
  app: FastifyInstance,
  authenticator: SoftwareAuthenticator,
  who: { displayName: string; email?: string },
): Promise<PasskeyPerson> {
  const start = await app.inject({ method: 'POST', url: '/v1/auth/passkey/sign-up/options', payload: who });
  if (start.statusCode !== 200) throw new Error(`sign-up options: ${start.statusCode} ${start.body}`);
  const reply = start.json<PasskeyOptionsReply>();
  const response = authenticator.register(creationOptionsOf(reply));
  const finish = await app.inject({
    method: 'POST',
    url: '/v1/auth/passkey/sign-up/verify',
    payload: { challengeId: reply.challengeId, response, name: 'Laptop' },
  });
  if (finish.statusCode !== 201) throw new Error(`sign-up verify: ${finish.statusCode} ${finish.body}`);
  const me = finish.json<Me>();
  const cookie = cookieOf(finish);
  return { me, cookie, headers: authHeaders(cookie, me) };
}

/** Start a passkey sign-in (discoverable credentials: no allowCredentials). */
export async function passkeySignInOptions(app: FastifyInstance): Promise<PasskeyOptionsReply> {
  const response = await app.inject({ method: 'POST', url: '/v1/auth/passkey/sign-in/options', payload: {} });
  if (response.statusCode !== 200) throw new Error(`sign-in options: ${response.statusCode} ${response.body}`);
  return response.json<PasskeyOptionsReply>();
}

/** Finish a passkey sign-in; the raw answer, for tests that expect it to fail. */
export function verifyPasskeySignIn(app: FastifyInstance, payload: object): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'POST', url: '/v1/auth/passkey/sign-in/verify', payload });
}

/** GET /v1/me with a session cookie. */
export async function meOf(app: FastifyInstance, cookie: string): Promise<Me> {
  return (await app.inject({ url: '/v1/me', headers: { cookie } })).json<Me>();
}

/** A second handle on a test app's store, with its own clock: for calling identity's exports directly. */
export async function openSideContext(t: TestApp, clock: Clock): Promise<{ ctx: ServerContext; close(): Promise<void> }> {
  const database = await openDatabase<Tables>(t.config);
  const ctx: ServerContext = {
    config: t.config,
    db: database.db,
    dialect: database.dialect,
    clock,
    random: cryptoRandom,
    bus: createInProcessBus(),
    log: createLogger(t.config),
    metrics: createMetrics(),
    keys: new KeyRing(t.config),
  };
  return { ctx, close: () => database.close() };
}
