import { Type, type Static } from '@sinclair/typebox';
import { Id, Timestamp } from './schema';

const Email = Type.String({ format: 'email', maxLength: 254, examples: ['alice@example.com'] });
const Password = Type.String({ minLength: 1, maxLength: 256 });
const DisplayName = Type.String({ minLength: 1, maxLength: 80, examples: ['Alice'] });

export const PasswordSignUpBody = Type.Object(
  { email: Email, password: Password, displayName: DisplayName },
  { additionalProperties: false },
);
export type PasswordSignUpBody = Static<typeof PasswordSignUpBody>;

export const PasswordSignInBody = Type.Object({ email: Email, password: Password }, { additionalProperties: false });
export type PasswordSignInBody = Static<typeof PasswordSignInBody>;

/** Start a passkey sign-up: who the new person is. */
export const PasskeySignUpOptionsBody = Type.Object(
  { displayName: DisplayName, email: Type.Optional(Email) },
  { additionalProperties: false },
);
export type PasskeySignUpOptionsBody = Static<typeof PasskeySignUpOptionsBody>;

/**
 * Options for `navigator.credentials.create/get` as SimpleWebAuthn makes them, plus the
 * id of the server-side challenge to send back with the answer.
 */
export const PasskeyOptionsReply = Type.Object({
  challengeId: Type.String({ minLength: 16, maxLength: 64 }),
  options: Type.Record(Type.String(), Type.Unknown()),
});
export type PasskeyOptionsReply = Static<typeof PasskeyOptionsReply>;

const Base64Url = Type.String({ maxLength: 16384, pattern: '^[A-Za-z0-9_-]*={0,2}$' });

/**
 * The authenticator's answer inside a WebAuthn response: `attestationObject` for a
 * registration, `authenticatorData` + `signature` (+ `userHandle`) for an assertion.
 * Other fields browsers add are allowed and ignored.
 */
export const WebAuthnAnswer = Type.Object({
  clientDataJSON: Base64Url,
  attestationObject: Type.Optional(Base64Url),
  authenticatorData: Type.Optional(Base64Url),
  signature: Type.Optional(Base64Url),
  userHandle: Type.Optional(Base64Url),
  transports: Type.Optional(Type.Array(Type.String({ maxLength: 32 }), { maxItems: 16 })),
});

/** A WebAuthn response as JSON (SimpleWebAuthn's RegistrationResponseJSON / AuthenticationResponseJSON). */
export const WebAuthnResponse = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 1024 }),
    rawId: Type.String({ minLength: 1, maxLength: 1024 }),
    type: Type.Literal('public-key'),
    response: WebAuthnAnswer,
    clientExtensionResults: Type.Record(Type.String(), Type.Unknown()),
    authenticatorAttachment: Type.Optional(Type.String({ maxLength: 32 })),
  },
  { additionalProperties: false },
);

export const PasskeyVerifyBody = Type.Object(
  { challengeId: Type.String({ minLength: 16, maxLength: 64 }), response: WebAuthnResponse, name: Type.Optional(Type.String({ maxLength: 80 })) },
  {
    additionalProperties: false,
    examples: [
      {
        challengeId: 'c8Jr3kq0mX1uQv7bT2yWnA',
        name: 'My phone',
        response: {
          id: 'Kd2Y8sVq1w9v3Pz0bQ4mHg',
          rawId: 'Kd2Y8sVq1w9v3Pz0bQ4mHg',
          type: 'public-key',
          response: { clientDataJSON: 'eyJ0eXBlIjoid2ViYXV0aG4uZ2V0Ii…', authenticatorData: 'SZYN5YgOjGh0NBcPZHZgW4_krrmihjLHmVzzuoMdl2MFAAAAAQ', signature: 'MEUCIQ…' },
          clientExtensionResults: {},
          authenticatorAttachment: 'platform',
        },
      },
    ],
  },
);
export type PasskeyVerifyBody = Static<typeof PasskeyVerifyBody>;

export const Me = Type.Object(
  {
    id: Id,
    displayName: Type.String(),
    email: Type.Union([Type.String(), Type.Null()]),
    hasPassword: Type.Boolean(),
    passkeys: Type.Array(
      Type.Object({ id: Type.String(), name: Type.String(), createdAt: Timestamp, lastUsedAt: Type.Union([Timestamp, Type.Null()]) }),
    ),
    /** Send this back in the `X-CSRF-Token` header on every unsafe request. */
    csrfToken: Type.String(),
  },
  { $id: 'Me' },
);
export type Me = Static<typeof Me>;

export const SessionView = Type.Object({
  /** Opaque; names the session for `DELETE /v1/sessions/:id` and is no credential. */
  id: Type.String(),
  /** The session this request came with. */
  current: Type.Boolean(),
  createdAt: Timestamp,
  lastSeenAt: Timestamp,
  /** When it ends unless used again: 30 idle minutes after lastSeenAt, at most 12 h after sign-in. */
  expiresAt: Timestamp,
  userAgent: Type.Union([Type.String(), Type.Null()]),
});
export type SessionView = Static<typeof SessionView>;
export const SessionList = Type.Object({ sessions: Type.Array(SessionView) });
export type SessionList = Static<typeof SessionList>;

/** A short-lived, single-use ticket for a non-browser client's WebSocket upgrade (`Authorization: Bearer <ticket>`). */
export const WsTicket = Type.Object({ ticket: Type.String(), expiresAt: Timestamp });
export type WsTicket = Static<typeof WsTicket>;

/** Path parameters of `DELETE /v1/sessions/:id` (an id from SessionList). */
export const SessionIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) });
export type SessionIdParams = Static<typeof SessionIdParams>;

/** Path parameters of `DELETE /v1/me/passkeys/:id` (an id from `Me.passkeys`). */
export const PasskeyIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 1024 }) });
export type PasskeyIdParams = Static<typeof PasskeyIdParams>;
