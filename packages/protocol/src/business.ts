import { Type, type Static } from '@sinclair/typebox';
import { Business } from './messaging';
import { Id, Timestamp } from './schema';

/**
 * What a member may do in a business: an `owner` manages members and keys, a `developer`
 * manages keys and reads the member list, an `agent` answers conversations.
 */
export const businessRoles = ['owner', 'developer', 'agent'] as const;
export const BusinessRole = Type.Union([Type.Literal('owner'), Type.Literal('developer'), Type.Literal('agent')]);
export type BusinessRole = Static<typeof BusinessRole>;

/** What an API key may do. A key holds only the scopes it was made with. */
export const apiKeyScopes = ['messages:send', 'alerts:send', 'notices:send', 'webhooks:manage'] as const;
export const ApiKeyScope = Type.Union([Type.Literal('messages:send'), Type.Literal('alerts:send'), Type.Literal('notices:send'), Type.Literal('webhooks:manage')]);
export type ApiKeyScope = Static<typeof ApiKeyScope>;

/** A bank-scoped id: how a business names a person. It means nothing to any other business. */
export const Bsid = Type.String({ minLength: 6, maxLength: 64, pattern: '^bsid_[A-Za-z0-9_-]+$', examples: ['bsid_q3xV0cH8m1bB5nS2LwT9yKfA4pE'] });

export const BusinessSlug = Type.String({
  minLength: 1,
  maxLength: 48,
  pattern: '^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$',
  examples: ['sandbox-bank'],
});
const BusinessName = Type.String({ minLength: 1, maxLength: 80, examples: ['Sandbox Bank'] });
const KeyName = Type.String({ minLength: 1, maxLength: 80, examples: ['Production bot'] });
const Email = Type.String({ format: 'email', maxLength: 254, examples: ['dev@sandbox-bank.example'] });

/** Operator: make a business. Without `slug`, one is made from the name. */
export const CreateBusinessBody = Type.Object(
  { name: BusinessName, slug: Type.Optional(BusinessSlug), greeting: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })) },
  { additionalProperties: false },
);
export type CreateBusinessBody = Static<typeof CreateBusinessBody>;

export const BusinessParams = Type.Object({ businessId: Id });
export const MemberParams = Type.Object({ businessId: Id, memberId: Id });
export const ApiKeyParams = Type.Object({ businessId: Id, keyId: Id });
export const BsidParams = Type.Object({ bsid: Bsid });

export const Member = Type.Object({
  /** The membership's id (not the person's): use it to remove the member. */
  id: Id,
  email: Type.Union([Type.String(), Type.Null()]),
  displayName: Type.String(),
  role: BusinessRole,
  addedAt: Timestamp,
});
export type Member = Static<typeof Member>;
export const MemberList = Type.Object({ members: Type.Array(Member) });
export type MemberList = Static<typeof MemberList>;

/** Add an existing Parley account to the business by its email. */
export const AddMemberBody = Type.Object({ email: Email, role: BusinessRole }, { additionalProperties: false });
export type AddMemberBody = Static<typeof AddMemberBody>;

/**
 * The businesses the signed-in person belongs to, with their role and their own member id in each
 * (the id the inbox's assignees, agents and notes name them by).
 */
export const MembershipList = Type.Object({ memberships: Type.Array(Type.Object({ business: Business, role: BusinessRole, memberId: Id })) });
export type MembershipList = Static<typeof MembershipList>;

/** An API key as listings show it: never its secret. */
export const ApiKey = Type.Object({
  id: Id,
  name: Type.String(),
  /** The visible start of the key (`pk_<prefix>_…`), to tell keys apart. */
  prefix: Type.String({ examples: ['pk_3f9a0c1b2d4e'] }),
  scopes: Type.Array(ApiKeyScope),
  createdAt: Timestamp,
  lastUsedAt: Type.Union([Timestamp, Type.Null()]),
  revokedAt: Type.Union([Timestamp, Type.Null()]),
});
export type ApiKey = Static<typeof ApiKey>;
export const ApiKeyList = Type.Object({ keys: Type.Array(ApiKey) });
export type ApiKeyList = Static<typeof ApiKeyList>;

export const CreateApiKeyBody = Type.Object(
  { name: KeyName, scopes: Type.Array(ApiKeyScope, { minItems: 1, maxItems: apiKeyScopes.length, uniqueItems: true }) },
  { additionalProperties: false },
);
export type CreateApiKeyBody = Static<typeof CreateApiKeyBody>;

/** A new key with its secret. The secret is shown this once; Parley keeps only its hash. */
export const CreatedApiKey = Type.Object({
  key: ApiKey,
  secret: Type.String({ examples: ['pk_3f9a0c1b2d4e_Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5'] }),
});
export type CreatedApiKey = Static<typeof CreatedApiKey>;

/** What a business may know about a person it has a BSID for. */
export const BsidView = Type.Object({ bsid: Bsid, conversationId: Type.Union([Id, Type.Null()]) });
export type BsidView = Static<typeof BsidView>;
