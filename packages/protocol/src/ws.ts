import { Type, type Static } from '@sinclair/typebox';
import { PersonContent } from './content';
import { InboxConversation, Note, RevealRequest } from './inbox';
import { Message, SenderKind } from './messaging';
import { Notice } from './notices';
import { ClientId, Id, Seq, Timestamp } from './schema';

/**
 * The WebSocket at GET /v1/ws. Browsers authenticate with the session cookie (and their
 * Origin must be Parley's own); other clients with `Authorization: Bearer <ticket>` from
 * POST /v1/ws-ticket. A refused upgrade is an HTTP answer with the error body (401, 403).
 *
 * After `hello`, a client sends `resume` with what it holds. Rules the server keeps:
 * - A send is acked only once committed; a resend of the same clientId gets the same ack.
 * - The socket a send came from gets the `ack` only; every other socket of the person (and
 *   the business side) gets the `message`. The ack carries all a client needs to build it.
 * - Per conversation, a socket receives each seq at most once. A replay comes in seq order;
 *   live messages that reached the socket before its `resume` was read are not replayed, so
 *   clients place messages by seq.
 * - Refused frames get an `error` frame and the socket stays open. `ref` is the clientId of a
 *   refused send, or the conversationId of a refused resume/read/typing entry.
 * - Close codes: 1001 server shutting down; 1008 the session ended (after an `error` frame
 *   ERR_SESSION_EXPIRED, fatal); 1009 a frame over `maxFrameBytes`; 1013 a slow consumer
 *   (ERR_SLOW_CONSUMER: more than 1 MiB waiting to be written). The server pings every 30 s
 *   and drops a socket that did not answer the previous ping.
 */

/** Largest WebSocket frame the server accepts, in bytes; a larger one closes the socket with 1009. */
export const maxFrameBytes = 16 * 1024;

// ---- client → server ----

/** A person's message: `text`, or the `postback` of a quick reply or button they tapped; any other content type is ERR_VALIDATION. */
export const SendFrame = Type.Object(
  { type: Type.Literal('send'), clientId: ClientId, conversationId: Id, content: PersonContent },
  { additionalProperties: false },
);
/**
 * After a (re)connect: the last seq the client holds per conversation; the server replays what
 * is missing, in order, then sends `resumed`. A conversation that is not the person's gets an
 * ERR_NOT_FOUND error frame (ref = its id) and is left out of `resumed`.
 */
export const ResumeFrame = Type.Object(
  {
    type: Type.Literal('resume'),
    conversations: Type.Array(Type.Object({ conversationId: Id, lastSeq: Seq }, { additionalProperties: false }), { maxItems: 500 }),
  },
  { additionalProperties: false },
);
/** The person has read up to `seq` (raised only, capped at the last seq); their other sockets get a `read` frame. */
export const ReadFrame = Type.Object(
  { type: Type.Literal('read'), conversationId: Id, seq: Seq },
  { additionalProperties: false },
);
/** Relayed to the business side only; nothing is stored and nothing echoes back. */
export const TypingFrame = Type.Object(
  { type: Type.Literal('typing'), conversationId: Id, state: Type.Union([Type.Literal('start'), Type.Literal('stop')]) },
  { additionalProperties: false },
);
export const PingFrame = Type.Object(
  { type: Type.Literal('ping'), nonce: Type.Optional(Type.String({ maxLength: 64 })) },
  { additionalProperties: false },
);
/**
 * Agent console: this socket works the inbox of every business where the person is an `agent`
 * or `owner`. It then also gets those businesses' side of the gateway (`message`, `typing` and
 * `read` of their conversations, and `inbox`, `note`, `reveal`), and — while `available` (the
 * default) — counts as an online agent for round-robin assignment. Send it again to change
 * `available`. Answered by `inbox.joined`; a person who works no inbox gets `inbox.joined` with
 * no businesses. Replies, notes and the rest go over HTTP (see inbox.ts).
 */
export const InboxJoinFrame = Type.Object(
  { type: Type.Literal('inbox.join'), available: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
export const ClientFrame = Type.Union([SendFrame, ResumeFrame, ReadFrame, TypingFrame, PingFrame, InboxJoinFrame]);
export type ClientFrame = Static<typeof ClientFrame>;

// ---- server → client ----

export const HelloFrame = Type.Object({ type: Type.Literal('hello'), personId: Id, serverTime: Timestamp });
/**
 * The send with this clientId is durably stored as `seq`. A resend of the same clientId gets the
 * same ack. The sending socket gets no `message` frame for its own send: this ack stands for it.
 */
export const AckFrame = Type.Object({
  type: Type.Literal('ack'),
  clientId: ClientId,
  conversationId: Id,
  seq: Seq,
  sentAt: Timestamp,
});
export const MessageFrame = Type.Object({ type: Type.Literal('message'), message: Message });
/** The end of a resume: every conversation named is now up to date to `lastSeq`. */
export const ResumedFrame = Type.Object({
  type: Type.Literal('resumed'),
  conversations: Type.Array(Type.Object({ conversationId: Id, lastSeq: Seq })),
});
export const ReadReceiptFrame = Type.Object({
  type: Type.Literal('read'),
  conversationId: Id,
  reader: SenderKind,
  seq: Seq,
});
export const TypingEventFrame = Type.Object({
  type: Type.Literal('typing'),
  conversationId: Id,
  sender: SenderKind,
  state: Type.Union([Type.Literal('start'), Type.Literal('stop')]),
});
export const PongFrame = Type.Object({ type: Type.Literal('pong'), nonce: Type.Optional(Type.String()) });
/** A refused frame. The socket stays open unless `fatal`. `ref` is the clientId of a refused send, if any. */
export const ErrorFrame = Type.Object({
  type: Type.Literal('error'),
  code: Type.String(),
  message: Type.String(),
  ref: Type.Optional(Type.String()),
  fatal: Type.Optional(Type.Boolean()),
});
/** The businesses whose inbox this socket now follows. */
export const InboxJoinedFrame = Type.Object({ type: Type.Literal('inbox.joined'), businessIds: Type.Array(Id), available: Type.Boolean() });
/**
 * A conversation entered the inbox or changed (assigned, status, resolved, given back, a new
 * message). `unread`/`readSeq` in this frame are the assignee's (0/handover position when
 * unassigned); the console keeps its own from `message` frames and its reads.
 */
export const InboxEventFrame = Type.Object({ type: Type.Literal('inbox'), conversation: InboxConversation });
/** An internal note was added: to the business's console sockets only, never to the person. */
export const NoteFrame = Type.Object({ type: Type.Literal('note'), businessId: Id, note: Note });
/** A reveal request changed (asked, approved with its value, declined, failed): console sockets only. */
export const RevealFrame = Type.Object({ type: Type.Literal('reveal'), businessId: Id, reveal: RevealRequest });
/** A bank's notice to everyone who follows it (notices.ts): the same frame, serialized once, to every follower's sockets. */
export const NoticeFrame = Type.Object({ type: Type.Literal('notice'), notice: Notice });
export const ServerFrame = Type.Union([
  InboxJoinedFrame,
  InboxEventFrame,
  NoteFrame,
  RevealFrame,
  HelloFrame,
  AckFrame,
  MessageFrame,
  ResumedFrame,
  ReadReceiptFrame,
  TypingEventFrame,
  PongFrame,
  ErrorFrame,
  NoticeFrame,
]);
export type ServerFrame = Static<typeof ServerFrame>;
export type ErrorFrame = Static<typeof ErrorFrame>;
