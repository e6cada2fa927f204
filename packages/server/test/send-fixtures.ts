import { randomUUID } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { BusinessContent, HistoryPage, Me, SendApiResult } from '@parley/protocol';
import { bearer } from './business-fixtures';
import type { TestPerson } from './people';

// This file stays free of vitest imports, like webhooks-fixtures.ts.

/** One message of every content type a business may send, each as full as its schema allows. */
export const everyBusinessContent: readonly BusinessContent[] = [
  { contentType: 'text', text: 'Hello from the bank' },
  {
    contentType: 'quick_replies',
    text: 'What would you like to see?',
    quickReplies: [
      { title: 'Balance', payload: 'SHOW_BALANCE' },
      { title: 'Card transactions', payload: 'SHOW_CARD_TRANSACTIONS' },
    ],
  },
  {
    contentType: 'buttons',
    text: 'Your card is locked.',
    buttons: [
      { type: 'postback', title: 'Unlock it', payload: 'UNLOCK_CARD' },
      { type: 'url', title: 'Card help', url: 'https://sandbox-bank.example/help/cards' },
      { type: 'account_link', title: 'Link account', url: 'https://sandbox-bank.example/link?state=abc' },
    ],
  },
  {
    contentType: 'template.balance',
    accounts: [
      { name: 'Everyday account', mask: '1234', balance: { amount: '1520.35', currency: 'EUR' }, available: { amount: '1420.35', currency: 'EUR' } },
      { name: 'Savings', balance: { amount: '123456789012345.6789', currency: 'EUR' } },
    ],
    asOf: '2026-11-03T09:30:00Z',
  },
  {
    contentType: 'template.transactions',
    title: 'Card ending 1234',
    transactions: [
      { id: 'tx-1', date: '2026-11-02', merchant: 'Corner Café', amount: { amount: '-4.20', currency: 'EUR' }, status: 'pending', category: 'Food' },
      { date: '2026-11-01', merchant: 'Salary', amount: { amount: '2500', currency: 'EUR' }, status: 'booked' },
    ],
  },
  {
    contentType: 'template.receipt',
    title: 'Transfer to Ada',
    items: [
      { label: 'Amount', amount: { amount: '100.00', currency: 'GBP' } },
      { label: 'Fee', amount: { amount: '0.50', currency: 'GBP' } },
    ],
    total: { amount: '100.50', currency: 'GBP' },
    reference: 'TR-2026-0042',
  },
  { contentType: 'template.confirmation', title: 'Card locked', text: 'Nobody can pay with your card until you unlock it.', reference: 'LOCK-77' },
];

export function sendBody(bsid: string, content: unknown, messagingType = 'RESPONSE'): Record<string, unknown> {
  return { recipient: { bsid }, messagingType, content };
}

/** POST /v1/messages as a bank does it; a fresh Idempotency-Key unless given (null: none). */
export function sendApi(
  app: FastifyInstance,
  apiKey: string,
  body: unknown,
  idempotencyKey: string | null = randomUUID(),
): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = { ...bearer(apiKey), 'content-type': 'application/json' };
  if (idempotencyKey !== null) headers['idempotency-key'] = idempotencyKey;
  return app.inject({ method: 'POST', url: '/v1/messages', headers, payload: typeof body === 'string' ? body : JSON.stringify(body) });
}

/** Send and insist on a 201. */
export async function sendOk(app: FastifyInstance, apiKey: string, body: unknown, idempotencyKey?: string): Promise<SendApiResult> {
  const response = await sendApi(app, apiKey, body, idempotencyKey);
  if (response.statusCode !== 201) throw new Error(`send failed: ${response.statusCode} ${response.body}`);
  return response.json() as SendApiResult;
}

export function codeOf(response: LightMyRequestResponse): string {
  return (response.json() as { error: { code: string } }).error.code;
}

export async function history(app: FastifyInstance, person: TestPerson, conversationId: string): Promise<HistoryPage> {
  const response = await app.inject({ url: `/v1/conversations/${conversationId}/messages?limit=200`, headers: { cookie: person.cookie } });
  if (response.statusCode !== 200) throw new Error(`history failed: ${response.statusCode} ${response.body}`);
  return response.json() as HistoryPage;
}

/** The person signs in again (after a long wait ended their session); the password is the one signUpPerson sets. */
export async function signInAgain(app: FastifyInstance, person: TestPerson): Promise<TestPerson> {
  const response = await app.inject({
    method: 'POST',
    url: '/v1/auth/password/sign-in',
    payload: { email: person.me.email, password: 'correct horse battery staple' },
  });
  if (response.statusCode !== 200) throw new Error(`sign-in failed: ${response.statusCode} ${response.body}`);
  const setCookie = response.headers['set-cookie'];
  const cookie = String(Array.isArray(setCookie) ? setCookie[0] : setCookie).split(';')[0] ?? '';
  const me = response.json() as Me;
  return { me, cookie, csrfToken: me.csrfToken, headers: { cookie, 'x-csrf-token': me.csrfToken } };
}

/** The person writes in their conversation over HTTP. */
export async function personSays(app: FastifyInstance, person: TestPerson, conversationId: string, content: unknown): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url: `/v1/conversations/${conversationId}/messages`,
    headers: person.headers,
    payload: { clientId: `p${randomUUID().replace(/-/g, '')}`, content },
  });
}
