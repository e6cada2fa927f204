import { Type, type Static } from '@sinclair/typebox';
import { idempotencyHeaders, SendApiHeaders } from './send';

/**
 * The Messenger Send API body Parley's compatibility layer accepts (`POST /graph/:version/me/messages`):
 * the subset a banking bot uses. Everything else is refused with a 400 naming the field; see
 * docs/messenger.md for the mapping to Parley content.
 */
const strict = { additionalProperties: false } as const;

export const MessengerQuickReply = Type.Object(
  { content_type: Type.Literal('text'), title: Type.String(), payload: Type.String(), image_url: Type.Optional(Type.String()) },
  strict,
);
export const MessengerButton = Type.Union([
  Type.Object({ type: Type.Literal('postback'), title: Type.String(), payload: Type.String() }, strict),
  Type.Object({ type: Type.Literal('web_url'), title: Type.String(), url: Type.String(), webview_height_ratio: Type.Optional(Type.String()) }, strict),
]);
export const MessengerButtonTemplate = Type.Object(
  { template_type: Type.Literal('button'), text: Type.String(), buttons: Type.Array(MessengerButton) },
  strict,
);
export const MessengerGenericElement = Type.Object(
  {
    title: Type.String(),
    subtitle: Type.Optional(Type.String()),
    image_url: Type.Optional(Type.String()),
    default_action: Type.Optional(Type.Unknown()),
    buttons: Type.Optional(Type.Array(MessengerButton)),
  },
  strict,
);
export const MessengerGenericTemplate = Type.Object(
  {
    template_type: Type.Literal('generic'),
    elements: Type.Array(MessengerGenericElement, { minItems: 1 }),
    image_aspect_ratio: Type.Optional(Type.String()),
  },
  strict,
);
export const MessengerAttachment = Type.Object(
  { type: Type.Literal('template'), payload: Type.Union([MessengerButtonTemplate, MessengerGenericTemplate]) },
  strict,
);
export const MessengerMessage = Type.Object(
  {
    text: Type.Optional(Type.String()),
    attachment: Type.Optional(MessengerAttachment),
    quick_replies: Type.Optional(Type.Array(MessengerQuickReply)),
    metadata: Type.Optional(Type.String()),
  },
  strict,
);
export type MessengerMessage = Static<typeof MessengerMessage>;

export const MessengerSendBody = Type.Object(
  {
    recipient: Type.Object({ id: Type.String() }, strict),
    messaging_type: Type.Optional(Type.Union([Type.Literal('RESPONSE'), Type.Literal('UPDATE'), Type.Literal('MESSAGE_TAG')])),
    tag: Type.Optional(Type.String()),
    message: MessengerMessage,
  },
  {
    ...strict,
    examples: [
      { recipient: { id: 'bsid_q3xV0cH8m1bB5nS2LwT9yKfA4pE' }, messaging_type: 'RESPONSE', message: { text: 'Your card is locked.' } },
      {
        recipient: { id: 'bsid_q3xV0cH8m1bB5nS2LwT9yKfA4pE' },
        messaging_type: 'RESPONSE',
        message: {
          attachment: {
            type: 'template',
            payload: { template_type: 'button', text: 'Your card is locked.', buttons: [{ type: 'postback', title: 'Unlock it', payload: 'UNLOCK_CARD' }] },
          },
        },
      },
    ],
  },
);
export type MessengerSendBody = Static<typeof MessengerSendBody>;

export const MessengerSendParams = Type.Object({ version: Type.String({ pattern: '^v[0-9]{1,3}(\\.[0-9]{1,3})?$' }) });
/** Optional here (Messenger has none); when given, the Send API's idempotency applies. */
export const MessengerSendHeaders = Type.Object({ [idempotencyHeaders.key]: Type.Optional(SendApiHeaders.properties[idempotencyHeaders.key]) });
export const MessengerSendQuery = Type.Object({ access_token: Type.Optional(Type.String()), appsecret_proof: Type.Optional(Type.String()) });

/** What Messenger answers to a sent message. */
export const MessengerSendResult = Type.Object({ recipient_id: Type.String(), message_id: Type.String() });
export type MessengerSendResult = Static<typeof MessengerSendResult>;

/** Messenger's error shape; `parley_code` carries Parley's own error code. */
export const MessengerErrorBody = Type.Object({
  error: Type.Object({
    message: Type.String(),
    type: Type.String(),
    code: Type.Integer(),
    error_subcode: Type.Optional(Type.Integer()),
    fbtrace_id: Type.String(),
    parley_code: Type.String(),
  }),
});
export type MessengerErrorBody = Static<typeof MessengerErrorBody>;
