import type { BusinessContent, Button, MessengerMessage, MessengerSendBody, SendApiBody } from '@parley/protocol';
import { AppError } from '../platform/errors';

/** Top-level and `message` fields of the Messenger Send API that Parley does not offer, and why. */
const unsupportedTopLevel: Readonly<Record<string, string>> = {
  sender_action: 'sender_action (typing indicators, mark_seen) is not supported.',
  persona_id: 'persona_id is not supported: messages are sent as the business.',
  notification_type: 'notification_type is not supported: the person\'s device decides how to notify.',
  payload: 'The top-level payload field is not supported.',
};
const unsupportedInMessage: Readonly<Record<string, string>> = {
  sticker_id: 'message.sticker_id is not supported.',
};

/**
 * Why a Messenger body uses a feature Parley does not offer, as a sentence naming the field;
 * undefined when it uses none (the schema then checks the rest).
 */
export function unsupportedFeature(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as Record<string, unknown>;
  for (const [field, reason] of Object.entries(unsupportedTopLevel)) if (field in record) return reason;
  const recipient = record.recipient;
  if (typeof recipient === 'object' && recipient !== null) {
    const other = Object.keys(recipient).find((field) => field !== 'id');
    if (other) return `recipient.${other} is not supported; name the person by recipient.id, their BSID.`;
  }
  const message = record.message as Record<string, unknown> | undefined;
  if (typeof message !== 'object' || message === null) return undefined;
  for (const [field, reason] of Object.entries(unsupportedInMessage)) if (field in message) return reason;
  const attachment = message.attachment as { type?: unknown; payload?: { template_type?: unknown } } | undefined;
  if (attachment && typeof attachment === 'object') {
    if (attachment.type !== 'template') {
      return `message.attachment of type ${JSON.stringify(attachment.type)} is not supported; only template attachments (button, generic) are.`;
    }
    const templateType = attachment.payload?.template_type;
    if (templateType !== 'button' && templateType !== 'generic') {
      return `message.attachment.payload.template_type ${JSON.stringify(templateType)} is not supported; only button and generic are.`;
    }
  }
  const quickReplies = message.quick_replies;
  if (Array.isArray(quickReplies) && quickReplies.some((reply) => (reply as { content_type?: unknown })?.content_type !== 'text')) {
    return 'message.quick_replies: only content_type "text" is supported (not user_phone_number or user_email).';
  }
  return undefined;
}

type MessengerButtons = NonNullable<Extract<NonNullable<MessengerMessage['attachment']>['payload'], { template_type: 'button' }>['buttons']>;

function toButtons(buttons: MessengerButtons): Button[] {
  return buttons.map((button) =>
    button.type === 'postback' ? { type: 'postback', title: button.title, payload: button.payload } : { type: 'url', title: button.title, url: button.url },
  );
}

/** The Parley content a Messenger `message` maps to; see docs/messenger.md for the table. */
export function toBusinessContent(message: MessengerMessage): BusinessContent {
  const { attachment, quick_replies: quickReplies } = message;
  if (attachment && message.text !== undefined) {
    throw new AppError('ERR_VALIDATION', { message: 'message: send either text or attachment, not both.' });
  }
  if (quickReplies && quickReplies.length > 0) {
    if (message.text === undefined) throw new AppError('ERR_VALIDATION', { message: 'message.quick_replies are supported with message.text only.' });
    return { contentType: 'quick_replies', text: message.text, quickReplies: quickReplies.map(({ title, payload }) => ({ title, payload })) };
  }
  if (message.text !== undefined) return { contentType: 'text', text: message.text };
  if (!attachment) throw new AppError('ERR_VALIDATION', { message: 'message: send text or an attachment.' });
  const template = attachment.payload;
  if (template.template_type === 'button') return { contentType: 'buttons', text: template.text, buttons: toButtons(template.buttons) };
  // A generic template is a carousel; Parley has none, so its first element becomes one message.
  const [element] = template.elements;
  if (!element) throw new AppError('ERR_VALIDATION', { message: 'message.attachment.payload.elements: at least one element.' });
  const text = element.subtitle ? `${element.title}\n${element.subtitle}` : element.title;
  if (element.buttons && element.buttons.length > 0) return { contentType: 'buttons', text, buttons: toButtons(element.buttons) };
  return { contentType: 'template.confirmation', title: element.title, text: element.subtitle ?? element.title };
}

/** The Send API body a Messenger body stands for. MESSAGE_TAG is refused: Parley has no tags (yet). */
export function toSendApiBody(body: MessengerSendBody): SendApiBody {
  if (body.messaging_type === 'MESSAGE_TAG' || body.tag !== undefined) {
    throw new AppError('ERR_ALERTS_NOT_ENABLED', {
      message: 'MESSAGE_TAG messages (outside the 24-hour window) are not available; send RESPONSE or UPDATE within the window.',
    });
  }
  return {
    recipient: { bsid: body.recipient.id },
    messagingType: body.messaging_type ?? 'UPDATE',
    content: toBusinessContent(body.message),
  };
}

/** A Messenger-style message id for a stored message: stable, so replays and webhooks agree. */
export function messengerMessageId(message: { conversationId: string; seq: number }): string {
  return `m_${message.conversationId}.${message.seq}`;
}
