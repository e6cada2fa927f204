import * as oidc from 'openid-client';
import { fetch as undiciFetch, Pool, type Dispatcher } from 'undici';
import type { ServerContext } from '../context';
import { AppError } from '../platform/errors';
import type { InstitutionRow } from './banking.table';
import { bankClientKey } from './client-key';

/** A DPoP key pair as openid-client makes and uses it. */
export type DPoPKeys = Awaited<ReturnType<typeof oidc.randomDPoPKeyPair>>;

const requestTimeoutMs = 10_000;

/**
 * Parley's connections to the banks: one openid-client Configuration (discovery, private_key_jwt
 * with Parley's bank-client key) and one undici Pool per bank origin, kept for the life of the
 * server. Every call that leaves for a bank goes through here.
 */
export class BankConnector {
  private readonly configs = new Map<string, Promise<oidc.Configuration>>();
  private readonly pools = new Map<string, Pool>();
  private serviceDPoP: Promise<DPoPKeys> | undefined;

  constructor(private readonly ctx: ServerContext) {}

  /**
   * openid-client's customFetch, over this origin's undici pool. A request whose body is a plain
   * value goes through `pool.request` and comes back as a Response built from the whole body
   * (at most `maxAnswerBytes`): a third of the CPU of undici's WHATWG fetch, which a balance read
   * paid on every call. A streamed body, which Parley does not send, takes undici's fetch.
   */
  readonly fetch: oidc.CustomFetch = async (url, options) => {
    const target = new URL(url);
    let pool = this.pools.get(target.origin);
    if (!pool) {
      pool = new Pool(target.origin, { connections: 16, headersTimeout: requestTimeoutMs, bodyTimeout: requestTimeoutMs });
      this.pools.set(target.origin, pool);
    }
    const body = options.body;
    if (body instanceof ReadableStream) {
      // undici's own fetch types stand apart from the DOM's; the objects are the same at run time.
      const init = Object.assign({}, options, { dispatcher: pool as Dispatcher }) as unknown as Parameters<typeof undiciFetch>[1];
      return undiciFetch(url, init) as unknown as Promise<Response>;
    }
    const answer = await pool.request({
      path: `${target.pathname}${target.search}`,
      method: options.method as Dispatcher.HttpMethod,
      headers: options.headers,
      body: body === undefined || body === null ? null : typeof body === 'string' ? body : body instanceof URLSearchParams ? body.toString() : Buffer.from(body instanceof ArrayBuffer ? new Uint8Array(body) : body),
      signal: options.signal,
    });
    const headers = new Headers();
    for (const [name, value] of Object.entries(answer.headers)) for (const one of Array.isArray(value) ? value : [value ?? '']) headers.append(name, one);
    const bytes = await readAnswer(answer.body, target.origin);
    const empty = answer.statusCode === 204 || answer.statusCode === 304 || options.method === 'HEAD';
    return new Response(empty ? null : bytes, { status: answer.statusCode, headers });
  };

  /** The bank's OpenID configuration for Parley's client, discovered once (again after a failure). */
  configFor(institution: InstitutionRow): Promise<oidc.Configuration> {
    const cacheKey = `${institution.id}\0${institution.issuer}\0${institution.client_id}`;
    let config = this.configs.get(cacheKey);
    if (!config) {
      config = this.discover(institution);
      config.catch(() => this.configs.delete(cacheKey));
      this.configs.set(cacheKey, config);
    }
    return config;
  }

  private async discover(institution: InstitutionRow): Promise<oidc.Configuration> {
    const key = await bankClientKey(this.ctx);
    const issuer = new URL(institution.issuer);
    // http only for a bank on this machine (the Sandbox Bank under `npm start` and in tests).
    const insecure = issuer.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(issuer.hostname);
    try {
      const config = await oidc.discovery(
        issuer,
        institution.client_id,
        { id_token_signed_response_alg: 'PS256' },
        oidc.PrivateKeyJwt({ key: key.privateKey, kid: key.kid }),
        { execute: insecure ? [oidc.allowInsecureRequests] : [], [oidc.customFetch]: this.fetch, timeout: requestTimeoutMs / 1000 },
      );
      config[oidc.customFetch] = this.fetch;
      return config;
    } catch (error) {
      throw new AppError('ERR_BANK_UNAVAILABLE', { message: `${institution.name} could not be reached for sign-in.`, cause: error });
    }
  }

