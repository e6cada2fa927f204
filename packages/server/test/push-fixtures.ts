/**
 * A browser's side of Web Push, for real on loopback: a device key pair and auth secret as
 * `pushManager.subscribe()` makes them, and a push service that records what Parley posts and
 * decrypts it with the device's private key (RFC 8291), proving the whole round trip.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import type { PushSubscriptionBody } from '@parley/protocol';

// This file stays free of vitest imports, like webhooks-fixtures.ts.

interface Ece {
  decrypt(buffer: Buffer, params: { version: 'aes128gcm'; privateKey: crypto.ECDH; dh: string; authSecret: string }): Buffer;
}
const ece = createRequire(import.meta.url)('http_ece') as Ece;

/** A subscribed browser: what it tells Parley, and what it keeps to itself. */
export interface TestDevice {
  readonly subscription: PushSubscriptionBody;
  /** Decrypt a push body sent to this device. */
  decrypt(body: Buffer): string;
}

export function makeDevice(endpoint: string): TestDevice {
  const ecdh = crypto.createECDH('prime256v1');
  ecdh.generateKeys();
  const authSecret = crypto.randomBytes(16).toString('base64url');
  return {
    subscription: { endpoint, keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: authSecret } },
    decrypt(body) {
      // aes128gcm header: salt (16) | record size (4) | key id length (1) | key id = the sender's public key.
      const idLength = body.readUInt8(20);
      const dh = body.subarray(21, 21 + idLength).toString('base64url');
      return ece.decrypt(body, { version: 'aes128gcm', privateKey: ecdh, dh, authSecret }).toString('utf8');
    },
  };
}

export interface ReceivedPush {
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

/** A push service on 127.0.0.1 that answers each request with `answer()` (default 201 Created). */
export interface PushService {
  readonly origin: string;
  readonly received: ReceivedPush[];
  answer: () => number;
  endpoint(name: string): string;
  close(): Promise<void>;
}

export async function startPushService(): Promise<PushService> {
  const received: ReceivedPush[] = [];
  const service = { answer: () => 201 };
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks) });
      response.writeHead(service.answer()).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    received,
    get answer() {
      return service.answer;
    },
    set answer(fn: () => number) {
      service.answer = fn;
    },
    endpoint: (name) => `${origin}/push/${name}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
