import { createHmac } from 'node:crypto';
import type { WebhookEvent } from '@parley/protocol';

/** The event types a `messenger`-mode endpoint may subscribe to; others have no Messenger shape here. */
export const messengerEventTypes = ['message.created', 'postback'] as const;

type MessagingItem = Record<string, unknown> & { sender: { id: string }; recipient: { id: string }; timestamp: number };

function messagingItem(event: WebhookEvent, businessId: string): MessagingItem | null {
  const at = Date.parse(event.timestamp);
  if (event.type === 'message.created') {
    const { message, bsid, conversationId } = event.data;
    const mid = `m_${conversationId}.${message.seq}`;
    if (message.content.contentType === 'text') return { sender: { id: bsid }, recipient: { id: businessId }, timestamp: message.sentAt, message: { mid, text: message.content.text } };
    return null;
  }
  if (event.type === 'postback') {
    const { bsid, conversationId, seq, title, payload } = event.data;
    return { sender: { id: bsid }, recipient: { id: businessId }, timestamp: at, postback: { mid: `m_${conversationId}.${seq}`, title, payload } };
  }
  return null;
}

/**
 * A stored Standard Webhooks body as Messenger would have sent it:
 * `{"object":"page","entry":[{"id","time","messaging":[…]}]}`, the business's id standing for
 * the page id. Null for events that have no Messenger shape (see docs/messenger.md).
 */
export function toMessengerBody(payload: string, businessId: string): string | null {
  const event = JSON.parse(payload) as WebhookEvent;
  const item = messagingItem(event, businessId);
  if (!item) return null;
  return JSON.stringify({ object: 'page', entry: [{ id: businessId, time: Date.parse(event.timestamp), messaging: [item] }] });
}

/** `X-Hub-Signature-256`: `sha256=` and the hex HMAC-SHA256 of the raw body, keyed with the endpoint's secret as the app secret. */
export function hubSignature(appSecret: string, body: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`;
}
