import { Type, type Static } from '@sinclair/typebox';
import { IsoDate, IsoDateTime, Money } from './values';
import { Id, Timestamp } from './schema';

/** Largest text a message may carry, in characters. */
export const maxTextLength = 4000;
/** Most quick replies one message may offer. */
export const maxQuickReplies = 13;
/** Most buttons one message may carry. */
export const maxButtons = 3;
/** Longest title of a quick reply or button (it must fit on a chip on a phone). */
export const maxChoiceTitleLength = 20;
/** Longest title a person's postback carries: that of a quick reply, a button or a persistent-menu item. */
export const maxPostbackTitleLength = 30;
/** Longest payload a quick reply or postback button carries back to the business. */
export const maxPayloadLength = 1000;

const strict = { additionalProperties: false } as const;

export { IsoDate, IsoDateTime, DecimalAmount, CurrencyCode, Money } from './values';

const MessageText = Type.String({ minLength: 1, maxLength: maxTextLength });
const ChoiceTitle = Type.String({ minLength: 1, maxLength: maxChoiceTitleLength, examples: ['Card transactions'] });
const Payload = Type.String({ minLength: 1, maxLength: maxPayloadLength, examples: ['SHOW_CARD_TRANSACTIONS'] });
/**
 * What a url or account_link button may open: an https page, or — so a bank can be developed on
 * one machine (the Sandbox Bank runs on http://localhost:4000) — http on `localhost` or
 * `127.0.0.1` with an optional port, and no other http host. After the host comes a port, then
 * nothing or a path, query or fragment, so `http://localhost.evil.example` and
 * `http://localhost@evil.example` do not pass.
 */
export const buttonUrlPattern = '^(https://[^\\s/?#]+[^\\s]*|http://(localhost|127\\.0\\.0\\.1)(:[0-9]{1,5})?([/?#][^\\s]*)?)$';
const ButtonUrl = Type.String({ minLength: 9, maxLength: 2048, pattern: buttonUrlPattern, examples: ['https://sandbox-bank.example/help'] });
const Label = (maxLength: number) => Type.String({ minLength: 1, maxLength });

export const TextContent = Type.Object({ contentType: Type.Literal('text'), text: MessageText }, strict);

/**
 * Set on a quick reply or postback button for a sensitive choice (unlock a card, confirm a payee):
 * the person must confirm it with their passkey, and the `postback` webhook then carries a
 * step-up proof (`stepUp`) the bank verifies with `verifyStepUp`. Parley refuses such a tap that
 * comes without one. See docs/step-up.md.
 */
const RequiresStepUp = Type.Optional(Type.Boolean());

/** A quick reply: a chip under the message; tapping it sends a `postback` with its title and payload. */
export const QuickReply = Type.Object({ title: ChoiceTitle, payload: Payload, requiresStepUp: RequiresStepUp }, strict);
export type QuickReply = Static<typeof QuickReply>;
/** Text with up to 13 quick replies under it. They are offered until the conversation moves on. */
export const QuickRepliesContent = Type.Object(
  { contentType: Type.Literal('quick_replies'), text: MessageText, quickReplies: Type.Array(QuickReply, { minItems: 1, maxItems: maxQuickReplies }) },
  strict,
);

export const PostbackButton = Type.Object({ type: Type.Literal('postback'), title: ChoiceTitle, payload: Payload, requiresStepUp: RequiresStepUp }, strict);
/** Opens an https page (or a local development one, see `buttonUrlPattern`) in a new tab. */
export const UrlButton = Type.Object({ type: Type.Literal('url'), title: ChoiceTitle, url: ButtonUrl }, strict);
/** Opens the bank's own sign-in page (https, or local development http) in a new tab, to link the person's account there. */
export const AccountLinkButton = Type.Object({ type: Type.Literal('account_link'), title: ChoiceTitle, url: ButtonUrl }, strict);
export const Button = Type.Union([PostbackButton, UrlButton, AccountLinkButton]);
export type Button = Static<typeof Button>;
/** Text with up to 3 buttons, which stay usable. */
export const ButtonsContent = Type.Object(
  { contentType: Type.Literal('buttons'), text: MessageText, buttons: Type.Array(Button, { minItems: 1, maxItems: maxButtons }) },
  strict,
);

export const BalanceAccount = Type.Object(
  {
    name: Label(80),
    /** The last 4 digits of the account number, shown as `•••• 1234`. */
    mask: Type.Optional(Type.String({ pattern: '^[0-9]{4}$', examples: ['1234'] })),
    balance: Money,
    /** What can be spent now, when it differs from the balance. */
    available: Type.Optional(Money),
  },
  strict,
);
/** A balance card: up to 20 accounts and when the balances were taken. */
export const BalanceTemplate = Type.Object(
  { contentType: Type.Literal('template.balance'), accounts: Type.Array(BalanceAccount, { minItems: 1, maxItems: 20 }), asOf: IsoDateTime },
  strict,
);

