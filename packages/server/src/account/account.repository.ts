import type { Db } from '../database';

// The account domain reads and erases rows of several domains at once: an export must see them
// together, and an erasure must commit all of them or none. It reads only the person's own rows
// (every query is keyed by their id) and never selects a secret column (password hash, session
// id/CSRF token, passkey public key, sealed tokens, wrapped keys).

export interface BusinessRef {
  id: string;
  slug: string;
  name: string;
}

export interface AccountRows {
  person: { id: string; email: string | null; display_name: string; created_at: number; has_password: boolean } | undefined;
  passkeys: Array<{ id: string; name: string; device_type: string; backed_up: number; created_at: number; last_used_at: number | null }>;
  sessions: Array<{ is_current: boolean; created_at: number; last_seen_at: number; expires_at: number; user_agent: string | null }>;
  conversations: Array<{ id: string; business: BusinessRef; created_at: number; last_message_at: number }>;
  messages: Array<{ conversation_id: string; seq: number; sender: string; content_type: string; body: string; created_at: number }>;
  bsids: Array<{ business: BusinessRef; bsid: string; created_at: number }>;
  memberships: Array<{ business: BusinessRef; role: string; created_at: number }>;
}

const businessOf = (row: { business_id: string; business_slug: string; business_name: string }): BusinessRef => ({ id: row.business_id, slug: row.business_slug, name: row.business_name });

async function personAndSessions(db: Db, personId: string, currentSessionId: string): Promise<Pick<AccountRows, 'person' | 'passkeys' | 'sessions'>> {
  const person = await db.selectFrom('people').select(['id', 'email', 'display_name', 'created_at', 'password_hash']).where('id', '=', personId).executeTakeFirst();
  const passkeys = await db
    .selectFrom('passkeys')
    .select(['id', 'name', 'device_type', 'backed_up', 'created_at', 'last_used_at'])
    .where('person_id', '=', personId)
    .orderBy('created_at')
    .execute();
  const sessions = await db.selectFrom('sessions').select(['id', 'created_at', 'last_seen_at', 'expires_at', 'user_agent']).where('person_id', '=', personId).orderBy('created_at').execute();
  return {
    person: person && { id: person.id, email: person.email, display_name: person.display_name, created_at: person.created_at, has_password: person.password_hash !== null },
    passkeys,
    // The session id is a hash of the cookie's token: only whether it is this one leaves here.
    sessions: sessions.map((row) => ({ created_at: row.created_at, last_seen_at: row.last_seen_at, expires_at: row.expires_at, user_agent: row.user_agent, is_current: row.id === currentSessionId })),
  };
}

/** Every row the export shows, the person's only. */
export async function readAccountRows(db: Db, personId: string, currentSessionId: string): Promise<AccountRows> {
  const base = await personAndSessions(db, personId, currentSessionId);
  const conversations = await db
    .selectFrom('conversations')
    .innerJoin('businesses', 'businesses.id', 'conversations.business_id')
    .select(['conversations.id', 'conversations.created_at', 'conversations.last_message_at', 'businesses.id as business_id', 'businesses.slug as business_slug', 'businesses.name as business_name'])
    .where('conversations.person_id', '=', personId)
    .orderBy('conversations.created_at')
    .execute();
  const messages = conversations.length === 0
    ? []
    : await db
        .selectFrom('messages')
        .select(['conversation_id', 'seq', 'sender', 'content_type', 'body', 'created_at'])
        .where('conversation_id', 'in', conversations.map((row) => row.id))
        .orderBy('conversation_id')
        .orderBy('seq')
        .execute();
  const bsids = await db
    .selectFrom('bsids')
    .innerJoin('businesses', 'businesses.id', 'bsids.business_id')
    .select(['bsids.bsid', 'bsids.created_at', 'businesses.id as business_id', 'businesses.slug as business_slug', 'businesses.name as business_name'])
    .where('bsids.person_id', '=', personId)
    .execute();
  const memberships = await db
    .selectFrom('business_members')
    .innerJoin('businesses', 'businesses.id', 'business_members.business_id')
    .select(['business_members.role', 'business_members.created_at', 'businesses.id as business_id', 'businesses.slug as business_slug', 'businesses.name as business_name'])
    .where('business_members.person_id', '=', personId)
    .execute();
  return {
    person: base.person,
    passkeys: base.passkeys,
    sessions: base.sessions,
    conversations: conversations.map((row) => ({ id: row.id, business: businessOf(row), created_at: row.created_at, last_message_at: row.last_message_at })),
    messages,
    bsids: bsids.map((row) => ({ business: businessOf(row), bsid: row.bsid, created_at: row.created_at })),
    memberships: memberships.map((row) => ({ business: businessOf(row), role: row.role, created_at: row.created_at })),
  };
}

/** Ids of every consent the person ever held (active or ended), whose data keys an erasure destroys. */
export async function consentIdsOf(db: Db, personId: string): Promise<string[]> {
  return (await db.selectFrom('consents').select('id').where('person_id', '=', personId).execute()).map((row) => row.id);
}

/**
 * Erase the person's rows in one transaction. Deleting `people` cascades to passkeys, sessions
 * (and their WebSocket tickets), conversations and messages, BSIDs and business memberships;
 * the rest carry the person's id without a foreign key and are deleted here. The data_keys rows
 * stay (wrapped key already NULL, owner a random id) so `open` says "destroyed" for good.
 * Returns the consent ids found inside the transaction, so a consent recorded after the caller
 * listed them (a link completing meanwhile) is erased too and its key can still be destroyed.
 */
export async function eraseAccountRows(db: Db, personId: string): Promise<string[]> {
  return db.transaction().execute(async (trx) => {
    const consentIds = (await trx.selectFrom('consents').select('id').where('person_id', '=', personId).execute()).map((row) => row.id);
    if (consentIds.length > 0) {
      await trx.deleteFrom('bank_data_cache').where('consent_id', 'in', consentIds).execute();
      await trx.deleteFrom('bank_tokens').where('consent_id', 'in', consentIds).execute();
    }
    await trx.deleteFrom('consents').where('person_id', '=', personId).execute();
    await trx.deleteFrom('link_sessions').where('person_id', '=', personId).execute();
    await trx.deleteFrom('consent_receipts').where('person_id', '=', personId).execute();
    await trx.deleteFrom('access_log').where('person_id', '=', personId).execute();
    await trx.deleteFrom('access_log_heads').where('person_id', '=', personId).execute();
    await trx.deleteFrom('auth_challenges').where('person_id', '=', personId).execute();
    // Alerts carry financial facts (amounts, merchants, places) and the person's answers.
    await trx.deleteFrom('alerts').where('person_id', '=', personId).execute();
    await trx.deleteFrom('alert_preferences').where('person_id', '=', personId).execute();
    await trx.deleteFrom('notice_follows').where('person_id', '=', personId).execute();
    await trx.deleteFrom('people').where('id', '=', personId).execute();
    return consentIds;
  });
}
