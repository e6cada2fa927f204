import { randomUUID } from 'node:crypto';
import type { AlertAnswerResult, AlertApiBody, AlertApiResult, AlertBusinessPreferences, AlertKind } from '@parley/protocol';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { bearer } from './business-fixtures';
import type { TestPerson } from './people';

// This file stays free of vitest imports, like webhooks-fixtures.ts: the benchmark uses it too.

/** A card-payment review as the Sandbox Bank sends it: "yes, it was me", or "lock my card" behind a passkey. */
export function alertBody(bsid: string, overrides: Partial<AlertApiBody> = {}, now = Date.now()): AlertApiBody {
  return {
    recipient: { bsid },
    kind: 'card_transaction_review',
    headline: 'Did you just spend €842.10 at Electronics Store in Lisbon?',
    facts: { amount: { amount: '842.10', currency: 'EUR' }, merchant: 'Electronics Store', place: 'Lisbon, PT', time: '2026-11-03T21:14:00Z', cardMask: '4821' },
    actions: [
      { id: 'confirm', label: 'Yes, it was me', style: 'primary', requiresStepUp: false },
      { id: 'lock_card', label: 'No, lock my card', style: 'danger', requiresStepUp: true },
    ],
    expiresAt: now + 15 * 60_000,
    ...overrides,
  };
}

/** POST /v1/alerts as a bank does it; a fresh Idempotency-Key unless given. */
export function postAlert(app: FastifyInstance, apiKey: string, body: unknown, idempotencyKey: string = randomUUID()): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url: '/v1/alerts',
    headers: { ...bearer(apiKey), 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
    payload: JSON.stringify(body),
  });
}

/** Post and insist on a 201. */
export async function alertOk(app: FastifyInstance, apiKey: string, body: unknown, idempotencyKey?: string): Promise<AlertApiResult> {
  const response = await postAlert(app, apiKey, body, idempotencyKey);
  if (response.statusCode !== 201) throw new Error(`alert failed: ${response.statusCode} ${response.body}`);
  return response.json() as AlertApiResult;
}

/** The person switches kinds of alerts from a bank on (true) or off (false). */
export async function switchAlerts(app: FastifyInstance, person: TestPerson, businessId: string, kinds: Partial<Record<AlertKind, boolean>>): Promise<AlertBusinessPreferences> {
  const response = await app.inject({ method: 'PUT', url: `/v1/alert-preferences/${businessId}`, headers: person.headers, payload: { kinds } });
  if (response.statusCode !== 200) throw new Error(`preferences failed: ${response.statusCode} ${response.body}`);
  return response.json() as AlertBusinessPreferences;
}

/** The person taps an action (with a step-up assertion when given). */
export function answerAlert(app: FastifyInstance, person: Pick<TestPerson, 'headers'>, alertId: string, body: Record<string, unknown>): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'POST', url: `/v1/alerts/${alertId}/answers`, headers: person.headers, payload: body });
}

export async function answerOk(app: FastifyInstance, person: Pick<TestPerson, 'headers'>, alertId: string, body: Record<string, unknown>): Promise<AlertAnswerResult> {
  const response = await answerAlert(app, person, alertId, body);
  if (response.statusCode !== 201) throw new Error(`answer failed: ${response.statusCode} ${response.body}`);
  return response.json() as AlertAnswerResult;
}
