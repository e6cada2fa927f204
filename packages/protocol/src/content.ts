import { Type, type Static } from '@sinclair/typebox';

/** Largest text a message may carry, in characters. */
export const maxTextLength = 4000;

export const TextContent = Type.Object(
  { contentType: Type.Literal('text'), text: Type.String({ minLength: 1, maxLength: maxTextLength }) },
  { additionalProperties: false },
);

/**
 * What a message carries, discriminated by `contentType` so clients render by type
 * (and so sealed, platform-blind payloads can be added later without a rewrite).
 */
export const MessageContent = Type.Union([TextContent]);
export type MessageContent = Static<typeof MessageContent>;
