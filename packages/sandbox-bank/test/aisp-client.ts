import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair } from 'jose';
import * as oidc from 'openid-client';
import type { BankClient } from '../src/platform/config';

/** A DPoP key pair as openid-client makes it. */
export type DPoPKeyPair = Awaited<ReturnType<typeof oidc.randomDPoPKeyPair>>;

// This file stays free of vitest imports so any test (in this package or another) can act as Parley.

/** Where a test client's authorization responses go: never fetched, the helper reads the redirect itself. */
export const testRedirectUri = 'https://parley.test/v1/links/callback';
export const aispBasePath = '/open-banking/v4.0/aisp';

/** Tokens from an authorization: DPoP-bound to `dpop`'s key. */
export interface AispTokens {
  readonly accessToken: string;
  readonly refreshToken: string | undefined;
  readonly consentId: string;
  readonly dpop: oidc.DPoPHandle;
  /** The whole token response (id_token, expires_in, scope, …). */
  readonly response: oidc.TokenEndpointResponse;
}

/** A customer at the bank's login and consent pages. */
export interface CustomerAtBank {
  readonly username: string;
  readonly password: string;
  /** Account ids to tick on the consent page; `all` (the default) keeps every box ticked, `[]` unticks all. */
  readonly accountIds?: readonly string[] | 'all';
  /** Press Refuse instead of Allow. */
  readonly refuse?: boolean;
}

/** A pushed authorization request ready for the browser, with what its redemption needs. */
export interface PushedAuthorization {
  readonly url: URL;
  readonly codeVerifier: string;
  readonly state: string;
}

/** What the browser saw: the pages it was shown and where the bank finally sent it. */
export interface BrowserVisit {
  readonly callbackUrl: URL;
  readonly pages: readonly { readonly url: string; readonly status: number; readonly body: string }[];
}

/** Parley's side of a connection to one running bank. */
export interface AispConnection {
  readonly config: oidc.Configuration;
  /** The DPoP key this connection uses unless told otherwise, and its key pair (to make proofs by hand). */
  readonly dpop: oidc.DPoPHandle;
  readonly dpopKeys: DPoPKeyPair;
  /** Another DPoP key for the same client (to show a proof made with the wrong key is refused). */
  newDPoPHandle(): Promise<oidc.DPoPHandle>;
  clientCredentialsToken(): Promise<string>;
  /** POST /account-access-consents with a client-credentials token; returns the ConsentId. */
  createConsent(permissions: readonly string[], options?: { expirationDateTime?: string; transactionFromDateTime?: string; transactionToDateTime?: string }): Promise<string>;
  /** PAR for this consent (extra parameters override the defaults, e.g. code_challenge_method). */
  pushAuthorization(consentId: string, extra?: Record<string, string>, options?: { dpop?: oidc.DPoPHandle }): Promise<PushedAuthorization>;
  /** Drive the bank's pages over plain HTTP (cookie jar, manual redirects) until it redirects to the client. */
  visit(url: URL, customer: CustomerAtBank): Promise<BrowserVisit>;
  /** PAR → login → consent → callback → token: DPoP-bound tokens for the consent. Throws on refusal. */
  authorize(input: CustomerAtBank & { consentId: string }): Promise<AispTokens>;
  refresh(refreshToken: string, options?: { dpop?: oidc.DPoPHandle }): Promise<oidc.TokenEndpointResponse>;
  /** A DPoP-bound request to the AISP API (`path` under /open-banking/v4.0/aisp); the last authorization's token by default. */
  fetchAisp(path: string, options?: { accessToken?: string; dpop?: oidc.DPoPHandle; method?: string; body?: unknown }): Promise<Response>;
}

/** A registered test client (Parley's role) with its own key pair. */
export interface AispClient {
  /** Pass to `startTestBank({ config: { clients: [client] } })`. */
  readonly client: BankClient;
  connect(bankUrl: string, options?: ConnectOptions): Promise<AispConnection>;
}

export interface ConnectOptions {
  /** Reuse a DPoP key pair (e.g. after a bank restart, for a refresh token bound to it). */
  readonly dpopKeys?: DPoPKeyPair;
  /** Tamper with the client assertion (private_key_jwt) before it is signed. */
  readonly modifyAssertion?: (header: Record<string, unknown>, payload: Record<string, unknown>) => void;
}

/**
 * A client acting as Parley against the Sandbox Bank with openid-client: private_key_jwt, PAR,
 * PKCE S256, DPoP.
 *
 * @example
 * const parley = await aispClient();
 * const bank = await startTestBank({ config: { clients: [parley.client] } });
 * const alice = await linkCustomer(await parley.connect(bank.url), { username: 'alice', password: 'alice-sandbox', permissions: ['ReadAccountsDetail'] });
 */
