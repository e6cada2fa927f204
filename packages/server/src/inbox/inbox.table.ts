import type { Selectable } from 'kysely';
import type { BusinessRole, InboxStatus, RevealField, RevealStatus } from '@parley/protocol';

export interface InboxConversationsTable {
  conversation_id: string;
  business_id: string;
  status: InboxStatus;
  /** business_members.id; null while unassigned. */
  assignee_member_id: string | null;
  assigned_at: number | null;
  handed_over_at: number;
  handover_note: string | null;
  first_response_at: number | null;
  resolved_at: number | null;
  updated_at: number;
}
export type InboxConversationRow = Selectable<InboxConversationsTable>;

export interface InboxReadsTable {
  conversation_id: string;
  member_id: string;
  seq: number;
}

/** One finished stretch of a conversation in the inbox: from handover to resolve (or give-back). */
export interface InboxEpisodesTable {
  /** Also the id of the CSAT survey sent on resolve. */
  id: string;
  business_id: string;
  conversation_id: string;
  assignee_member_id: string | null;
  /** The assignee's display name when it ended: figures stay readable after they leave. */
  assignee_name: string | null;
  outcome: 'resolved' | 'returned';
  handed_over_at: number;
  first_response_at: number | null;
  resolved_at: number;
  csat_rating: number | null;
  csat_at: number | null;
}
export type InboxEpisodeRow = Selectable<InboxEpisodesTable>;

export interface InboxNotesTable {
  id: string;
  business_id: string;
  conversation_id: string;
  author_member_id: string;
  author_name: string;
  text: string;
  created_at: number;
}
export type InboxNoteRow = Selectable<InboxNotesTable>;

export interface InboxCannedTable {
  id: string;
  business_id: string;
  shortcut: string;
  text: string;
  /** JSON of a QuickReply array, or null. */
  quick_replies: string | null;
  updated_at: number;
}
export type InboxCannedRow = Selectable<InboxCannedTable>;

export interface InboxRevealsTable {
  id: string;
  business_id: string;
  conversation_id: string;
  requested_by_member_id: string;
  requested_by_name: string;
  field: RevealField;
  account_mask: string | null;
  status: RevealStatus;
  /** The revealed value, sealed under the data key of the consent it was read through (crypto-shredded with it). */
  value_sealed: string | null;
  /** The consent the value was read through: its data key seals the value. */
  value_consent_id: string | null;
  reason: string | null;
  created_at: number;
  decided_at: number | null;
}
export type InboxRevealRow = Selectable<InboxRevealsTable>;

export interface BusinessInvitesTable {
  id: string;
  business_id: string;
  role: BusinessRole;
  /** SHA-256 (hex) of the token; the token itself is never stored. */
  token_hash: string;
  created_by_member_id: string;
  created_by_name: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  revoked_at: number | null;
}
export type BusinessInviteRow = Selectable<BusinessInvitesTable>;

export interface BusinessConsoleSettingsTable {
  business_id: string;
  logo_url: string | null;
  auto_assign: number;
  max_per_agent: number;
}

export interface InboxTables {
  inbox_conversations: InboxConversationsTable;
  inbox_reads: InboxReadsTable;
  inbox_episodes: InboxEpisodesTable;
  inbox_notes: InboxNotesTable;
  inbox_canned: InboxCannedTable;
  inbox_reveals: InboxRevealsTable;
  business_invites: BusinessInvitesTable;
  business_console_settings: BusinessConsoleSettingsTable;
}
