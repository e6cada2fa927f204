import type { AlertKind } from '@parley/protocol';

/** One alert a bank sent. The answer columns stay null until the person answers. */
export interface AlertsTable {
  id: string;
  business_id: string;
  person_id: string;
  /** The person's BSID at that bank, as the bank named them (and as `alert.answered` names them). */
  bsid: string;
  conversation_id: string;
  kind: AlertKind;
  /** The card `{ headline, facts, actions }` as JSON, sealed under the person's data key (alert.body.ts); plain JSON in rows from before sealing. */
  body: string;
  /**
   * Names the Alert API request that made the alert (its Idempotency-Key's fingerprint): a retry
   * that takes over a request which died half way finds the same alert instead of making another.
   */
  source_key: string;
  expires_at: number;
  created_at: number;
  answer_action_id: string | null;
  answered_at: number | null;
  answer_stepped_up: number | null;
}

/** A switched-on kind of alert from one bank; a missing row means off. */
export interface AlertPreferencesTable {
  person_id: string;
  business_id: string;
  kind: AlertKind;
  updated_at: number;
}

export interface AlertTables {
  alerts: AlertsTable;
  alert_preferences: AlertPreferencesTable;
}