export async function aispClient(options: { clientId?: string; name?: string } = {}): Promise<AispClient> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = randomUUID();
  const client: BankClient = {
    clientId: options.clientId ?? 'parley',
    name: options.name ?? 'Parley',
    jwks: { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' }] },
    redirectUris: [testRedirectUri],
  };
  return {
    client,
    connect: async (bankUrl, connectOptions = {}) => {
      const { modifyAssertion } = connectOptions;
      const config = await oidc.discovery(
        new URL(bankUrl),
        client.clientId,
        { id_token_signed_response_alg: 'PS256' },
        oidc.PrivateKeyJwt({ key: privateKey, kid }, modifyAssertion ? { [oidc.modifyAssertion]: modifyAssertion } : {}),
        { execute: [oidc.allowInsecureRequests] },
      );
      const dpopKeys = connectOptions.dpopKeys ?? (await oidc.randomDPoPKeyPair('ES256'));
      return connection(config, bankUrl, dpopKeys);
    },
  };
}

/** The claims parameter that names the consent, the Open Banking UK way. */
export function intentClaims(consentId: string): string {
  const claim = { openbanking_intent_id: { value: consentId, essential: true } };
  return JSON.stringify({ id_token: claim, userinfo: claim });
}

function connection(config: oidc.Configuration, bankUrl: string, dpopKeys: DPoPKeyPair): AispConnection {
  let last: AispTokens | undefined;
  const dpop = oidc.getDPoPHandle(config, dpopKeys);
  const self: AispConnection = {
    config,
    dpop,
    dpopKeys,
    newDPoPHandle: async () => oidc.getDPoPHandle(config, await oidc.randomDPoPKeyPair('ES256')),
    async clientCredentialsToken() {
      return (await oidc.clientCredentialsGrant(config, { scope: 'accounts' }, { DPoP: dpop })).access_token;
    },
    async createConsent(permissions, options = {}) {
      const token = await self.clientCredentialsToken();
      const body = {
        Data: {
          Permissions: permissions,
          ...(options.expirationDateTime ? { ExpirationDateTime: options.expirationDateTime } : {}),
          ...(options.transactionFromDateTime ? { TransactionFromDateTime: options.transactionFromDateTime } : {}),
          ...(options.transactionToDateTime ? { TransactionToDateTime: options.transactionToDateTime } : {}),
        },
        Risk: {},
      };
      const url = new URL(`${aispBasePath}/account-access-consents`, bankUrl);
      const headers = new Headers({ 'content-type': 'application/json', accept: 'application/json' });
      const response = await oidc.fetchProtectedResource(config, token, url, 'POST', JSON.stringify(body), headers, { DPoP: dpop });
      if (response.status !== 201) throw new Error(`POST account-access-consents answered ${response.status}: ${await response.text()}`);
      return ((await response.json()) as { Data: { ConsentId: string } }).Data.ConsentId;
    },
    async pushAuthorization(consentId, extra = {}, options = {}) {
      const codeVerifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const parameters = {
        redirect_uri: testRedirectUri,
        scope: 'openid accounts',
        code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state,
        claims: intentClaims(consentId),
        ...extra,
      };
      const url = await oidc.buildAuthorizationUrlWithPAR(config, parameters, { DPoP: options.dpop ?? dpop });
      return { url, codeVerifier, state };
    },
    visit: (url, customer) => visitBank(url, customer),
    async authorize(input) {
      const pushed = await self.pushAuthorization(input.consentId);
      const { callbackUrl } = await self.visit(pushed.url, input);
      const response = await oidc.authorizationCodeGrant(config, callbackUrl, { pkceCodeVerifier: pushed.codeVerifier, expectedState: pushed.state }, undefined, { DPoP: dpop });
      last = { accessToken: response.access_token, refreshToken: response.refresh_token, consentId: input.consentId, dpop, response };
      return last;
    },
    refresh: (refreshToken, options = {}) => oidc.refreshTokenGrant(config, refreshToken, undefined, { DPoP: options.dpop ?? dpop }),
    async fetchAisp(path, options = {}) {
      const accessToken = options.accessToken ?? last?.accessToken;
      if (!accessToken) throw new Error('fetchAisp: no access token yet; authorize first or pass one.');
      const headers = new Headers({ accept: 'application/json' });
      if (options.body !== undefined) headers.set('content-type', 'application/json');
      const body = options.body === undefined ? undefined : JSON.stringify(options.body);
      const url = new URL(`${aispBasePath}${path}`, bankUrl);
      try {
        return await oidc.fetchProtectedResource(config, accessToken, url, options.method ?? 'GET', body, headers, { DPoP: options.dpop ?? last?.dpop ?? dpop });
      } catch (error) {
        // A 401 with a WWW-Authenticate challenge is an answer the tests want to see, not a failure.
        if (error instanceof oidc.WWWAuthenticateChallengeError) return error.response;
        throw error;
      }
    },
  };
  return self;
}

