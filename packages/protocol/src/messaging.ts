import { Type, type Static } from '@sinclair/typebox';
import { MessageContent, PersonContent } from './content';
import { BusinessMenu } from './menu';
import { ClientId, Id, Seq, Timestamp } from './schema';

export const SenderKind = Type.Union([Type.Literal('person'), Type.Literal('business'), Type.Literal('system')]);
export type SenderKind = Static<typeof SenderKind>;

export const Business = Type.Object({
  id: Id,
  name: Type.String(),
  slug: Type.String(),
  greeting: Type.Union([Type.String(), Type.Null()]),
  /** The business's get-started button and persistent menu; absent when it has set neither. */
  menu: Type.Optional(BusinessMenu),
});
export type Business = Static<typeof Business>;
export const BusinessList = Type.Object({ businesses: Type.Array(Business) });

/** A stored message as every client sees it. */
export const Message = Type.Object({
  conversationId: Id,
  seq: Seq,
  clientId: Type.Union([ClientId, Type.Null()]),
  sender: SenderKind,
  content: MessageContent,
  sentAt: Timestamp,
  /** Set on a business message a human agent wrote (agent console): the name the person sees, never an email. */
  agent: Type.Optional(Type.Object({ displayName: Type.String() })),
});
export type Message = Static<typeof Message>;

export const Conversation = Type.Object({
  id: Id,
  business: Business,
  lastSeq: Seq,
  /** Highest seq the person has read. */
  readSeq: Seq,
  /** Highest seq the business side has read (drives "read" ticks). */
  peerReadSeq: Seq,
  unread: Type.Integer({ minimum: 0 }),
  lastMessage: Type.Union([Message, Type.Null()]),
  createdAt: Timestamp,
});
export type Conversation = Static<typeof Conversation>;
export const ConversationList = Type.Object({ conversations: Type.Array(Conversation) });
export type ConversationList = Static<typeof ConversationList>;

/** Open (or find) the person's conversation with a business. Only the person can start one. */
export const OpenConversationBody = Type.Object({ businessId: Id }, { additionalProperties: false });
export type OpenConversationBody = Static<typeof OpenConversationBody>;

export const ConversationParams = Type.Object({ conversationId: Id });
export const HistoryQuery = Type.Object(
  {
    /** Return messages with seq strictly below this; omit for the newest. */
    before: Type.Optional(Type.Integer({ minimum: 1 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);
export type HistoryQuery = Static<typeof HistoryQuery>;
export const HistoryPage = Type.Object({ messages: Type.Array(Message), hasMore: Type.Boolean() });
export type HistoryPage = Static<typeof HistoryPage>;

/**
 * Send over HTTP (same rules and idempotency as the `send` frame): 201 with the SendAck once
 * stored; a resend of a stored clientId answers 200 with the original SendAck and stores nothing.
 */
export const SendMessageBody = Type.Object({ clientId: ClientId, content: PersonContent }, { additionalProperties: false });
export type SendMessageBody = Static<typeof SendMessageBody>;
export const SendAck = Type.Object({ conversationId: Id, clientId: ClientId, seq: Seq, sentAt: Timestamp });
export type SendAck = Static<typeof SendAck>;
