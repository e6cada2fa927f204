import { Type, type Static } from '@sinclair/typebox';
import { Bsid } from './business';
import { BusinessContent } from './content';
import { Id, Seq, Timestamp } from './schema';

/**
 * Why a business writes: `RESPONSE` answers the person, `UPDATE` tells them news they asked for.
 * Both are allowed only within 24 h of the person's last message. `ALERT` may be sent outside that
 * window, but only to a person who switched on alerts (any kind) from this business; otherwise
 * it is refused with ERR_ALERTS_NOT_ENABLED. Interactive alerts use the Alert API (alerts.ts).
 */
export const MessagingType = Type.Union([Type.Literal('RESPONSE'), Type.Literal('UPDATE'), Type.Literal('ALERT')], {
  examples: ['RESPONSE'],
});
export type MessagingType = Static<typeof MessagingType>;

/** How long after the person's last message a business may send RESPONSE and UPDATE messages. */
export const messagingWindowMs = 24 * 60 * 60 * 1000;

/** Header names of the Send API's idempotency. */
export const idempotencyHeaders = { key: 'idempotency-key', replayed: 'idempotent-replayed' } as const;
/** How long Parley keeps an Idempotency-Key and the answer it got. */
export const idempotencyKeyTtlMs = 24 * 60 * 60 * 1000;

const sendExamples = [
  {
    recipient: { bsid: 'bsid_q3xV0cH8m1bB5nS2LwT9yKfA4pE' },
    messagingType: 'RESPONSE',
    content: {
      contentType: 'template.balance',
      accounts: [
        { name: 'Everyday account', mask: '1234', balance: { amount: '1520.35', currency: 'EUR' }, available: { amount: '1420.35', currency: 'EUR' } },
      ],
      asOf: '2026-11-03T09:30:00Z',
    },
  },
  {
    recipient: { bsid: 'bsid_q3xV0cH8m1bB5nS2LwT9yKfA4pE' },
    messagingType: 'RESPONSE',
    content: {
      contentType: 'quick_replies',
      text: 'What would you like to see?',
      quickReplies: [
        { title: 'Balance', payload: 'SHOW_BALANCE' },
        { title: 'Card transactions', payload: 'SHOW_CARD_TRANSACTIONS' },
      ],
    },
  },
];

/**
 * POST /v1/messages: a business sends a message to a person it names by BSID, in the
 * conversation that person started.
 *
 * @example
 * await fetch(`${parley}/v1/messages`, {
 *   method: 'POST',
 *   headers: { authorization: `Bearer ${apiKey}`, 'idempotency-key': crypto.randomUUID(), 'content-type': 'application/json' },
 *   body: JSON.stringify({ recipient: { bsid }, messagingType: 'RESPONSE', content: { contentType: 'text', text: 'Your card is locked.' } }),
 * });
 */
export const SendApiBody = Type.Object(
  {
    recipient: Type.Object({ bsid: Bsid }, { additionalProperties: false }),
    messagingType: MessagingType,
    content: BusinessContent,
  },
  { additionalProperties: false, examples: sendExamples },
);
export type SendApiBody = Static<typeof SendApiBody>;

/** Every Send API request names a key; a retry sends the same key with the same body. */
export const SendApiHeaders = Type.Object({
  [idempotencyHeaders.key]: Type.String({
    minLength: 1,
    maxLength: 255,
    pattern: '^[\\x20-\\x7E]+$',
    description: 'Any printable ASCII, 1 to 255 characters; a UUID per message is a good choice. Kept 24 h.',
    examples: ['6f1c2a7e-5b0d-4f7e-9a59-2b9d8c3e4f10'],
  }),
});

/** The message is stored (and on its way to the person's devices). A replay answers the same. */
export const SendApiResult = Type.Object(
  { conversationId: Id, seq: Seq, sentAt: Timestamp },
  { examples: [{ conversationId: '3f1c2b1e-8a9d-4c51-9b7e-3c2d1f0a9b8c', seq: 7, sentAt: 1795000000000 }] },
);
export type SendApiResult = Static<typeof SendApiResult>;
