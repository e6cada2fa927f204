import { Type, type Static } from '@sinclair/typebox';
import { Bsid } from './business';
import { AlertActionId, AlertActions, AlertFacts, AlertKind, alertKinds, maxAlertHeadlineLength } from './content';
import { Id, Seq, Timestamp } from './schema';
import { StepUpAssertion } from './step-up';

/**
 * The Alert API and the person's side of alerts (docs/alerts.md).
 *
 * A bank posts an alert (`POST /v1/alerts`, scope `alerts:send`, `Idempotency-Key`); Parley
 * accepts it only when the person enabled that kind of alert from that bank, stores it, and
 * shows it as an `alert` card (content.ts: `AlertContent`) in the bank's conversation. The person
 * answers with one tap (`POST /v1/alerts/:alertId/answers`), after a passkey step-up when the
 * action `requiresStepUp`; the bank gets the `alert.answered` webhook, with Parley's signed
 * step-up proof when there was one.
 *
 * The kinds, actions and facts (`AlertKind`, `AlertAction`, `AlertFacts`) are message content and
 * live in content.ts with the cards; everything else is here.
 */

/** Longest an alert may stay open: after `expiresAt` it takes no answer. */
export const maxAlertLifetimeMs = 7 * 24 * 60 * 60 * 1000;

const strict = { additionalProperties: false } as const;
const Headline = Type.String({ minLength: 1, maxLength: maxAlertHeadlineLength, examples: ['Did you just spend €842.10 at Electronics Store in Lisbon?'] });

const alertExample = {
  recipient: { bsid: 'bsid_q3xV0cH8m1bB5nS2LwT9yKfA4pE' },
  kind: 'card_transaction_review',
  headline: 'Did you just spend €842.10 at Electronics Store in Lisbon?',
  facts: { amount: { amount: '842.10', currency: 'EUR' }, merchant: 'Electronics Store', place: 'Lisbon, PT', time: '2026-11-03T21:14:00Z', cardMask: '4821' },
  actions: [
    { id: 'confirm', label: 'Yes, it was me', style: 'primary', requiresStepUp: false },
    { id: 'lock_card', label: 'No, lock my card', style: 'danger', requiresStepUp: true },
  ],
  expiresAt: 1795003600000,
};

/**
 * POST /v1/alerts: a bank alerts a person it names by BSID. `expiresAt` (ms since the epoch)
 * must be in the future and at most 7 days away; action ids must differ.
 *
 * @example
 * await fetch(`${parley}/v1/alerts`, {
 *   method: 'POST',
 *   headers: { authorization: `Bearer ${apiKey}`, 'idempotency-key': crypto.randomUUID(), 'content-type': 'application/json' },
 *   body: JSON.stringify({ recipient: { bsid }, kind: 'card_transaction_review', headline, facts, actions, expiresAt: Date.now() + 15 * 60_000 }),
 * });
 */
export const AlertApiBody = Type.Object(
  {
    recipient: Type.Object({ bsid: Bsid }, strict),
    kind: AlertKind,
    headline: Headline,
    facts: AlertFacts,
    actions: AlertActions,
    expiresAt: Timestamp,
  },
  { ...strict, examples: [alertExample] },
);
export type AlertApiBody = Static<typeof AlertApiBody>;

/** The alert is stored and on its way to the person (a replay with the same Idempotency-Key answers the same). */
export const AlertApiResult = Type.Object(
  { alertId: Id, conversationId: Id, seq: Seq },
  { examples: [{ alertId: '8d0e7c52-3f5b-4a8e-9f61-0c2b7a4d9e13', conversationId: '3f1c2b1e-8a9d-4c51-9b7e-3c2d1f0a9b8c', seq: 12 }] },
);
export type AlertApiResult = Static<typeof AlertApiResult>;

export const AlertParams = Type.Object({ alertId: Id });

/**
 * The person answers an alert: the action's id, and for an action that `requiresStepUp` the
 * passkey assertion of a step-up ceremony bound to this alert and action.
 *
 * @example
 * await api.post(`/v1/alerts/${alertId}/answers`, { actionId: 'confirm' });
 */
