import type { Db } from '../database';
import { fixedQuery } from '../platform/db/fixed-query';
import type { BankDataCacheRow, BankTokenRow, ConsentRow, ConsentStatus, InstitutionRow } from './banking.table';

export type ConsentWithInstitution = ConsentRow & { institution_name: string };

/** The consent, its tokens and whatever else must commit with them (the webhook event). */
export async function insertConsentWithTokens(db: Db, input: { consent: ConsentRow; tokens: BankTokenRow; alsoInTransaction: (trx: Db) => Promise<unknown> }): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('consents').values(input.consent).execute();
    await trx.insertInto('bank_tokens').values(input.tokens).execute();
    await input.alsoInTransaction(trx);
  });
}

function withInstitution(db: Db) {
  return db.selectFrom('consents').innerJoin('institutions', 'institutions.id', 'consents.institution_id').selectAll('consents').select('institutions.name as institution_name');
}

export async function listConsentsOfPerson(db: Db, personId: string): Promise<ConsentWithInstitution[]> {
  return withInstitution(db).where('consents.person_id', '=', personId).orderBy('consents.created_at', 'desc').orderBy('consents.id').execute();
}

// Every balance or transaction read of one account runs these: compiled once (platform/db/fixed-query.ts).
const consentOfPerson = fixedQuery((db: Db, personId: string, consentId: string) => withInstitution(db).where('consents.person_id', '=', personId).where('consents.id', '=', consentId));
const tokensOf = fixedQuery((db: Db, consentId: string) => db.selectFrom('bank_tokens').selectAll().where('consent_id', '=', consentId));
const liveCached = fixedQuery((db: Db, id: string, now: number) => db.selectFrom('bank_data_cache').selectAll().where('id', '=', id).where('expires_at', '>', now));
const touch = fixedQuery((db: Db, consentId: string, at: number) => db.updateTable('consents').set({ last_access_at: at }).where('id', '=', consentId));
const upsertCached = fixedQuery((db: Db, id: string, consentId: string, bodySealed: string, fetchedAt: number, expiresAt: number) =>
  db
    .insertInto('bank_data_cache')
    .values({ id, consent_id: consentId, body_sealed: bodySealed, fetched_at: fetchedAt, expires_at: expiresAt })
    .onConflict((conflict) => conflict.column('id').doUpdateSet({ consent_id: consentId, body_sealed: bodySealed, fetched_at: fetchedAt, expires_at: expiresAt })),
);

/** The person's consent with this id; another person's is not found. */
export async function findConsentOfPerson(db: Db, personId: string, consentId: string): Promise<ConsentWithInstitution | undefined> {
  return (await consentOfPerson(db, personId, consentId))[0];
}

export async function findConsentByBankId(db: Db, institutionId: string, bankConsentId: string): Promise<ConsentRow | undefined> {
  return db.selectFrom('consents').selectAll().where('institution_id', '=', institutionId).where('bank_consent_id', '=', bankConsentId).executeTakeFirst();
}

/** Mark a consent ended once: false when it had already ended (another node or request did it). */
export async function endConsentRow(db: Db, change: { id: string; status: Exclude<ConsentStatus, 'active'>; at: number; by: string }): Promise<boolean> {
  const result = await db
    .updateTable('consents')
    .set({ status: change.status, ended_at: change.at, ended_by: change.by })
    .where('id', '=', change.id)
    .where('status', '=', 'active')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Delete what a consent's data key protected (the key itself is destroyed by privacy). */
export async function deleteConsentSecrets(db: Db, consentId: string): Promise<{ tokens: boolean }> {
  return db.transaction().execute(async (trx) => {
    const tokens = await trx.deleteFrom('bank_tokens').where('consent_id', '=', consentId).executeTakeFirst();
    await trx.deleteFrom('bank_data_cache').where('consent_id', '=', consentId).execute();
    return { tokens: tokens.numDeletedRows > 0n };
  });
}

/** Active consents that end within the notice and whose person has not been told yet. */
export async function consentsDueForReminder(db: Db, input: { now: number; endsBefore: number; limit: number }): Promise<ConsentRow[]> {
  return db
    .selectFrom('consents')
    .selectAll()
    .where('status', '=', 'active')
    .where('renewal_reminded_at', 'is', null)
    .where('expires_at', '>', input.now)
    .where('expires_at', '<=', input.endsBefore)
    .orderBy('expires_at')
    .limit(input.limit)
    .execute();
}

/** Claim the reminder of one consent: false when another node (or run) already sent it. */
export async function markReminded(db: Db, consentId: string, at: number): Promise<boolean> {
  const result = await db.updateTable('consents').set({ renewal_reminded_at: at }).where('id', '=', consentId).where('renewal_reminded_at', 'is', null).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function touchConsent(db: Db, consentId: string, at: number): Promise<void> {
  await touch(db, consentId, at);
}

export async function findTokens(db: Db, consentId: string): Promise<BankTokenRow | undefined> {
  return (await tokensOf(db, consentId))[0];
}

/**
 * Take the lease on refreshing this version of the tokens, for `until`: true when no one else
 * holds it (none, or an expired one) and the version is still current.
 */
export async function claimRefresh(db: Db, input: { consentId: string; version: number; now: number; until: number }): Promise<boolean> {
  const result = await db
    .updateTable('bank_tokens')
    .set({ refreshing_until: input.until })
    .where('consent_id', '=', input.consentId)
    .where('version', '=', input.version)
    .where((eb) => eb.or([eb('refreshing_until', 'is', null), eb('refreshing_until', '<=', input.now)]))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Give the lease back without new tokens (the refresh failed): another read may try at once. */
export async function releaseRefresh(db: Db, consentId: string, version: number): Promise<void> {
  await db.updateTable('bank_tokens').set({ refreshing_until: null }).where('consent_id', '=', consentId).where('version', '=', version).execute();
}

/** Store refreshed tokens unless another refresh got there first (the version moved); the lease goes with the old version. */
export async function replaceTokens(db: Db, row: BankTokenRow, previousVersion: number): Promise<boolean> {
  const { consent_id: _id, ...changes } = row;
  const result = await db.updateTable('bank_tokens').set(changes).where('consent_id', '=', row.consent_id).where('version', '=', previousVersion).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function findCached(db: Db, id: string, now: number): Promise<BankDataCacheRow | undefined> {
  return (await liveCached(db, id, now))[0];
}

/** One statement, so two reads that fill the same entry at once both succeed (the later one wins). */
export async function putCached(db: Db, row: BankDataCacheRow): Promise<void> {
  await upsertCached(db, row.id, row.consent_id, row.body_sealed, row.fetched_at, row.expires_at);
}

export async function deleteExpiredCache(db: Db, now: number): Promise<number> {
  const result = await db.deleteFrom('bank_data_cache').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export type { InstitutionRow };
