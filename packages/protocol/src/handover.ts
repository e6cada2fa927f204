import { Type, type Static } from '@sinclair/typebox';
import { Id } from './schema';
import { ThreadOwner } from './webhooks';

/** Free text the side passing or taking a thread leaves for the other (why, a summary). */
const HandoverMetadata = Type.String({ maxLength: 1000, examples: ['Card dispute: the person wants to talk to someone.'] });

export const HandoverParams = Type.Object({ conversationId: Id });
export type HandoverParams = Static<typeof HandoverParams>;

/** `POST /v1/conversations/:conversationId/pass-thread-control`: the bot hands the thread to the human inbox. */
export const PassThreadControlBody = Type.Object(
  { to: Type.Literal('inbox'), metadata: Type.Optional(HandoverMetadata) },
  { additionalProperties: false, examples: [{ to: 'inbox', metadata: 'Card dispute: the person asked for an agent.' }] },
);
export type PassThreadControlBody = Static<typeof PassThreadControlBody>;

/** `take-thread-control` (the inbox takes the thread) and `return-thread-control` (back to the bot). */
export const ThreadControlBody = Type.Object(
  { metadata: Type.Optional(HandoverMetadata) },
  { additionalProperties: false, examples: [{ metadata: 'Dispute filed; nothing left for an agent.' }] },
);
export type ThreadControlBody = Static<typeof ThreadControlBody>;

/** Who owns the conversation's thread after the change. */
export const ThreadControl = Type.Object(
  { conversationId: Id, owner: ThreadOwner },
  { examples: [{ conversationId: '3f1c2b1e-8a9d-4c51-9b7e-3c2d1f0a9b8c', owner: 'inbox' }] },
);
export type ThreadControl = Static<typeof ThreadControl>;
