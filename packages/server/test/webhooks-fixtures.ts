import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { CreatedWebhookEndpoint, WebhookDelivery, WebhookDeliveryList, WebhookEventType } from '@parley/protocol';
import { bearer } from './business-fixtures';

// This file stays free of vitest imports, like server-process.ts.

/** One request a receiver got, exactly as it arrived. */
export interface ReceivedWebhook {
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  readonly id: string;
  /** Path and query it was posted to. */
  readonly url: string;
}

/** How the receiver answers one request: a status and body, or never (it holds the request open). */
export type ReceiverAnswer = { status: number; body?: string; delayMs?: number; headers?: Record<string, string> } | 'hang';

/** A bank's webhook endpoint, for real, on 127.0.0.1: it records what arrives and answers as told. */
export interface WebhookReceiver {
  readonly url: string;
  readonly port: number;
  readonly received: ReceivedWebhook[];
  /** How to answer the next requests; default 200. */
  answer: (request: ReceivedWebhook) => ReceiverAnswer;
  /** Resolves once `count` requests have arrived in all. */
  waitFor(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(path = '/parley/webhooks'): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const held = new Set<http.ServerResponse>();
  const receiver = {
    answer: (() => ({ status: 200, body: 'ok' })) as WebhookReceiver['answer'],
  };
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const hit: ReceivedWebhook = { headers: request.headers, body, id: String(request.headers['webhook-id']), url: request.url ?? '' };
      received.push(hit);
      for (const waiter of waiters.filter((w) => received.length >= w.count)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
      const answer = receiver.answer(hit);
      if (answer === 'hang') {
        held.add(response);
        return;
      }
      setTimeout(() => response.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers }).end(answer.body ?? ''), answer.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}${path}`,
    port,
    received,
    waitFor(count: number, timeoutMs = 20_000) {
      if (received.length >= count) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the receiver got ${received.length} of ${count} requests`)), timeoutMs);
        waiters.push({ count, resolve: () => (clearTimeout(timer), resolve()) });
      });
    },
    async close() {
      for (const response of held) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}

/** Headers as a plain record of strings, for verifiers. */
export function headersOf(hit: ReceivedWebhook): Record<string, string> {
  return Object.fromEntries(Object.entries(hit.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(' ') : String(value)]));
}

export async function registerEndpoint(
  app: FastifyInstance,
  key: string,
  body: { url: string; eventTypes: WebhookEventType[] },
): Promise<CreatedWebhookEndpoint> {
  const response = await app.inject({ method: 'POST', url: '/v1/webhooks/endpoints', headers: bearer(key), payload: body });
  if (response.statusCode !== 201) throw new Error(`registering ${body.url} failed: ${response.statusCode} ${response.body}`);
  return response.json() as CreatedWebhookEndpoint;
}

export async function sendTest(app: FastifyInstance, key: string, endpointId: string): Promise<{ eventId: string; deliveryId: string }> {
  const response = await app.inject({ method: 'POST', url: `/v1/webhooks/endpoints/${endpointId}/test`, headers: bearer(key) });
  if (response.statusCode !== 202) throw new Error(`test event failed: ${response.statusCode} ${response.body}`);
  return response.json() as { eventId: string; deliveryId: string };
}

export async function deliveryById(app: FastifyInstance, key: string, deliveryId: string): Promise<WebhookDelivery> {
  const response = await app.inject({ method: 'GET', url: '/v1/webhooks/deliveries?limit=200', headers: bearer(key) });
  const found = (response.json() as WebhookDeliveryList).deliveries.find((d) => d.id === deliveryId);
  if (!found) throw new Error(`delivery ${deliveryId} is not listed: ${response.body}`);
  return found;
}