/** Create a consent and have the customer authorise it: the one line most bank tests need. */
export async function linkCustomer(
  connection: AispConnection,
  input: CustomerAtBank & { permissions: readonly string[]; expirationDateTime?: string },
): Promise<AispTokens> {
  const consentId = await connection.createConsent(input.permissions, input.expirationDateTime ? { expirationDateTime: input.expirationDateTime } : {});
  return connection.authorize({ ...input, consentId });
}

/** A browser, reduced to what the bank's pages need: cookies, redirects by hand, two forms. */
async function visitBank(start: URL, customer: CustomerAtBank): Promise<BrowserVisit> {
  const jar = new Map<string, string>();
  const pages: { url: string; status: number; body: string }[] = [];
  let request: { url: URL; form?: URLSearchParams } = { url: start };
  for (let step = 0; step < 20; step += 1) {
    const response = await fetch(request.url, {
      method: request.form ? 'POST' : 'GET',
      redirect: 'manual',
      headers: { cookie: [...jar].map(([name, value]) => `${name}=${value}`).join('; '), ...(request.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      ...(request.form ? { body: request.form.toString() } : {}),
    });
    keepCookies(jar, response);
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      const next = new URL(location, request.url);
      if (next.href.startsWith(testRedirectUri)) return { callbackUrl: next, pages };
      request = { url: next };
      continue;
    }
    const body = await response.text();
    pages.push({ url: request.url.href, status: response.status, body });
    const form = nextForm(body, customer);
    if (!form || response.status >= 400) throw new BankPageError(`The bank answered ${response.status} at ${request.url.pathname}`, pages);
    request = { url: new URL(form.action, request.url), form: form.fields };
  }
  throw new BankPageError('Too many redirects at the bank', pages);
}

/** The bank showed a page the helper cannot get past (an error page, a re-shown form). */
export class BankPageError extends Error {
  override readonly name = 'BankPageError';
  constructor(
    message: string,
    readonly pages: readonly { readonly url: string; readonly status: number; readonly body: string }[],
  ) {
    super(message);
  }
}

function keepCookies(jar: Map<string, string>, response: Response): void {
  for (const line of response.headers.getSetCookie()) {
    const [pair = '', ...attributes] = line.split(';');
    const separator = pair.indexOf('=');
    const name = pair.slice(0, separator).trim();
    const value = pair.slice(separator + 1).trim();
    const cleared = value === '' || attributes.some((attribute) => /^\s*(max-age=0|expires=Thu, 01 Jan 1970)/i.test(attribute));
    if (cleared) jar.delete(name);
    else jar.set(name, value);
  }
}

function nextForm(body: string, customer: CustomerAtBank): { action: string; fields: URLSearchParams } | null {
  const csrf = /name="csrf" value="([^"]+)"/.exec(body)?.[1] ?? '';
  const login = /<form method="post" action="([^"]+\/login)"/.exec(body);
  if (login?.[1]) return { action: login[1], fields: new URLSearchParams({ csrf, username: customer.username, password: customer.password }) };
  const confirm = /<form method="post" action="([^"]+\/confirm)"/.exec(body);
  if (!confirm?.[1]) return null;
  const fields = new URLSearchParams({ csrf, decision: customer.refuse ? 'refuse' : 'allow' });
  const offered = [...body.matchAll(/name="account" value="([^"]+)"/g)].map((match) => match[1] ?? '');
  const chosen = customer.accountIds === undefined || customer.accountIds === 'all' ? offered : customer.accountIds;
  for (const id of chosen) fields.append('account', id);
  return { action: confirm[1], fields };
}

/** The OAuth error the bank answered an authorization request with: in the redirect to the client, or on its error page. */
export interface AuthorizationError {
  readonly error: string;
  readonly description: string;
  /** Where it was said: `redirect` (to the client, with `iss`) or `page` (the bank could not trust the redirect). */
  readonly via: 'redirect' | 'page';
  readonly iss: string | null;
}

/** Open an authorization URL as a fresh browser and read the error the bank answers with (or null if it shows a page without one). */
export async function authorizationErrorAt(url: URL): Promise<AuthorizationError | null> {
  const response = await fetch(url, { redirect: 'manual' });
  const location = response.headers.get('location');
  if (location) {
    const target = new URL(location, url);
    const error = target.searchParams.get('error');
    return error ? { error, description: target.searchParams.get('error_description') ?? '', via: 'redirect', iss: target.searchParams.get('iss') } : null;
  }
  const body = await response.text();
  const match = /data-error="([^"]+)">[^:]*: ([^<]*)</.exec(body);
  return match?.[1] ? { error: match[1], description: match[2] ?? '', via: 'page', iss: null } : null;
}