export const AlertAnswerBody = Type.Object(
  {
    actionId: AlertActionId,
    stepUp: Type.Optional(StepUpAssertion),
  },
  { ...strict, examples: [{ actionId: 'confirm' }] },
);
export type AlertAnswerBody = Static<typeof AlertAnswerBody>;

/** What the person chose, and whether they confirmed it with their passkey. */
export const AlertAnswer = Type.Object({ actionId: AlertActionId, label: Type.String(), answeredAt: Timestamp, steppedUp: Type.Boolean() });
export type AlertAnswer = Static<typeof AlertAnswer>;

/** `pending` takes an answer; `answered` and `expired` take none. */
export const AlertStatus = Type.Union([Type.Literal('pending'), Type.Literal('answered'), Type.Literal('expired')]);
export type AlertStatus = Static<typeof AlertStatus>;

/** 201 to a new answer; 200 with the first answer to a repeat of the same action. */
export const AlertAnswerResult = Type.Object({ alertId: Id, status: AlertStatus, answer: AlertAnswer });
export type AlertAnswerResult = Static<typeof AlertAnswerResult>;

/** One alert in the person's history. */
export const AlertSummary = Type.Object({
  id: Id,
  business: Type.Object({ id: Id, name: Type.String() }),
  conversationId: Id,
  kind: AlertKind,
  headline: Type.String(),
  facts: AlertFacts,
  actions: AlertActions,
  status: AlertStatus,
  answer: Type.Union([AlertAnswer, Type.Null()]),
  expiresAt: Timestamp,
  createdAt: Timestamp,
});
export type AlertSummary = Static<typeof AlertSummary>;

export const AlertListQuery = Type.Object(
  {
    /** Only alerts older than this one (the `id` of the last alert of the previous page). */
    before: Type.Optional(Id),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 30 })),
  },
  strict,
);
export type AlertListQuery = Static<typeof AlertListQuery>;

/** GET /v1/alerts: the person's alerts, newest first. */
export const AlertList = Type.Object({ alerts: Type.Array(AlertSummary), hasMore: Type.Boolean() });
export type AlertList = Static<typeof AlertList>;

// --- Preferences: per bank, per kind, off by default ---

/** Every kind, each on or off. */
export const AlertKindSwitches = Type.Object(
  Object.fromEntries(alertKinds.map((kind) => [kind, Type.Boolean()])) as Record<AlertKind, ReturnType<typeof Type.Boolean>>,
  strict,
);
export type AlertKindSwitches = Record<AlertKind, boolean>;

export const AlertBusinessPreferences = Type.Object({ businessId: Id, name: Type.String(), kinds: AlertKindSwitches });
export type AlertBusinessPreferences = Static<typeof AlertBusinessPreferences>;

/**
 * GET /v1/alert-preferences: every bank the person linked or talks to, with each kind's switch.
 *
 * @example
 * { businesses: [{ businessId, name: 'Sandbox Bank', kinds: { card_transaction_review: true, low_balance: false, … } }] }
 */
export const AlertPreferences = Type.Object({ businesses: Type.Array(AlertBusinessPreferences) });
export type AlertPreferences = Static<typeof AlertPreferences>;

/**
 * PUT /v1/alert-preferences/:businessId: switch some kinds on or off; the others stay as they
 * are. Answers that bank's `AlertBusinessPreferences`.
 *
 * @example
 * { kinds: { card_transaction_review: true, large_withdrawal: true } }
 */
export const AlertPreferencesUpdate = Type.Object(
  { kinds: Type.Partial(AlertKindSwitches, { ...strict, minProperties: 1 }) },
  { ...strict, examples: [{ kinds: { card_transaction_review: true, large_withdrawal: true } }] },
);
export type AlertPreferencesUpdate = Static<typeof AlertPreferencesUpdate>;
export const AlertPreferencesParams = Type.Object({ businessId: Id });
