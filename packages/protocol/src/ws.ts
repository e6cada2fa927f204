import { Type, type Static } from '@sinclair/typebox';
import { PersonContent } from './content';
import { Message, SenderKind } from './messaging';
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
export const ClientFrame = Type.Union([SendFrame, ResumeFrame, ReadFrame, TypingFrame, PingFrame]);
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
export const ServerFrame = Type.Union([
  HelloFrame,
  AckFrame,
  MessageFrame,
  ResumedFrame,
  ReadReceiptFrame,
  TypingEventFrame,
  PongFrame,
  ErrorFrame,
]);
export type ServerFrame = Static<typeof ServerFrame>;
export type ErrorFrame = Static<typeof ErrorFrame>;