  /** The DPoP key Parley's own client-credentials calls use (not bound to any person). */
  async serviceHandle(institution: InstitutionRow): Promise<oidc.DPoPHandle> {
    this.serviceDPoP ??= oidc.randomDPoPKeyPair('ES256');
    return oidc.getDPoPHandle(await this.configFor(institution), await this.serviceDPoP);
  }

  async clientCredentialsToken(institution: InstitutionRow): Promise<{ token: string; dpop: oidc.DPoPHandle }> {
    const config = await this.configFor(institution);
    const dpop = await this.serviceHandle(institution);
    const response = await bankCall(institution, () => oidc.clientCredentialsGrant(config, { scope: 'accounts' }, { DPoP: dpop }));
    return { token: response.access_token, dpop };
  }

  /**
   * A DPoP-bound request to the bank's Open Banking API; returns status and parsed JSON (or
   * null for an empty body). 401/403 come back to the caller, who knows what they mean.
   */
  async obRequest(institution: InstitutionRow, input: { path: string; method: string; accessToken: string; dpop: oidc.DPoPHandle; body?: unknown }): Promise<{ status: number; json: unknown }> {
    const config = await this.configFor(institution);
    const url = new URL(`${institution.ob_base_url}${input.path}`);
    const headers = new Headers({ accept: 'application/json', 'x-fapi-interaction-id': this.ctx.random.uuid() });
    if (input.body !== undefined) headers.set('content-type', 'application/json');
    const body = input.body === undefined ? undefined : JSON.stringify(input.body);
    let response: Response;
    try {
      response = await oidc.fetchProtectedResource(config, input.accessToken, url, input.method, body, headers, { DPoP: input.dpop });
    } catch (error) {
      if (error instanceof oidc.WWWAuthenticateChallengeError) return { status: error.response.status, json: null };
      throw new AppError('ERR_BANK_UNAVAILABLE', { message: `${institution.name} did not answer.`, cause: error });
    }
    const text = await response.text();
    if (text === '') return { status: response.status, json: null };
    try {
      return { status: response.status, json: JSON.parse(text) as unknown };
    } catch (error) {
      throw new AppError('ERR_BANK_BAD_RESPONSE', { message: `${institution.name} answered with something that is not JSON.`, cause: error });
    }
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((pool) => pool.close()));
  }
}

/** A bank's answer larger than this is refused (ten pages of transactions are far smaller). */
const maxAnswerBytes = 8 * 1024 * 1024;

async function readAnswer(body: Dispatcher.ResponseData['body'], origin: string): Promise<Uint8Array<ArrayBuffer>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > maxAnswerBytes) {
      body.destroy();
      throw new Error(`${origin} answered with more than ${maxAnswerBytes} bytes.`);
    }
    chunks.push(chunk as Buffer);
  }
  const whole = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    whole.set(chunk, at);
    at += chunk.length;
  }
  return whole;
}

/** Run an OAuth call; a network failure or an OAuth error becomes ERR_BANK_UNAVAILABLE (with the cause kept). */
export async function bankCall<T>(institution: InstitutionRow, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('ERR_BANK_UNAVAILABLE', { message: `${institution.name} refused or did not answer.`, cause: error });
  }
}

/** Whether an error from a token call is the bank saying the grant is gone (revoked, expired, replayed). */
export function isInvalidGrant(error: unknown): boolean {
  const cause = error instanceof AppError ? error.cause : error;
  return cause instanceof oidc.ResponseBodyError && cause.error === 'invalid_grant';
}

const connectors = new WeakMap<ServerContext, BankConnector>();

/** The connector of this server (one per ServerContext). */
export function connectorOf(ctx: ServerContext): BankConnector {
  let connector = connectors.get(ctx);
  if (!connector) {
    connector = new BankConnector(ctx);
    connectors.set(ctx, connector);
  }
  return connector;
}
