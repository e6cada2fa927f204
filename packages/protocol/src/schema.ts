import { Type } from '@sinclair/typebox';

/** A UUID as Parley makes them for people, businesses and conversations. */
export const Id = Type.String({ format: 'uuid', examples: ['3f1c2b1e-8a9d-4c51-9b7e-3c2d1f0a9b8c'] });
/** Milliseconds since the Unix epoch. */
export const Timestamp = Type.Integer({ minimum: 0, examples: [1795000000000] });
/** A per-conversation sequence number; the first message of a conversation is 1. */
export const Seq = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
/** An id the client makes for a message it sends, so a resend stores nothing new. */
export const ClientId = Type.String({ minLength: 8, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });

export const ErrorBody = Type.Object(
  { error: Type.Object({ code: Type.String(), message: Type.String() }) },
  { $id: 'ErrorBody', examples: [{ error: { code: 'ERR_NOT_FOUND', message: 'There is nothing here, or it is not yours.' } }] },
);
