import { setTimeout as sleep } from 'node:timers/promises';
import { exportJWK, importJWK, type CryptoKey, type JWK } from 'jose';
import * as oidc from 'openid-client';
import type { ServerContext } from '../context';
import { AppError } from '../platform/errors';
import { openText, seal } from '../privacy';
import type { BankTokenRow, ConsentRow, InstitutionRow } from './banking.table';
import * as consents from './consent.repository';
import { bankCall, connectorOf, isInvalidGrant, type DPoPKeys } from './ob.connector';

/** Refresh this long before the bank's expiry, so a token does not die on the way. */
const refreshMarginMs = 30_000;

const aad = (consentId: string, field: string) => ({ table: 'bank_tokens', rowId: `${consentId}:${field}`, owner: `consent:${consentId}` });

/** The DPoP key pair as JWKs, to seal; and back. */
export async function exportDPoPKeys(keys: DPoPKeys): Promise<string> {
  return JSON.stringify({ privateJwk: await exportJWK(keys.privateKey), publicJwk: await exportJWK(keys.publicKey) });
}

export async function importDPoPKeys(text: string): Promise<DPoPKeys> {
  const { privateJwk, publicJwk } = JSON.parse(text) as { privateJwk: JWK; publicJwk: JWK };
  return {
    privateKey: (await importJWK(privateJwk, 'ES256', { extractable: false })) as CryptoKey,
    publicKey: (await importJWK(publicJwk, 'ES256', { extractable: true })) as CryptoKey,
  };
}

/**
 * Imported DPoP keys, by the sealed text they came from: opening and importing them cost about a
 * millisecond of every read. Per database (one app), bounded; an entry is reachable only through
 * its sealed row, so once a consent's tokens are erased nothing finds it again.
 */
const importedKeys = new WeakMap<object, Map<string, Promise<DPoPKeys>>>();
const importedKeysLimit = 1_000;

function dpopKeysOf(ctx: ServerContext, input: { consentId: string; keyId: string; sealed: string }): Promise<DPoPKeys> {
  let cache = importedKeys.get(ctx.db);
  if (!cache) importedKeys.set(ctx.db, (cache = new Map()));
  const cached = cache.get(input.sealed);
  if (cached) return cached;
  if (cache.size >= importedKeysLimit) cache.clear();
  const imported = openText(ctx, { keyId: input.keyId, aad: aad(input.consentId, 'dpop') }, input.sealed).then(importDPoPKeys);
  cache.set(input.sealed, imported);
  // A failure (a destroyed data key) is not remembered: the next read asks again and fails for itself.
  imported.catch(() => cache.delete(input.sealed));
  return imported;
}

/** Seal a token response (and the DPoP key it is bound to) under the consent's data key. */
export async function sealTokens(
  ctx: ServerContext,
  input: {
    consentId: string;
    keyId: string;
    response: oidc.TokenEndpointResponse;
    /** The DPoP key pair to seal (a new link), or its text as already sealed (a refresh keeps the key). */
    dpop: { keys: string } | { sealed: string };
    refreshToken: string;
    version: number;
  },
): Promise<BankTokenRow> {
  const { consentId, keyId } = input;
  const expiresIn = input.response.expires_in ?? 300;
  return {
    consent_id: consentId,
    refresh_sealed: await seal(ctx, { keyId, aad: aad(consentId, 'refresh') }, input.refreshToken),
    access_sealed: await seal(ctx, { keyId, aad: aad(consentId, 'access') }, input.response.access_token),
    access_expires_at: ctx.clock.now() + expiresIn * 1000,
    dpop_sealed: 'sealed' in input.dpop ? input.dpop.sealed : await seal(ctx, { keyId, aad: aad(consentId, 'dpop') }, input.dpop.keys),
    version: input.version,
    refreshing_until: null,
  };
}

/** The bank said the grant is gone: the caller ends the consent (revoked at the bank). */
export class GrantGoneError extends Error {
  override readonly name = 'GrantGoneError';
  constructor(
    /** What the bank said: `invalid_grant` at a refresh, or `403` from its API. */
    readonly signal: 'invalid_grant' | '403',
    options?: ErrorOptions,
  ) {
    super(`The bank no longer honours this consent (${signal}).`, options);
  }
}

/** The stored access token, opened, if it is live for at least refreshMarginMs more; else null. */
async function liveAccess(ctx: ServerContext, consent: ConsentRow, row: BankTokenRow): Promise<string | null> {
  if (row.access_sealed === null || row.access_expires_at === null || row.access_expires_at - refreshMarginMs <= ctx.clock.now()) return null;
  return openText(ctx, { keyId: consent.data_key_id, aad: aad(consent.id, 'access') }, row.access_sealed);
}

/**
 * A live DPoP-bound access token for the consent: the stored one, or a refreshed one (the new
 * refresh token replaces the old; the bank rotates them). Throws GrantGoneError on invalid_grant.
 */
