import type { ColumnType, Generated, Selectable } from 'kysely';

export interface ConversationsTable {
  id: string;
  person_id: string;
  business_id: string;
  last_seq: number;
  person_read_seq: number;
  business_read_seq: number;
  created_at: number;
  last_message_at: number;
  /** When the person last wrote (the Send API's 24-hour window); null until they do. */
  last_person_message_at: number | null;
  /** Who answers the person: the bank's bot (default) or its human inbox, after a handover. */
  thread_owner: Generated<ThreadOwner>;
}

export type ThreadOwner = 'bot' | 'inbox';
export type ConversationRow = Selectable<ConversationsTable>;

export interface MessagesTable {
  conversation_id: string;
  seq: number;
  client_id: string | null;
  sender: 'person' | 'business' | 'system';
  content_type: string;
  /** The MessageContent as JSON. */
  body: string;
  created_at: number;
  /** The display name of the human agent who wrote a business message (agent console); null otherwise. */
  agent_name: ColumnType<string | null, string | null | undefined, string | null>;
}
export type MessageRow = Selectable<MessagesTable>;

export interface MessagingTables {
  conversations: ConversationsTable;
  messages: MessagesTable;
}
