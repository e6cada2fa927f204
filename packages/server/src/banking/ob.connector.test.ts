import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerContext } from '../context';
import { BankConnector } from './ob.connector';

// The connector's fetch (openid-client's customFetch) over a real socket: what a bank's HTTP
// server says arrives whole and unchanged, and an answer too large to be an answer is refused.

describe('BankConnector.fetch', () => {
  let server: http.Server;
  let origin: string;
  const seen: { method: string; url: string; body: string; contentType: string | undefined }[] = [];
  // Only the fetch is under test: it does not touch the server context.
  const connector = new BankConnector({} as ServerContext);

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        seen.push({ method: request.method ?? '', url: request.url ?? '', body, contentType: request.headers['content-type'] });
        if (request.url === '/empty') return void response.writeHead(204).end();
        if (request.url === '/huge') {
          response.writeHead(200, { 'content-type': 'application/json' });
          const chunk = Buffer.alloc(1024 * 1024, 0x20);
          for (let i = 0; i < 9; i++) response.write(chunk);
          return void response.end();
        }
        response.writeHead(201, [['content-type', 'application/json'], ['set-cookie', 'a=1'], ['set-cookie', 'b=2'], ['dpop-nonce', 'n-1']]);
        response.end(JSON.stringify({ echoed: body }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await connector.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends the method, path, query and a form body, and returns status, every header and the body', async () => {
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'r t' });
    const response = await connector.fetch(`${origin}/token?x=1`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form, redirect: 'manual' });
    expect(seen.at(-1)).toEqual({ method: 'POST', url: '/token?x=1', body: 'grant_type=refresh_token&refresh_token=r+t', contentType: 'application/x-www-form-urlencoded' });
    expect(response.status).toBe(201);
    expect(response.headers.get('dpop-nonce')).toBe('n-1');
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(await response.json()).toEqual({ echoed: 'grant_type=refresh_token&refresh_token=r+t' });
  });

  it('answers a 204 with no body', async () => {
    const response = await connector.fetch(`${origin}/empty`, { method: 'DELETE', headers: {}, body: undefined, redirect: 'manual' });
    expect([response.status, await response.text()]).toEqual([204, '']);
  });

  it('refuses an answer of more than 8 MiB', async () => {
    await expect(connector.fetch(`${origin}/huge`, { method: 'GET', headers: {}, body: undefined, redirect: 'manual' })).rejects.toThrow(/more than 8388608 bytes/);
  });
});
