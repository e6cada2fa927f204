import { Type, type Static } from '@sinclair/typebox';
import { NoticeFollow } from './notices';
import { AccessLogEntry, Receipt } from './privacy';
import { AlertBusinessPreferences } from './alerts';
import { Consent } from './banking';
import { PushDevice } from './push';
import { Id, Timestamp } from './schema';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);
const BusinessRef = Type.Object({ id: Id, slug: Type.String(), name: Type.String() });

/**
 * Everything Parley holds about the signed-in person, as `GET /v1/account/export` downloads it.
 * Nothing secret: no session token or its hash, no CSRF token, no password hash, no passkey
 * public key, no bank token, no data key. Nothing of another person.
 */
export const AccountExport = Type.Object({
  format: Type.Literal('parley-account-export/v1'),
  exportedAt: Timestamp,
  profile: Type.Object({
    id: Id,
    email: Nullable(Type.String()),
    displayName: Type.String(),
    createdAt: Timestamp,
    /** Whether a password is set (the hash itself is never exported). */
    hasPassword: Type.Boolean(),
  }),
  passkeys: Type.Array(
    Type.Object({ id: Type.String(), name: Type.String(), deviceType: Type.String(), backedUp: Type.Boolean(), createdAt: Timestamp, lastUsedAt: Nullable(Timestamp) }),
  ),
  /** Live and ended-but-not-yet-purged sessions; no token or id. */
  sessions: Type.Array(Type.Object({ current: Type.Boolean(), createdAt: Timestamp, lastSeenAt: Timestamp, expiresAt: Timestamp, userAgent: Nullable(Type.String()) })),
  conversations: Type.Array(
    Type.Object({
      id: Id,
      business: BusinessRef,
      createdAt: Timestamp,
      lastMessageAt: Timestamp,
      messages: Type.Array(Type.Object({ seq: Type.Integer(), sender: Type.String(), contentType: Type.String(), content: Type.Unknown(), createdAt: Timestamp })),
    }),
  ),
  /** Which business (bank) knows me by which business-scoped id. */
  bsids: Type.Array(Type.Object({ business: BusinessRef, bsid: Type.String(), createdAt: Timestamp })),
  /**
   * What I answered to a bank's agents: reveal requests with my decision (not the revealed value)
   * and my 1–5 ratings. Agents' internal notes are the bank's working notes and are not included.
   */
  supportAnswers: Type.Object({
    reveals: Type.Array(Type.Object({ business: BusinessRef, conversationId: Id, field: Type.String(), status: Type.String(), requestedAt: Timestamp, decidedAt: Nullable(Timestamp) })),
    ratings: Type.Array(Type.Object({ business: BusinessRef, conversationId: Id, rating: Type.Integer({ minimum: 1, maximum: 5 }), ratedAt: Timestamp })),
  }),
  /** Devices that get notifications (name and dates; never the push endpoint or keys). */
  pushDevices: Type.Array(PushDevice),
  businessMemberships: Type.Array(Type.Object({ business: BusinessRef, role: Type.String(), createdAt: Timestamp })),
  consents: Type.Array(Consent),
  receipts: Type.Array(Receipt),
  accessLog: Type.Object({
    /** Oldest first. */
    entries: Type.Array(AccessLogEntry),
    /** The hash chain checked at export time: intact, or the first entry that breaks it. */
    chain: Type.Object({ intact: Type.Boolean(), entries: Type.Integer({ minimum: 0 }), problem: Nullable(Type.String()) }),
  }),
  /** My alert switches, per bank and kind (the alerts themselves and my answers are messages in `conversations`). */
  alertSettings: Type.Array(AlertBusinessPreferences),
  /** Which banks' notices I follow, and since when (the notices are the bank's words to all its followers, not mine). */
  noticeFollows: Type.Array(NoticeFollow),
});
export type AccountExport = Static<typeof AccountExport>;

/** The words the person types to confirm; anything else is refused (ERR_VALIDATION). */
export const accountDeletionPhrase = 'delete my account';

export const DeleteAccountBody = Type.Object(
  { confirm: Type.Literal(accountDeletionPhrase) },
  { additionalProperties: false, examples: [{ confirm: accountDeletionPhrase }] },
);
export type DeleteAccountBody = Static<typeof DeleteAccountBody>;

/** What a deletion did. */
export const AccountDeleted = Type.Object(
  {
    deleted: Type.Literal(true),
    /** Consents that were active and were revoked at their bank. */
    consentsRevoked: Type.Integer({ minimum: 0 }),
    /** Data keys destroyed by the final shredding: the person's, and any consent key not already destroyed when its consent was revoked. */
    dataKeysDestroyed: Type.Integer({ minimum: 0 }),
    /** True when copies of the database taken before cannot decrypt them either (key-file mode); see docs/privacy.md. */
    backupsUnreadable: Type.Boolean(),
  },
  { examples: [{ deleted: true, consentsRevoked: 1, dataKeysDestroyed: 2, backupsUnreadable: true }] },
);
export type AccountDeleted = Static<typeof AccountDeleted>;
