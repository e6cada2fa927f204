import { Type, type Static } from '@sinclair/typebox';
import { BusinessRole } from './business';
import { QuickRepliesContent } from './content';
import { InboxMember } from './inbox';
import { Business } from './messaging';
import { Id, Timestamp } from './schema';

/**
 * The agent console's settings side (docs/console.md): canned responses, the business profile
 * and inbox settings, and invites. The inbox itself is in inbox.ts.
 */

const strict = { additionalProperties: false } as const;

/** A saved reply; typing `/shortcut` in the composer fills it in. */
export const CannedResponse = Type.Object({
  id: Id,
  shortcut: Type.String(),
  text: Type.String(),
  quickReplies: Type.Optional(QuickRepliesContent.properties.quickReplies),
  updatedAt: Timestamp,
});
export type CannedResponse = Static<typeof CannedResponse>;
export const CannedResponseList = Type.Object({ responses: Type.Array(CannedResponse) });
export type CannedResponseList = Static<typeof CannedResponseList>;
export const CannedResponseParams = Type.Object({ businessId: Id, cannedId: Id });
/** Shortcuts are unique per business (409 ERR_CONFLICT otherwise). */
export const CannedResponseBody = Type.Object(
  {
    shortcut: Type.String({ minLength: 1, maxLength: 32, pattern: '^[a-z0-9][a-z0-9_-]*$' }),
    text: Type.String({ minLength: 1, maxLength: 4000 }),
    quickReplies: Type.Optional(QuickRepliesContent.properties.quickReplies),
  },
  { ...strict, examples: [{ shortcut: 'card-locked', text: 'Your card is locked. Anything else I can do?' }] },
);
export type CannedResponseBody = Static<typeof CannedResponseBody>;
export const UpdateCannedResponseBody = Type.Partial(CannedResponseBody, strict);
export type UpdateCannedResponseBody = Static<typeof UpdateCannedResponseBody>;

/** The business as its owner edits it. `logoUrl` is https (or local http in development). */
export const BusinessSettings = Type.Object({
  name: Type.String(),
  greeting: Type.Union([Type.String(), Type.Null()]),
  logoUrl: Type.Union([Type.String(), Type.Null()]),
  /** Round-robin assignment of handed-over conversations among online agents. */
  autoAssign: Type.Boolean(),
  /** Most unresolved conversations auto-assignment gives one agent (manual assignment ignores it). */
  maxPerAgent: Type.Integer({ minimum: 1, maximum: 100 }),
});
export type BusinessSettings = Static<typeof BusinessSettings>;
export const UpdateBusinessSettingsBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 80 })),
    greeting: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 1000 }), Type.Null()])),
    logoUrl: Type.Optional(Type.Union([Type.String({ maxLength: 2048, pattern: '^(https://[^\\s/?#]+[^\\s]*|http://(localhost|127\\.0\\.0\\.1)(:[0-9]{1,5})?([/?#][^\\s]*)?)$' }), Type.Null()])),
    autoAssign: Type.Optional(Type.Boolean()),
    maxPerAgent: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  },
  { ...strict, examples: [{ greeting: 'Hi! How can we help?', maxPerAgent: 5 }] },
);
export type UpdateBusinessSettingsBody = Static<typeof UpdateBusinessSettingsBody>;

/** A one-time invite link (its token is never listed again). */
export const Invite = Type.Object({
  id: Id,
  role: BusinessRole,
  createdBy: InboxMember,
  createdAt: Timestamp,
  expiresAt: Timestamp,
});
export type Invite = Static<typeof Invite>;
export const InviteList = Type.Object({ invites: Type.Array(Invite) });
export type InviteList = Static<typeof InviteList>;
export const InviteParams = Type.Object({ businessId: Id, inviteId: Id });
export const CreateInviteBody = Type.Object({ role: BusinessRole }, { ...strict, examples: [{ role: 'agent' }] });
export type CreateInviteBody = Static<typeof CreateInviteBody>;
/**
 * The invite with its token, shown this once (Parley keeps a hash). `url` is
 * `<PUBLIC_URL>/console/invite#<token>`: the fragment never reaches a server log. Valid 7 days, one use.
 */
export const CreatedInvite = Type.Object({ invite: Invite, token: Type.String(), url: Type.String() });
export type CreatedInvite = Static<typeof CreatedInvite>;
/** The token travels in the body, not the URL. An unknown, used, revoked or expired one is 410 ERR_INVITE_INVALID. */
export const InviteTokenBody = Type.Object(
  // The length lives in the pattern (not minLength/maxLength), so generators of matching strings meet it.
  { token: Type.String({ pattern: '^inv_[A-Za-z0-9_-]{16,124}$' }) },
  { ...strict, examples: [{ token: 'inv_Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5' }] },
);
export type InviteTokenBody = Static<typeof InviteTokenBody>;
/** What an invite offers, before accepting it. */
export const InvitePreview = Type.Object({ businessId: Id, businessName: Type.String(), role: BusinessRole, expiresAt: Timestamp });
export type InvitePreview = Static<typeof InvitePreview>;
/** Accepting an invite: the membership the person now holds. */
export const AcceptedInvite = Type.Object({ business: Business, role: BusinessRole });
export type AcceptedInvite = Static<typeof AcceptedInvite>;
