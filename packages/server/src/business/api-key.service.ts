import { hash, timingSafeEqual } from 'node:crypto';
import { apiKeyScopes, type ApiKey, type ApiKeyScope, type CreatedApiKey } from '@parley/protocol';
import { AppError } from '../platform/errors';
import { requireBusiness, type BusinessContext } from './business.service';
import type { ApiKeyRow } from './business.table';
import * as apiKeys from './api-key.repository';

/** Who is calling on an API-key route: the business, the key, and what the key may do. */
export interface ApiKeyPrincipal {
  readonly businessId: string;
  readonly keyId: string;
  readonly scopes: readonly ApiKeyScope[];
}

/** `pk_` + 12 hex (the visible prefix) + `_` + 32 random bytes in base64url (43 characters). */
const keyPattern = /^(pk_[0-9a-f]{12})_[A-Za-z0-9_-]{43}$/;
/** last_used_at is written at most this often per key. */
const lastUsedEvery = 60_000;

function hashKey(key: string): string {
  return hash('sha256', key, 'hex');
}

function parseScopes(stored: string): ApiKeyScope[] {
  const granted = stored.split(' ');
  return apiKeyScopes.filter((scope) => granted.includes(scope));
}

/** What an unknown prefix is compared with, so it costs what a known one does. */
const noKeyHash = hashKey('');

function toApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: parseScopes(row.scopes),
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

/**
 * Make a key for the business. The secret is returned this once; only its SHA-256 is stored
 * (a key is 256 random bits, so a fast hash is enough: there is nothing to brute-force).
 */
export async function createApiKey(
  ctx: BusinessContext,
  input: { businessId: string; name: string; scopes: readonly ApiKeyScope[] },
): Promise<CreatedApiKey> {
  await requireBusiness(ctx, input.businessId);
  const unknown = input.scopes.filter((scope) => !(apiKeyScopes as readonly string[]).includes(scope));
  if (unknown.length > 0 || input.scopes.length === 0) {
    throw new AppError('ERR_VALIDATION', { message: `Scopes must be some of ${apiKeyScopes.join(', ')}.` });
  }
  const prefix = `pk_${Buffer.from(ctx.random.token(6), 'base64url').toString('hex')}`;
  const secret = `${prefix}_${ctx.random.token(32)}`;
  const row: ApiKeyRow = {
    id: ctx.random.uuid(),
    business_id: input.businessId,
    name: input.name.trim() || 'API key',
    prefix,
    key_hash: hashKey(secret),
    scopes: parseScopes(input.scopes.join(' ')).join(' '),
    created_at: ctx.clock.now(),
    last_used_at: null,
    revoked_at: null,
  };
  await apiKeys.insertApiKey(ctx.db, row);
  return { key: toApiKey(row), secret };
}

export async function listApiKeys(ctx: BusinessContext, businessId: string): Promise<ApiKey[]> {
  return (await apiKeys.listApiKeys(ctx.db, businessId)).map(toApiKey);
}

/**
 * Revoke a key; it is refused from the next request on. Revoking twice is harmless. With
 * `businessId`, a key of another business is ERR_NOT_FOUND.
 */
export async function revokeApiKey(ctx: BusinessContext, input: { keyId: string; businessId?: string }): Promise<ApiKey> {
  const key = await apiKeys.findApiKey(ctx.db, input.keyId, input.businessId);
  if (!key) throw new AppError('ERR_NOT_FOUND');
  await apiKeys.revokeApiKey(ctx.db, key.id, ctx.clock.now());
  const revoked = await apiKeys.findApiKey(ctx.db, key.id);
  return toApiKey(revoked ?? key);
}

const unauthenticated = () =>
  new AppError('ERR_UNAUTHENTICATED', { message: 'Send a live API key as "Authorization: Bearer pk_…".' });

/** The principal of a presented key; ERR_UNAUTHENTICATED for a malformed, unknown or revoked one. */
export async function authenticateApiKey(ctx: BusinessContext, presented: string): Promise<ApiKeyPrincipal> {
  const prefix = keyPattern.exec(presented)?.[1];
  if (!prefix) throw unauthenticated();
  const row = await apiKeys.findApiKeyByPrefix(ctx.db, prefix);
  const expected = Buffer.from(row?.key_hash ?? noKeyHash, 'hex');
  const matches = timingSafeEqual(hash('sha256', presented, 'buffer'), expected);
  if (!row || !matches || row.revoked_at !== null) throw unauthenticated();
  const now = ctx.clock.now();
  if (row.last_used_at === null || row.last_used_at <= now - lastUsedEvery) {
    await apiKeys.touchApiKey(ctx.db, row.id, now, lastUsedEvery);
  }
  return { businessId: row.business_id, keyId: row.id, scopes: parseScopes(row.scopes) };
}
