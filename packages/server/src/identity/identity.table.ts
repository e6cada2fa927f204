import type { Selectable } from 'kysely';

export interface PeopleTable {
  id: string;
  /** Lower-cased; null for a passkey-only person who gave none. */
  email: string | null;
  display_name: string;
  /** argon2id PHC string; null when the person has only passkeys. */
  password_hash: string | null;
  created_at: number;
}
export type PersonRow = Selectable<PeopleTable>;

export interface PasskeysTable {
  /** The WebAuthn credential id, base64url. */
  id: string;
  person_id: string;
  public_key: Uint8Array;
  counter: number;
  /** JSON array of AuthenticatorTransport. */
  transports: string;
  device_type: string;
  backed_up: number;
  name: string;
  created_at: number;
  last_used_at: number | null;
}
export type PasskeyRow = Selectable<PasskeysTable>;

export interface AuthChallengesTable {
  id: string;
  purpose: 'signup' | 'signin' | 'add-passkey' | 'step-up';
  challenge: string;
  person_id: string | null;
  /** JSON of the person-to-be for a passkey sign-up; for a step-up, the binding (kind, ref, act) it was issued for. */
  pending: string | null;
  expires_at: number;
}

export interface SessionsTable {
  /** SHA-256 (hex) of the cookie's token; the token itself is never stored. */
  id: string;
  person_id: string;
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
  /** The absolute end (12 h after sign-in); the idle end is last_seen_at + 30 min. */
  expires_at: number;
  user_agent: string | null;
}
export type SessionRow = Selectable<SessionsTable>;

export interface WsTicketsTable {
  /** SHA-256 (hex) of the ticket. */
  id: string;
  session_id: string;
  expires_at: number;
}

export interface IdentityTables {
  people: PeopleTable;
  passkeys: PasskeysTable;
  auth_challenges: AuthChallengesTable;
  sessions: SessionsTable;
  ws_tickets: WsTicketsTable;
}
