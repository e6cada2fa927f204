import http from 'node:http';
import type { AddressInfo } from 'node:net';

// This file stays free of vitest imports, like webhooks-fixtures.ts.

/** What the proxy does with one request: pass it on, pass it on and drop the answer, never answer, or answer itself. */
export type ProxyPlan = 'forward' | 'drop' | 'hang' | { status: number; headers?: Record<string, string>; body: string };

/** One request that reached the proxy, and what Parley answered it (when forwarded). */
export interface ProxiedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  readonly at: number;
  upstreamStatus?: number;
  upstreamHeaders?: http.IncomingHttpHeaders;
}

/** A tiny HTTP proxy on 127.0.0.1 in front of Parley, which fails requests on purpose. */
export interface FaultyProxy {
  readonly url: string;
  readonly requests: ProxiedRequest[];
  /** Plans for the next requests, in order; when empty, requests are forwarded. */
  readonly plans: ProxyPlan[];
  close(): Promise<void>;
}

function forward(target: URL, seen: ProxiedRequest, response: http.ServerResponse, drop: boolean): void {
  const upstream = http.request(
    { host: target.hostname, port: target.port, method: seen.method, path: seen.url, headers: { ...seen.headers, host: target.host } },
    (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('end', () => {
        seen.upstreamStatus = answer.statusCode;
        seen.upstreamHeaders = answer.headers;
        // Parley did the work; the client never hears of it, as when a connection dies on the way back.
        if (drop) return response.socket?.destroy();
        response.writeHead(answer.statusCode ?? 502, answer.headers).end(Buffer.concat(chunks));
      });
    },
  );
  upstream.on('error', () => response.socket?.destroy());
  upstream.end(seen.body);
}

export async function startFaultyProxy(targetUrl: string): Promise<FaultyProxy> {
  const target = new URL(targetUrl);
  const requests: ProxiedRequest[] = [];
  const plans: ProxyPlan[] = [];
  const held = new Set<http.ServerResponse>();
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const seen: ProxiedRequest = { method: request.method ?? 'GET', url: request.url ?? '/', headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
      requests.push(seen);
      const plan = plans.shift() ?? 'forward';
      if (plan === 'hang') return void held.add(response);
      if (plan === 'forward' || plan === 'drop') return forward(target, seen, response, plan === 'drop');
      response.writeHead(plan.status, { 'content-type': 'application/json', ...plan.headers }).end(plan.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    plans,
    async close() {
      for (const response of held) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
