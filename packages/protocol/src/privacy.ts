import { Type, type Static } from '@sinclair/typebox';
import { Id, Timestamp } from './schema';

/** What kind of financial data an access reads. Closed: a consent grants some of these. */
export const dataCategories = ['balances', 'transactions', 'account_details'] as const;
export type DataCategory = (typeof dataCategories)[number];
export const DataCategory = Type.Union(dataCategories.map((category) => Type.Literal(category)));

/**
 * The only purposes for which Parley reads financial data. Nothing for advertising, profiling,
 * analytics or sharing exists; a request naming any other purpose is refused and logged.
 */
export const accessPurposes = ['show_to_user', 'deliver_alert', 'support_context'] as const;
export type AccessPurpose = (typeof accessPurposes)[number];
export const AccessPurpose = Type.Union(accessPurposes.map((purpose) => Type.Literal(purpose)));

/** Who asked: the person, the bank's bot, a bank agent (`agent:<id>`) or Parley itself. */
export const AccessActor = Type.String({ pattern: '^(person|bank-bot|system|agent:[A-Za-z0-9_-]{1,64})$', examples: ['person', 'agent:3f1c2b1e'] });
export type AccessActor = Static<typeof AccessActor>;

export const AccessOutcome = Type.Union([Type.Literal('allowed'), Type.Literal('refused')]);
export type AccessOutcome = Static<typeof AccessOutcome>;

/** A purpose as it was asked for: one of `accessPurposes`, or the refused word itself. */
const RequestedPurpose = Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9_:.-]+$', examples: ['show_to_user', 'advertising'] });

/** One read (or refused read) of a person's financial data, as the person sees it in the Privacy Center. */
export const AccessLogEntry = Type.Object({
  /** Position in this person's chain; 1 is the first access ever logged for them. */
  seq: Type.Integer({ minimum: 1 }),
  at: Timestamp,
  actor: AccessActor,
  institution: Type.Object({ id: Type.String(), name: Type.String() }),
  accountId: Type.Union([Type.String(), Type.Null()]),
  category: DataCategory,
  purpose: RequestedPurpose,
  outcome: AccessOutcome,
  /** Why it was refused; null when allowed. */
  reason: Type.Union([Type.String(), Type.Null()]),
  /** SHA-256 (hex) over this entry and the previous entry's hash. */
  hash: Type.String({ pattern: '^[0-9a-f]{64}$' }),
});
export type AccessLogEntry = Static<typeof AccessLogEntry>;

export const AccessLogQuery = Type.Object(
  {
    category: Type.Optional(DataCategory),
    purpose: Type.Optional(RequestedPurpose),
    outcome: Type.Optional(AccessOutcome),
    /** Entries at or after this time (ms since the epoch). */
    from: Type.Optional(Timestamp),
    /** Entries before this time (ms since the epoch). */
    to: Type.Optional(Timestamp),
    /** Entries with seq strictly below this; from `nextBefore` of the previous page. */
    before: Type.Optional(Type.Integer({ minimum: 1 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);
export type AccessLogQuery = Static<typeof AccessLogQuery>;

/** Newest first. `nextBefore` is null on the last page. */
export const AccessLogPage = Type.Object({ entries: Type.Array(AccessLogEntry), nextBefore: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]) });
export type AccessLogPage = Static<typeof AccessLogPage>;

export const ReceiptKind = Type.Union([Type.Literal('consent'), Type.Literal('revocation')]);
export type ReceiptKind = Static<typeof ReceiptKind>;

const Institution = Type.Object({ id: Type.String(), name: Type.String() });

export const ReceiptSummary = Type.Object({
  id: Id,
  kind: ReceiptKind,
  consentId: Type.String(),
  institution: Institution,
  createdAt: Timestamp,
});
export type ReceiptSummary = Static<typeof ReceiptSummary>;
export const ReceiptList = Type.Object({ receipts: Type.Array(ReceiptSummary) });
export type ReceiptList = Static<typeof ReceiptList>;

/** A receipt with its compact JWS, signed by Parley; verify it against `/.well-known/jwks.json`. */
export const Receipt = Type.Object({
  ...ReceiptSummary.properties,
  jws: Type.String({ examples: ['eyJhbGciOiJFUzI1NiIsImtpZCI6Ii4uLiIsInR5cCI6ImNvbnNlbnQtcmVjZWlwdCtqd3QifQ.eyJ…'] }),
});
export type Receipt = Static<typeof Receipt>;
export const ReceiptParams = Type.Object({ receiptId: Id });

/** The promises every consent receipt states, as claims a verifier can check. */
export const ReceiptPromises = Type.Object({
  advertising: Type.Literal(false),
  thirdPartySharing: Type.Literal(false),
  purposes: Type.Array(AccessPurpose),
});
export type ReceiptPromises = Static<typeof ReceiptPromises>;

/** A public signing key, as RFC 7517 has it. */
export const PublicJwk = Type.Object(
  { kty: Type.String(), kid: Type.String(), alg: Type.String(), use: Type.Literal('sig') },
  { additionalProperties: true },
);
export const Jwks = Type.Object(
  { keys: Type.Array(PublicJwk) },
  { examples: [{ keys: [{ kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0', kid: 'r-2026-11-22-1', alg: 'ES256', use: 'sig' }] }] },
);
export type Jwks = Static<typeof Jwks>;
