import type { Selectable } from 'kysely';
import type { BusinessRole } from '@parley/protocol';

export interface BusinessesTable {
  id: string;
  slug: string;
  name: string;
  greeting: string | null;
  created_at: number;
  /** JSON of GetStarted; null when there is no get-started button. */
  get_started: string | null;
  /** JSON of a MenuItem array; null when there is no persistent menu. */
  persistent_menu: string | null;
}
export type BusinessRow = Selectable<BusinessesTable>;

export interface BusinessMembersTable {
  id: string;
  business_id: string;
  person_id: string;
  role: BusinessRole;
  created_at: number;
}
export type MemberRow = Selectable<BusinessMembersTable>;

export interface ApiKeysTable {
  id: string;
  business_id: string;
  name: string;
  /** The visible, unique start of the key: `pk_<12 hex>`. Lookups go by it. */
  prefix: string;
  /** SHA-256 (hex) of the whole key; the key itself is never stored. */
  key_hash: string;
  /** Space-separated ApiKeyScope values. */
  scopes: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}
export type ApiKeyRow = Selectable<ApiKeysTable>;

export interface BsidsTable {
  business_id: string;
  person_id: string;
  bsid: string;
  created_at: number;
}

export interface BusinessTables {
  businesses: BusinessesTable;
  business_members: BusinessMembersTable;
  api_keys: ApiKeysTable;
  bsids: BsidsTable;
}
