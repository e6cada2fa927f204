import type { Kysely } from 'kysely';
import type { BankTables } from '../database';
import type { BotFraudAlertRow, BotLinkRow, BotStepUpOfferRow, FraudAlertStatus } from './bot.table';

type Db = Kysely<BankTables>;

/** Remember a webhook-id; false when it was already there (a redelivery or a replay). */
export async function rememberWebhook(db: Db, webhookId: string, at: number): Promise<boolean> {
  const result = await db
    .insertInto('bot_webhooks')
    .values({ webhook_id: webhookId, received_at: at })
    .onConflict((conflict) => conflict.column('webhook_id').doNothing())
    .executeTakeFirst();
  return result.numInsertedOrUpdatedRows === 1n;
}

/** Forget webhook-ids older than `before`: Parley stops retrying an event long before that. */
export async function forgetWebhooksBefore(db: Db, before: number): Promise<void> {
  await db.deleteFrom('bot_webhooks').where('received_at', '<', before).execute();
}

export async function findLink(db: Db, bsid: string): Promise<BotLinkRow | undefined> {
  return db.selectFrom('bot_links').selectAll().where('bsid', '=', bsid).executeTakeFirst();
}

export async function listLinksOfCustomer(db: Db, customerId: string): Promise<BotLinkRow[]> {
  return db.selectFrom('bot_links').selectAll().where('customer_id', '=', customerId).orderBy('linked_at').execute();
}

/** Link a BSID to a customer, replacing whom it was linked to before. */
export async function saveLink(db: Db, row: BotLinkRow): Promise<void> {
  await db
    .insertInto('bot_links')
    .values(row)
    .onConflict((conflict) => conflict.column('bsid').doUpdateSet({ customer_id: row.customer_id, linked_at: row.linked_at }))
    .execute();
}

export async function deleteLink(db: Db, bsid: string): Promise<boolean> {
  const result = await db.deleteFrom('bot_links').where('bsid', '=', bsid).executeTakeFirst();
  return result.numDeletedRows === 1n;
}

export async function insertLinkToken(db: Db, row: { tokenHash: string; bsid: string; createdAt: number; expiresAt: number }): Promise<void> {
  await db
    .insertInto('bot_link_tokens')
    .values({ token_hash: row.tokenHash, bsid: row.bsid, created_at: row.createdAt, expires_at: row.expiresAt, used_at: null })
    .execute();
}

/** The BSID of a token that is unused and unexpired at `now`, or undefined. */
export async function findLiveLinkToken(db: Db, tokenHash: string, now: number): Promise<string | undefined> {
  const row = await db
    .selectFrom('bot_link_tokens')
    .select('bsid')
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return row?.bsid;
}

/**
 * Use a token up: one UPDATE that only an unused, unexpired token passes, so two confirmations
 * racing cannot both link. Returns its BSID, or undefined.
 */
export async function useLinkToken(db: Db, tokenHash: string, now: number): Promise<string | undefined> {
  const bsid = await findLiveLinkToken(db, tokenHash, now);
  if (bsid === undefined) return undefined;
  const result = await db
    .updateTable('bot_link_tokens')
    .set({ used_at: now })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n ? bsid : undefined;
}

/** Tokens that expired a day ago are of no use to anyone. */
export async function deleteLinkTokensBefore(db: Db, before: number): Promise<void> {
  await db.deleteFrom('bot_link_tokens').where('expires_at', '<', before).execute();
}

export async function saveFraudAlert(db: Db, row: BotFraudAlertRow): Promise<void> {
  await db
    .insertInto('bot_fraud_alerts')
    .values(row)
    .onConflict((conflict) =>
      conflict.columns(['authorization_id', 'bsid']).doUpdateSet({ status: row.status, detail: row.detail, alert_id: row.alert_id, updated_at: row.updated_at }),
    )
    .execute();
}

export async function setFraudAlertStatus(db: Db, input: { authorizationId: string; status: FraudAlertStatus; detail?: string | null; at: number }): Promise<void> {
  await db
    .updateTable('bot_fraud_alerts')
    .set({ status: input.status, ...(input.detail === undefined ? {} : { detail: input.detail }), updated_at: input.at })
    .where('authorization_id', '=', input.authorizationId)
    .execute();
}

export async function listFraudAlerts(db: Db, authorizationId: string): Promise<BotFraudAlertRow[]> {
  return db.selectFrom('bot_fraud_alerts').selectAll().where('authorization_id', '=', authorizationId).execute();
}

/** The fraud alert Parley knows by this alert id, sent to this BSID (another chat's alert id finds nothing). */
export async function findFraudAlertByAlertId(db: Db, input: { alertId: string; bsid: string }): Promise<BotFraudAlertRow | undefined> {
  return db.selectFrom('bot_fraud_alerts').selectAll().where('alert_id', '=', input.alertId).where('bsid', '=', input.bsid).executeTakeFirst();
}

/**
 * Remember a step-up proof's `jti` until `expiresAt`; false when it was already there (a replay).
 * One INSERT on the primary key, so two deliveries racing cannot both pass.
 */
export async function rememberStepUpProof(db: Db, input: { jti: string; expiresAt: number }): Promise<boolean> {
  const result = await db
    .insertInto('bot_step_up_proofs')
    .values({ jti: input.jti, expires_at: input.expiresAt })
    .onConflict((conflict) => conflict.column('jti').doNothing())
    .executeTakeFirst();
  return result.numInsertedOrUpdatedRows === 1n;
}

/** Proofs past their `exp` fail verification by themselves: their jti need not be kept. */
export async function forgetStepUpProofsBefore(db: Db, before: number): Promise<void> {
  await db.deleteFrom('bot_step_up_proofs').where('expires_at', '<', before).execute();
}

/** Remember which messages offered a step-up button, so a proof is accepted only for a button the bot really offered. */
export async function rememberStepUpOffers(db: Db, rows: readonly BotStepUpOfferRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('bot_step_up_offers')
    .values([...rows])
    .onConflict((conflict) => conflict.columns(['conversation_id', 'seq', 'payload']).doNothing())
    .execute();
}

export async function isStepUpOffer(db: Db, offer: { conversationId: string; seq: number; payload: string }): Promise<boolean> {
  const row = await db
    .selectFrom('bot_step_up_offers')
    .select('seq')
    .where('conversation_id', '=', offer.conversationId)
    .where('seq', '=', offer.seq)
    .where('payload', '=', offer.payload)
    .executeTakeFirst();
  return row !== undefined;
}

/** Offers older than `before` are not worth keeping: Parley's step-up challenge lives 5 minutes. */
export async function forgetStepUpOffersBefore(db: Db, before: number): Promise<void> {
  await db.deleteFrom('bot_step_up_offers').where('created_at', '<', before).execute();
}
