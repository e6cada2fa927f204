/** A webhook Parley delivered, by its `webhook-id` (the same on every retry): each is handled once. */
export interface BotWebhookRow {
  webhook_id: string;
  received_at: number;
}

/** A Parley conversation linked to a bank customer: after this, the bot may show that customer's data to that BSID. */
export interface BotLinkRow {
  /** The bank-scoped id Parley names the person by; only this bank knows it. */
  bsid: string;
  customer_id: string;
  linked_at: number;
}

/** A single-use account-linking token, bound to the BSID it was offered to. Only its SHA-256 is kept. */
export interface BotLinkTokenRow {
  token_hash: string;
  bsid: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

/**
 * What became of a fraud alert for a held authorization, per BSID it was sent to (or could not
 * be): `not_enabled` when the person has not switched on card alerts from the bank at Parley.
 */
export type FraudAlertStatus = 'sent' | 'unreachable' | 'not_linked' | 'not_enabled' | 'approved' | 'declined';

export interface BotFraudAlertRow {
  authorization_id: string;
  customer_id: string;
  /** The chat it went to; '' when the customer has no linked chat. */
  bsid: string;
  status: FraudAlertStatus;
  /** Why it could not be sent (Parley's error code), or why an answer was not acted on; null otherwise. */
  detail: string | null;
  /** Parley's id of the alert (from the Alert API), so its `alert.answered` finds the payment; null if none was sent. */
  alert_id: string | null;
  created_at: number;
  updated_at: number;
}

/**
 * A step-up proof already acted on, by its `jti`, until it expires: the same proof presented
 * again (a replayed webhook, a copied JWS) is refused. After `expires_at` the proof fails on its
 * own `exp`, so the row can go.
 */
export interface BotStepUpProofRow {
  jti: string;
  expires_at: number;
}

/** A message of the bot (conversation, seq) that offered a button with `requiresStepUp`, and its payload. */
export interface BotStepUpOfferRow {
  conversation_id: string;
  seq: number;
  payload: string;
  created_at: number;
}

export interface BotTables {
  bot_webhooks: BotWebhookRow;
  bot_links: BotLinkRow;
  bot_link_tokens: BotLinkTokenRow;
  bot_fraud_alerts: BotFraudAlertRow;
  bot_step_up_proofs: BotStepUpProofRow;
  bot_step_up_offers: BotStepUpOfferRow;
}
