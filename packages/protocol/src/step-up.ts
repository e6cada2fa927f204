import { Type, type Static } from '@sinclair/typebox';
import { maxPayloadLength, maxPostbackTitleLength } from './content';
import { WebAuthnResponse } from './identity';
import { ClientId, Id, Seq } from './schema';

/**
 * Step-up: the person proves with their own passkey, right now, that they themself chose a
 * sensitive answer (lock my card, unlock it, "this was not me"), and Parley hands the bank a
 * proof it can check without trusting the network in between — a JWS signed by Parley's
 * `step-up` key, published at `/.well-known/jwks.json`. See docs/step-up.md.
 */

const strict = { additionalProperties: false } as const;

/** The JWS header `typ` of a step-up proof; verifiers must require it (so no other Parley JWS passes as one). */
export const stepUpProofType = 'parley-step-up+jwt';
/** How long a proof is valid after it was made, in seconds. */
export const stepUpProofTtlSeconds = 300;

const AlertId = Type.String({ minLength: 1, maxLength: 128, examples: ['alr_01JD3Y5C9Q8WZK2QX7RVTB0M4S'] });
const ActionId = Type.String({ minLength: 1, maxLength: 64, examples: ['lock_card'] });

/** Answering an alert with one of its actions (an action whose `requiresStepUp` is true). */
export const StepUpForAlert = Type.Object({ kind: Type.Literal('alert'), alertId: AlertId, actionId: ActionId }, strict);
/** Tapping a postback button (or quick reply) with `requiresStepUp`: the message (`seq`) that offered it and its payload. */
export const StepUpForPostback = Type.Object(
  { kind: Type.Literal('postback'), conversationId: Id, seq: Seq, payload: Type.String({ minLength: 1, maxLength: maxPayloadLength }) },
  strict,
);
/** What a step-up proof is about. The WebAuthn challenge is bound to it: an assertion made for one answer proves no other. */
export const StepUpFor = Type.Union([StepUpForAlert, StepUpForPostback]);
export type StepUpFor = Static<typeof StepUpFor>;

/** `POST /v1/step-up/options`: ask for a passkey prompt bound to one answer. */
export const StepUpOptionsBody = Type.Object(
  { for: StepUpFor },
  { ...strict, examples: [{ for: { kind: 'alert', alertId: 'alr_01JD3Y5C9Q8WZK2QX7RVTB0M4S', actionId: 'lock_card' } }] },
);
export type StepUpOptionsBody = Static<typeof StepUpOptionsBody>;

const ChallengeId = Type.String({ minLength: 16, maxLength: 64 });

/**
 * The passkey prompt: `publicKey` is SimpleWebAuthn's PublicKeyCredentialRequestOptionsJSON
 * (pass it to `startAuthentication({ optionsJSON })`), listing only the person's own passkeys
 * and requiring user verification; `challengeId` goes back with the answer. Valid 5 minutes, once.
 */
export const StepUpOptions = Type.Object({
  challengeId: ChallengeId,
  publicKey: Type.Record(Type.String(), Type.Unknown()),
});
export type StepUpOptions = Static<typeof StepUpOptions>;

/** What the web app sends with a step-up answer: the challenge's id and the authenticator's assertion (AuthenticationResponseJSON). */
export const StepUpAssertion = Type.Object({ challengeId: ChallengeId, response: WebAuthnResponse }, strict);
export type StepUpAssertion = Static<typeof StepUpAssertion>;

/**
 * `POST /v1/conversations/:conversationId/postbacks`: the person taps a postback button or quick
 * reply of message `seq`. For a choice with `requiresStepUp`, `stepUp` carries the passkey
 * assertion made for `{kind:'postback', conversationId, seq, payload}`; the `postback` webhook
 * then carries the proof. Answers with a SendAck, like a send.
 */
export const SendPostbackBody = Type.Object(
  {
    clientId: ClientId,
    title: Type.String({ minLength: 1, maxLength: maxPostbackTitleLength }),
    payload: Type.String({ minLength: 1, maxLength: maxPayloadLength }),
    seq: Seq,
    stepUp: Type.Optional(StepUpAssertion),
  },
  {
    ...strict,
    examples: [
      {
        clientId: 'tap-01JD3Y5C9Q8WZK2QX7RVTB0M4S',
        title: 'Unlock card',
        payload: 'UNLOCK_CARD',
        seq: 7,
        stepUp: {
          challengeId: 'c8Jr3kq0mX1uQv7bT2yWnA',
          response: {
            id: 'Kd2Y8sVq1w9v3Pz0bQ4mHg',
            rawId: 'Kd2Y8sVq1w9v3Pz0bQ4mHg',
            type: 'public-key',
            response: { clientDataJSON: 'eyJ0eXBlIjoid2ViYXV0aG4uZ2V0Ii…', authenticatorData: 'SZYN5YgOjGh0NBcPZHZgW4_krrmihjLHmVzzuoMdl2MFAAAABQ', signature: 'MEUCIQ…' },
            clientExtensionResults: {},
          },
        },
      },
    ],
  },
);
export type SendPostbackBody = Static<typeof SendPostbackBody>;

/** `kind` → what `ref` and `act` name in a proof. */
export type StepUpKind = StepUpFor['kind'];

/**
 * The payload of a step-up proof (a compact JWS, header `{alg:'ES256', typ:'parley-step-up+jwt', kid}`).
 *
 * - `iss` Parley's public URL origin (PUBLIC_URL), `aud` the business id the proof is for,
 *   `sub` the person's BSID at that business — never Parley's global person id.
 * - `jti` unique per proof: a bank keeps it until `exp` and refuses it a second time.
 * - `iat`/`exp` seconds; `exp` = `iat` + 300.
 * - `uv` true when the authenticator verified the person (biometric or PIN), not mere presence.
 * - The binding: `kind`, `ref` (the alert id; `<conversationId>:<seq>` for a postback) and
 *   `act` (the action id; the postback payload).
 */
export const StepUpProofClaims = Type.Object({
  iss: Type.String(),
  sub: Type.String(),
  aud: Type.String(),
  jti: Type.String(),
  iat: Type.Integer(),
  exp: Type.Integer(),
  uv: Type.Boolean(),
  kind: Type.Union([Type.Literal('alert'), Type.Literal('postback')]),
  ref: Type.String(),
  act: Type.String(),
});
export type StepUpProofClaims = Static<typeof StepUpProofClaims>;

/** The `ref` and `act` claims a proof about `target` carries. */
export function stepUpBinding(target: StepUpFor): { kind: StepUpKind; ref: string; act: string } {
  return target.kind === 'alert'
    ? { kind: 'alert', ref: target.alertId, act: target.actionId }
    : { kind: 'postback', ref: `${target.conversationId}:${target.seq}`, act: target.payload };
}
