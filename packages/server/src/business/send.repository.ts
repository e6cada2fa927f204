import type { Db } from '../database';
import { fixedQuery } from '../platform/db/fixed-query';

export interface ConversationWindowRow {
  id: string;
  created_at: number;
  /** When the person last wrote in it; null when they have not yet. */
  last_person_message_at: number | null;
}

/** What the Send API needs to know about a BSID: whose it is, and that person's conversation window. */
export interface BsidWindowRow {
  person_id: string;
  /** Null when the person has not started a conversation with the business. */
  conversation: ConversationWindowRow | null;
}

// Every Send API call runs it: compiled once (platform/db/fixed-query.ts).
const windowByBsid = fixedQuery((db: Db, businessId: string, bsid: string) =>
  db
    .selectFrom('bsids as b')
    .leftJoin('conversations as c', (join) => join.onRef('c.business_id', '=', 'b.business_id').onRef('c.person_id', '=', 'b.person_id'))
    .select(['b.person_id', 'c.id', 'c.created_at', 'c.last_person_message_at'])
    .where('b.business_id', '=', businessId)
    .where('b.bsid', '=', bsid),
);

/**
 * The person a BSID of this business names, their conversation with the business and when the
 * person last wrote in it (kept on the conversation by messaging's committer) — one query, read
 * from messaging's tables (messaging imports this domain, not the reverse). Undefined when the
 * BSID is not this business's.
 */
export async function findWindowByBsid(db: Db, businessId: string, bsid: string): Promise<BsidWindowRow | undefined> {
  const [row] = await windowByBsid(db, businessId, bsid);
  if (!row) return undefined;
  if (row.id === null || row.created_at === null) return { person_id: row.person_id, conversation: null };
  const last = row.last_person_message_at;
  return {
    person_id: row.person_id,
    conversation: { id: row.id, created_at: Number(row.created_at), last_person_message_at: last === null || last === undefined ? null : Number(last) },
  };
}

/**
 * Whether the person switched on any kind of alert from this business (alerts' table; the Send
 * API's ALERT messages need it).
 */
export async function hasAlertsEnabled(db: Db, businessId: string, personId: string): Promise<boolean> {
  const row = await db.selectFrom('alert_preferences').select('kind').where('business_id', '=', businessId).where('person_id', '=', personId).limit(1).executeTakeFirst();
  return row !== undefined;
}
