import type { Selectable } from 'kysely';

export type IdempotencyStatus = 'in_progress' | 'done';

/** A Send API request by its Idempotency-Key: reserved first, then the answer it got. */
export interface IdempotencyKeysTable {
  business_id: string;
  key: string;
  /** SHA-256 (hex) of method, path and the body as canonical JSON. */
  request_hash: string;
  status: IdempotencyStatus;
  /** The answer as JSON `{"status":201,"body":{…}}`; null while in progress. */
  response: string | null;
  /** Who works on it now; another request may take over once `locked_until` has passed. */
  lease_token: string | null;
  locked_until: number | null;
  created_at: number;
}
export type IdempotencyKeyRow = Selectable<IdempotencyKeysTable>;

export interface IdempotencyTables {
  idempotency_keys: IdempotencyKeysTable;
}