export async function accessFor(ctx: ServerContext, input: { consent: ConsentRow; institution: InstitutionRow }): Promise<{ accessToken: string; dpop: oidc.DPoPHandle }> {
  const { consent, institution } = input;
  const row = await consents.findTokens(ctx.db, consent.id);
  if (!row) throw new AppError('ERR_CONSENT_NOT_ACTIVE');
  const config = await connectorOf(ctx).configFor(institution);
  const dpop = oidc.getDPoPHandle(config, await dpopKeysOf(ctx, { consentId: consent.id, keyId: consent.data_key_id, sealed: row.dpop_sealed }));
  return { accessToken: (await liveAccess(ctx, consent, row)) ?? (await refreshOnce(ctx, { consent, institution, config, dpop })), dpop };
}

type RefreshInput = { consent: ConsentRow; institution: InstitutionRow; config: oidc.Configuration; dpop: oidc.DPoPHandle };

/**
 * Refreshes under way, per store and consent. The bank rotates refresh tokens and ends the whole
 * grant when a used one comes back (OAuth 2.0 Security BCP §4.14), so a consent is refreshed by
 * one caller at a time: within this process, reads that find the access token expired together
 * share one refresh; across nodes on one database, the node holding the lease in `bank_tokens`
 * refreshes and the others wait for its tokens.
 */
const refreshes = new WeakMap<object, Map<string, Promise<string>>>();

/** How long a node's lease on a refresh holds: longer than the bank call's own timeout. */
const refreshLeaseMs = 15_000;
/** How often a node waiting for another's refresh looks again, and how long it waits in all. */
const refreshPollMs = 25;
const refreshWaitMs = 20_000;

function refreshOnce(ctx: ServerContext, input: RefreshInput): Promise<string> {
  let running = refreshes.get(ctx.db);
  if (!running) refreshes.set(ctx.db, (running = new Map()));
  const inFlight = running.get(input.consent.id);
  if (inFlight) return inFlight;
  const refresh = refreshAccess(ctx, input);
  running.set(input.consent.id, refresh);
  const done = () => running.delete(input.consent.id);
  refresh.then(done, done);
  return refresh;
}

async function refreshAccess(ctx: ServerContext, input: RefreshInput): Promise<string> {
  const { consent, institution } = input;
  const giveUpAt = ctx.clock.now() + refreshWaitMs;
  for (;;) {
    // Read again: a refresh that ended after this read began (here or on another node) has stored a live token.
    const row = await consents.findTokens(ctx.db, consent.id);
    if (!row) throw new AppError('ERR_CONSENT_NOT_ACTIVE');
    const live = await liveAccess(ctx, consent, row);
    if (live !== null) return live;
    const now = ctx.clock.now();
    if (await consents.claimRefresh(ctx.db, { consentId: consent.id, version: row.version, now, until: now + refreshLeaseMs })) return refreshWithLease(ctx, input, row);
    if (now > giveUpAt) throw new AppError('ERR_BANK_UNAVAILABLE', { message: `${institution.name} did not renew access in time.` });
    await sleep(refreshPollMs);
  }
}

/** The refresh itself, by the holder of the lease on `row`'s version. */
async function refreshWithLease(ctx: ServerContext, input: RefreshInput, row: BankTokenRow): Promise<string> {
  const { consent, institution, config, dpop } = input;
  const keyId = consent.data_key_id;
  let response: oidc.TokenEndpointResponse;
  let refreshToken: string;
  try {
    refreshToken = await openText(ctx, { keyId, aad: aad(consent.id, 'refresh') }, row.refresh_sealed);
    response = await bankCall(institution, () => oidc.refreshTokenGrant(config, refreshToken, undefined, { DPoP: dpop }));
  } catch (error) {
    if (isInvalidGrant(error)) throw new GrantGoneError('invalid_grant', { cause: error });
    // Nothing changed at the bank that Parley knows of: the next read may try again at once.
    await consents.releaseRefresh(ctx.db, consent.id, row.version);
    throw error;
  }
  // The DPoP key stays as it was sealed: the new row keeps that text (and its cache entry).
  const next = await sealTokens(ctx, {
    consentId: consent.id,
    keyId,
    response,
    dpop: { sealed: row.dpop_sealed },
    refreshToken: response.refresh_token ?? refreshToken,
    version: row.version + 1,
  });
  await consents.replaceTokens(ctx.db, next, row.version);
  return response.access_token;
}

/** The refresh token, to revoke it at the bank; null when the tokens are gone already. */
export async function refreshTokenOf(ctx: ServerContext, consent: ConsentRow): Promise<string | null> {
  const row = await consents.findTokens(ctx.db, consent.id);
  if (!row) return null;
  try {
    return await openText(ctx, { keyId: consent.data_key_id, aad: aad(consent.id, 'refresh') }, row.refresh_sealed);
  } catch {
    return null;
  }
}
