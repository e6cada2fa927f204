import { Type, type Static } from '@sinclair/typebox';
import { MessageContent } from './content';
import { Message, SenderKind } from './messaging';
import { ClientId, Id, Seq, Timestamp } from './schema';

/** Largest WebSocket frame the server accepts, in bytes. */
export const maxFrameBytes = 16 * 1024;

// ---- client → server ----

export const SendFrame = Type.Object(
  { type: Type.Literal('send'), clientId: ClientId, conversationId: Id, content: MessageContent },
  { additionalProperties: false },
);
/** After a (re)connect: the last seq the client holds per conversation; the server replays what is missing, in order. */
export const ResumeFrame = Type.Object(
  {
    type: Type.Literal('resume'),
    conversations: Type.Array(Type.Object({ conversationId: Id, lastSeq: Seq }, { additionalProperties: false }), { maxItems: 500 }),
  },
  { additionalProperties: false },
);
export const ReadFrame = Type.Object(
  { type: Type.Literal('read'), conversationId: Id, seq: Seq },
  { additionalProperties: false },
);
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
/** The send with this clientId is durably stored as `seq`. A resend of the same clientId gets the same ack. */
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
