import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair } from 'jose';
import * as oidc from 'openid-client';
import type { BankClient } from '../src/platform/config';
import { startTestBank, type TestBank } from './bank-fixtures';
import { testRedirectUri, visitBank, type BrowserVisit, type CustomerAtBank } from './oidc-browser';

export { authorizationErrorAt, BankPageError, testRedirectUri, type AuthorizationError, type BrowserVisit, type CustomerAtBank } from './oidc-browser';

/** A DPoP key pair as openid-client makes it. */
export type DPoPKeyPair = Awaited<ReturnType<typeof oidc.randomDPoPKeyPair>>;

// This file stays free of vitest imports so any test (in this package or another) can act as Parley.

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

/** A pushed authorization request ready for the browser, with what its redemption needs. */
export interface PushedAuthorization {
  readonly url: URL;
  readonly codeVerifier: string;
  readonly state: string;
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

type ConsentOptions = Parameters<AispConnection['createConsent']>[1];

/** A DPoP-bound request; a 401 with a WWW-Authenticate challenge is an answer tests want to see, not a throw. */
async function protectedRequest(config: oidc.Configuration, input: { accessToken: string; url: URL; method: string; body?: unknown; dpop: oidc.DPoPHandle }): Promise<Response> {
  const headers = new Headers({ accept: 'application/json' });
  if (input.body !== undefined) headers.set('content-type', 'application/json');
  const body = input.body === undefined ? undefined : JSON.stringify(input.body);
  try {
    return await oidc.fetchProtectedResource(config, input.accessToken, input.url, input.method, body, headers, { DPoP: input.dpop });
  } catch (error) {
    if (error instanceof oidc.WWWAuthenticateChallengeError) return error.response;
    throw error;
  }
}

/** OBReadConsent1, as the AISP sends it. */
function consentRequest(permissions: readonly string[], options: ConsentOptions = {}) {
  return {
    Data: {
      Permissions: permissions,
      ...(options.expirationDateTime ? { ExpirationDateTime: options.expirationDateTime } : {}),
      ...(options.transactionFromDateTime ? { TransactionFromDateTime: options.transactionFromDateTime } : {}),
      ...(options.transactionToDateTime ? { TransactionToDateTime: options.transactionToDateTime } : {}),
    },
    Risk: {},
  };
}

async function pushAuthorization(config: oidc.Configuration, input: { consentId: string; extra: Record<string, string>; dpop: oidc.DPoPHandle }): Promise<PushedAuthorization> {
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const parameters = {
    redirect_uri: testRedirectUri,
    scope: 'openid accounts',
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    claims: intentClaims(input.consentId),
    ...input.extra,
  };
  return { url: await oidc.buildAuthorizationUrlWithPAR(config, parameters, { DPoP: input.dpop }), codeVerifier, state };
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
      const url = new URL(`${aispBasePath}/account-access-consents`, bankUrl);
      const response = await protectedRequest(config, { accessToken: await self.clientCredentialsToken(), url, method: 'POST', body: consentRequest(permissions, options), dpop });
      if (response.status !== 201) throw new Error(`POST account-access-consents answered ${response.status}: ${await response.text()}`);
      return ((await response.json()) as { Data: { ConsentId: string } }).Data.ConsentId;
    },
    pushAuthorization: (consentId, extra = {}, options = {}) => pushAuthorization(config, { consentId, extra, dpop: options.dpop ?? dpop }),
    visit: (url, customer) => visitBank(url, customer),
    async authorize(input) {
      const pushed = await self.pushAuthorization(input.consentId);
      const { callbackUrl } = await self.visit(pushed.url, input);
      const checks = { pkceCodeVerifier: pushed.codeVerifier, expectedState: pushed.state };
      const response = await oidc.authorizationCodeGrant(config, callbackUrl, checks, undefined, { DPoP: dpop });
      last = { accessToken: response.access_token, refreshToken: response.refresh_token, consentId: input.consentId, dpop, response };
      return last;
    },
    refresh: (refreshToken, options = {}) => oidc.refreshTokenGrant(config, refreshToken, undefined, { DPoP: options.dpop ?? dpop }),
    async fetchAisp(path, options = {}) {
      const accessToken = options.accessToken ?? last?.accessToken;
      if (!accessToken) throw new Error('fetchAisp: no access token yet; authorize first or pass one.');
      const url = new URL(`${aispBasePath}${path}`, bankUrl);
      return protectedRequest(config, { accessToken, url, method: options.method ?? 'GET', body: options.body, dpop: options.dpop ?? last?.dpop ?? dpop });
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

/** A bank with two registered clients — Parley and another app — and Parley connected to it. */
export interface TwoClientBank {
  readonly parley: AispClient;
  readonly other: AispClient;
  readonly bank: TestBank;
  readonly connection: AispConnection;
}

export async function startTwoClientBank(): Promise<TwoClientBank> {
  const parley = await aispClient();
  const other = await aispClient({ clientId: 'other-app', name: 'Other App' });
  const bank = await startTestBank({ config: { clients: [parley.client, other.client] } });
  return { parley, other, bank, connection: await parley.connect(bank.url) };
}
