/**
 * A bank's notice, stored once for all its followers. Its text is the bank's own words to
 * everyone, about no one, so it is not sealed under any person's key (docs/privacy.md).
 */
export interface NoticesTable {
  id: string;
  business_id: string;
  text: string;
  /**
   * Names the request that made the notice (its Idempotency-Key's fingerprint): a retry that
   * takes over a request which died half way finds this notice instead of sending another.
   */
  source_key: string;
  created_at: number;
}

/** A person follows a bank's notices; no row means they do not (the default). */
export interface NoticeFollowsTable {
  business_id: string;
  person_id: string;
  /** When they (last) started following: they see the notices sent since. */
  since: number;
}

export interface NoticeTables {
  notices: NoticesTable;
  notice_follows: NoticeFollowsTable;
}