export const TransactionStatus = Type.Union([Type.Literal('pending'), Type.Literal('booked')]);
export const Transaction = Type.Object(
  {
    id: Type.Optional(Label(100)),
    date: IsoDate,
    merchant: Label(100),
    /** Negative for money out, positive for money in. */
    amount: Money,
    status: TransactionStatus,
    category: Type.Optional(Label(50)),
  },
  strict,
);
export type Transaction = Static<typeof Transaction>;
/** A list of up to 50 transactions, newest first as the bank orders them. */
export const TransactionsTemplate = Type.Object(
  { contentType: Type.Literal('template.transactions'), title: Type.Optional(Label(80)), transactions: Type.Array(Transaction, { minItems: 1, maxItems: 50 }) },
  strict,
);

export const ReceiptItem = Type.Object({ label: Label(100), amount: Money }, strict);
/** A receipt: lines and a total (for a payment, a fee, a transfer). */
export const ReceiptTemplate = Type.Object(
  {
    contentType: Type.Literal('template.receipt'),
    title: Label(80),
    items: Type.Array(ReceiptItem, { minItems: 1, maxItems: 50 }),
    total: Money,
    reference: Type.Optional(Label(100)),
  },
  strict,
);

/** A confirmation that something was done (a card locked, a dispute opened). */
export const ConfirmationTemplate = Type.Object(
  { contentType: Type.Literal('template.confirmation'), title: Label(80), text: MessageText, reference: Type.Optional(Label(100)) },
  strict,
);

// --- Alerts: cards only Parley writes (from the Alert API, docs/alerts.md), never the Send API ---

/**
 * What an alert is about. A person switches each kind on or off per bank (all off by default);
 * Parley refuses an alert of a kind the person did not enable.
 */
export const alertKinds = ['card_transaction_review', 'low_balance', 'large_withdrawal', 'new_device_login', 'consent_expiring'] as const;
export const AlertKind = Type.Union(
  alertKinds.map((kind) => Type.Literal(kind)),
  { examples: ['card_transaction_review'] },
);
export type AlertKind = (typeof alertKinds)[number];

/** Most actions one alert offers. */
export const maxAlertActions = 3;
/** Longest headline of an alert. */
export const maxAlertHeadlineLength = 140;

/** An action's id: a short slug the bank chose, e.g. `lock_card`. */
export const AlertActionId = Type.String({ minLength: 1, maxLength: 40, pattern: '^[a-z0-9][a-z0-9_-]*$', examples: ['lock_card'] });

/**
 * One button of an alert card. `id` is what the bank gets back in `alert.answered`; `label` fits
 * a button on a phone; `style` says how it looks (`danger` for "No, lock my card"); with
 * `requiresStepUp` the person must confirm with their passkey first, and the bank receives a
 * step-up proof signed by Parley (docs/alerts.md).
 *
 * @example
 * { id: 'lock_card', label: 'No, lock my card', style: 'danger', requiresStepUp: true }
 */
export const AlertAction = Type.Object(
  {
    id: AlertActionId,
    label: ChoiceTitle,
    style: Type.Union([Type.Literal('primary'), Type.Literal('secondary'), Type.Literal('danger')]),
    requiresStepUp: Type.Boolean(),
  },
  { ...strict, examples: [{ id: 'lock_card', label: 'No, lock my card', style: 'danger', requiresStepUp: true }] },
);
export type AlertAction = Static<typeof AlertAction>;
/** One to three actions; their ids differ (Parley refuses duplicates with ERR_VALIDATION). */
export const AlertActions = Type.Array(AlertAction, { minItems: 1, maxItems: maxAlertActions });

const Last4 = Type.String({ pattern: '^[0-9]{4}$', examples: ['4821'] });
/**
 * The facts an alert shows under its headline, each optional so every kind takes the ones that
 * fit: a card payment to review (`amount`, `merchant`, `place`, `time`, `cardMask`), a low
 * balance (`balance`, `threshold`, `accountName`, `accountMask`), a large withdrawal (`amount`,
 * `place`, `time`, `accountMask`), a sign-in from a new device (`device`, `place`, `time`), a
 * consent about to end (`expiresOn`). `detail` is one more plain line. Closed: nothing else.
 */
