import { sql, type Kysely } from 'kysely';
import type { BankTables } from '../database';
import { bankSynchronous } from '../platform/database';
import type { OidcModelRow } from './oidc.table';

type Db = Kysely<BankTables>;

/** A stored model's payload with its consumption time, as oidc-provider's adapter contract wants it. */
export type StoredPayload = Record<string, unknown> & { consumed?: number };

function live(row: OidcModelRow | undefined, now: number): StoredPayload | undefined {
  if (!row || (row.expires_at !== null && row.expires_at <= now)) return undefined;
  const payload = JSON.parse(row.payload) as StoredPayload;
  // Set on the parsed object, not on a copy: a payload may hold any key, "__proto__" too, which Object.assign would turn into the copy's prototype.
  if (row.consumed_at !== null) payload.consumed = row.consumed_at;
  return payload;
}

export async function upsertModel(db: Db, row: OidcModelRow): Promise<void> {
  await db
    .insertInto('oidc_models')
    .values(row)
    .onConflict((c) =>
      c.columns(['kind', 'id']).doUpdateSet({ payload: row.payload, grant_id: row.grant_id, user_code: row.user_code, uid: row.uid, expires_at: row.expires_at }),
    )
    .execute();
}

export async function findModel(db: Db, kind: string, id: string, now: number): Promise<StoredPayload | undefined> {
  return live(await db.selectFrom('oidc_models').selectAll().where('kind', '=', kind).where('id', '=', id).executeTakeFirst(), now);
}

export async function findModelBy(db: Db, input: { kind: string; column: 'uid' | 'user_code'; value: string; now: number }): Promise<StoredPayload | undefined> {
  const row = await db.selectFrom('oidc_models').selectAll().where('kind', '=', input.kind).where(input.column, '=', input.value).executeTakeFirst();
  return live(row, input.now);
}

export async function consumeModel(db: Db, kind: string, id: string, atSeconds: number): Promise<void> {
  await db.updateTable('oidc_models').set({ consumed_at: atSeconds }).where('kind', '=', kind).where('id', '=', id).execute();
}

export async function destroyModel(db: Db, kind: string, id: string): Promise<void> {
  await db.deleteFrom('oidc_models').where('kind', '=', kind).where('id', '=', id).execute();
}

/** Keep the hashes of a grant's live access tokens, with the consent they served, before they are destroyed. */
export async function rememberRevokedAccessTokens(db: Db, input: { grantId: string; consentId: string; hash: (token: string) => string }): Promise<void> {
  const rows = await db.selectFrom('oidc_models').select(['id', 'expires_at']).where('grant_id', '=', input.grantId).where('kind', '=', 'AccessToken').execute();
  const tombstones = rows.filter((row) => row.expires_at !== null).map((row) => ({ token_hash: input.hash(row.id), consent_id: input.consentId, expires_at: row.expires_at as number }));
  if (tombstones.length > 0) await db.insertInto('oidc_revoked_access_tokens').values(tombstones).onConflict((c) => c.column('token_hash').doNothing()).execute();
}

/** The consent a revoked access token (by its hash) served, while it would still have been live. */
export async function findRevokedAccessToken(db: Db, tokenHash: string, now: number): Promise<string | null> {
  const row = await db.selectFrom('oidc_revoked_access_tokens').select('consent_id').where('token_hash', '=', tokenHash).where('expires_at', '>', now).executeTakeFirst();
  return row?.consent_id ?? null;
}

/** Every code and token issued under this grant (not the grant itself). */
export async function destroyModelsOfGrant(db: Db, grantId: string): Promise<void> {
  await db.deleteFrom('oidc_models').where('grant_id', '=', grantId).execute();
}

/** Expired rows are dead weight: oidc-provider never reads them again. */
export async function deleteExpiredModels(db: Db, now: number): Promise<void> {
  await db.deleteFrom('oidc_models').where('expires_at', '<=', now).execute();
  await db.deleteFrom('oidc_revoked_access_tokens').where('expires_at', '<=', now).execute();
}

/**
 * Bind a refresh token to the DPoP key its access token was bound to, as oidc-provider already
 * does for public clients: FAPI wants a stolen refresh token to be useless without that key.
 */
export async function bindRefreshTokenKey(db: Db, refreshToken: string, jkt: string): Promise<void> {
  const row = await db.selectFrom('oidc_models').select('payload').where('kind', '=', 'RefreshToken').where('id', '=', refreshToken).executeTakeFirst();
  if (!row) return;
  const payload = JSON.parse(row.payload) as Record<string, unknown>;
  if (payload.jkt) return;
  payload.jkt = jkt;
  await db
    .updateTable('oidc_models')
    .set({ payload: JSON.stringify(payload) })
    .where('kind', '=', 'RefreshToken')
    .where('id', '=', refreshToken)
    .execute();
}

export async function recordConsentGrant(db: Db, input: { grantId: string; consentId: string; at: number }): Promise<void> {
  await db.insertInto('oidc_consent_grants').values({ grant_id: input.grantId, consent_id: input.consentId, created_at: input.at }).execute();
}

export async function findConsentOfGrant(db: Db, grantId: string): Promise<string | null> {
  const row = await db.selectFrom('oidc_consent_grants').select('consent_id').where('grant_id', '=', grantId).executeTakeFirst();
  return row?.consent_id ?? null;
}

export async function listGrantsOfConsent(db: Db, consentId: string): Promise<string[]> {
  const rows = await db.selectFrom('oidc_consent_grants').select('grant_id').where('consent_id', '=', consentId).execute();
  return rows.map((row) => row.grant_id);
}

/**
 * Remember a DPoP proof's jti until `until` (epoch ms); false when it was already seen. One
 * INSERT decides, so two copies of a proof racing each other cannot both pass, and a restart
 * forgets nothing. Every read of the Open Banking API claims one, so this write is not
 * fsynced (SQLite's `synchronous = NORMAL` for this statement only, on the connection held for
 * it): in WAL mode it still survives a crash or restart of the bank, and only a power loss in
 * the moment after could forget it. With the bank's `synchronous = FULL` the fsync took 600 µs,
 * more than the rest of a balance read (bench/README.md, bench:banking).
 */
export async function claimProofJti(db: Db, input: { id: string; until: number }): Promise<boolean> {
  return db.connection().execute(async (connection) => {
    await sql`pragma synchronous = NORMAL`.execute(connection);
    try {
      const result = await connection
        .insertInto('oidc_models')
        .values({ id: input.id, kind: 'ResourceDPoPProof', payload: '{}', grant_id: null, user_code: null, uid: null, expires_at: input.until, consumed_at: null })
        .onConflict((c) => c.columns(['kind', 'id']).doNothing())
        .executeTakeFirst();
      return result.numInsertedOrUpdatedRows === 1n;
    } finally {
      await sql.raw(`pragma synchronous = ${bankSynchronous}`).execute(connection);
    }
  });
}