export const AlertFacts = Type.Object(
  {
    amount: Type.Optional(Money),
    merchant: Type.Optional(Label(100)),
    place: Type.Optional(Label(100)),
    /** When it happened, with its offset (so the card can show the local time). */
    time: Type.Optional(IsoDateTime),
    /** The last 4 digits of the card, shown as `•••• 4821`. */
    cardMask: Type.Optional(Last4),
    accountName: Type.Optional(Label(80)),
    /** The last 4 digits of the account number. */
    accountMask: Type.Optional(Last4),
    balance: Type.Optional(Money),
    /** The level under which a `low_balance` alert is sent. */
    threshold: Type.Optional(Money),
    /** The device of a new sign-in, e.g. `Firefox on Windows`. */
    device: Type.Optional(Label(100)),
    /** The day something ends (a consent, a card). */
    expiresOn: Type.Optional(IsoDate),
    detail: Type.Optional(Label(280)),
  },
  {
    ...strict,
    examples: [
      { amount: { amount: '842.10', currency: 'EUR' }, merchant: 'Electronics Store', place: 'Lisbon, PT', time: '2026-11-03T21:14:00Z', cardMask: '4821' },
    ],
  },
);
export type AlertFacts = Static<typeof AlertFacts>;

/**
 * An alert card in the bank's conversation (sender `system`). At `expiresAt` (ms since the epoch)
 * it ends: the card shows as expired and takes no answer. Its answer follows as an
 * `alert_answer` message with the same `alertId`.
 */
export const AlertContent = Type.Object(
  {
    contentType: Type.Literal('alert'),
    alertId: Id,
    kind: AlertKind,
    headline: Type.String({ minLength: 1, maxLength: maxAlertHeadlineLength }),
    facts: AlertFacts,
    actions: AlertActions,
    expiresAt: Timestamp,
  },
  strict,
);
export type AlertContent = Static<typeof AlertContent>;

/**
 * How the person answered an alert (sender `system`): the action and its label, when, and
 * whether they confirmed it with their passkey (`steppedUp`).
 */
export const AlertAnswerContent = Type.Object(
  { contentType: Type.Literal('alert_answer'), alertId: Id, actionId: AlertActionId, label: ChoiceTitle, answeredAt: Timestamp, steppedUp: Type.Boolean() },
  strict,
);
export type AlertAnswerContent = Static<typeof AlertAnswerContent>;

/**
 * What the person sends when they tap a quick reply or a postback button: its title (shown as
 * their message) and its payload (for the business). The business gets a `postback` webhook.
 */
export const PostbackContent = Type.Object(
  { contentType: Type.Literal('postback'), title: Type.String({ minLength: 1, maxLength: maxPostbackTitleLength }), payload: Payload },
  strict,
);

/**
 * Parley-made (never in BusinessContent: no bank can send it): an agent asks the person to
 * reveal one field. The person answers with one tap, `POST /v1/reveal-requests/:requestId`
 * `{"decision":"approve"|"decline"}`; `GET` the same path tells whether it was answered.
 * `text` is Parley's sentence, e.g. "Ana at Sandbox Bank asks to see the last four digits of your account."
 */
export const RevealRequestContent = Type.Object(
  {
    contentType: Type.Literal('reveal_request'),
    requestId: Type.String({ format: 'uuid' }),
    field: Type.Union([Type.Literal('account_mask'), Type.Literal('balance'), Type.Literal('account_type')]),
    text: MessageText,
  },
  strict,
);
export type RevealRequestContent = Static<typeof RevealRequestContent>;

/**
 * Parley-made: after an agent resolves the conversation, a one-tap 1–5 rating. The person answers
 * `POST /v1/conversations/:conversationId/csat` `{"surveyId":…,"rating":1..5}` (once).
 */
export const CsatSurveyContent = Type.Object(
  { contentType: Type.Literal('csat_survey'), surveyId: Type.String({ format: 'uuid' }), text: MessageText },
  strict,
);
export type CsatSurveyContent = Static<typeof CsatSurveyContent>;

/** What a business may send (the Send API). */
export const BusinessContent = Type.Union([
  TextContent,
  QuickRepliesContent,
  ButtonsContent,
  BalanceTemplate,
  TransactionsTemplate,
  ReceiptTemplate,
  ConfirmationTemplate,
]);
export type BusinessContent = Static<typeof BusinessContent>;

/** What a person may send: text, and the postbacks of the choices a business offered. */
export const PersonContent = Type.Union([TextContent, PostbackContent]);
export type PersonContent = Static<typeof PersonContent>;

/**
 * What a message carries, discriminated by `contentType` so clients render by type
 * (and so sealed, platform-blind payloads can be added later without a rewrite). `alert`
 * and `alert_answer` are written only by Parley (the Alert API and the person's answer).
 */
export const MessageContent = Type.Union([...BusinessContent.anyOf, PostbackContent, AlertContent, AlertAnswerContent, RevealRequestContent, CsatSurveyContent]);
export type MessageContent = Static<typeof MessageContent>;
export type ContentType = MessageContent['contentType'];
/** The content of one type, e.g. `ContentOf<'template.balance'>`. */
export type ContentOf<T extends ContentType> = Extract<MessageContent, { contentType: T }>;
