import http from 'node:http';
import { performance } from 'node:perf_hooks';

// The webhook receiver both senders post to: node:http on loopback, 204 to every POST, counting
// unique `webhook-id`s. A child of the bench (pinned to core 1 beside the load generator),
// driven over IPC. While `holding`, requests are kept unanswered (the sender's connections
// fill up and its backlog waits) until `release`; arrivals are timed in this process's clock.
// Run by the bench: node --import tsx bench/business/sink.ts (with an IPC channel).

export type SinkCommand =
  | { cmd: 'reset'; hold: boolean; collect: boolean }
  | { cmd: 'release' }
  | { cmd: 'stats' };

export interface SinkStats {
  readonly requests: number;
  readonly unique: number;
  readonly badRequests: number;
  /** ms from the release (or the first arrival when nothing was held) to the last arrival. */
  readonly spanMs: number;
  /** conversationId → bsid, from `message.created` bodies while collecting. */
  readonly bsids: Record<string, string>;
}

let ids = new Set<string>();
let requests = 0;
let badRequests = 0;
let first = 0;
let last = 0;
let releasedAt = 0;
let holding = false;
let collect = false;
let held: http.ServerResponse[] = [];
let bsids: Record<string, string> = {};

const server = http.createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const now = performance.now();
    requests++;
    const id = request.headers['webhook-id'];
    if (typeof id !== 'string' || typeof request.headers['webhook-signature'] !== 'string') badRequests++;
    else ids.add(id);
    if (first === 0) first = now;
    last = now;
    if (collect) {
      const event = JSON.parse(Buffer.concat(chunks).toString()) as { type: string; data: { bsid?: string; conversationId?: string } };
      if (event.type === 'message.created' && event.data.bsid && event.data.conversationId) bsids[event.data.conversationId] = event.data.bsid;
    }
    if (holding) held.push(response);
    else response.writeHead(204).end();
  });
});
server.keepAliveTimeout = 60_000;

process.on('message', (message: SinkCommand) => {
  if (message.cmd === 'reset') {
    ids = new Set();
    requests = badRequests = first = last = releasedAt = 0;
    holding = message.hold;
    collect = message.collect;
    bsids = {};
  } else if (message.cmd === 'release') {
    holding = false;
    releasedAt = performance.now();
    for (const response of held) response.writeHead(204).end();
    held = [];
  } else {
    const from = releasedAt || first;
    const stats: SinkStats = { requests, unique: ids.size, badRequests, spanMs: last > from ? last - from : 0, bsids };
    process.send?.(stats);
  }
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
});
process.on('disconnect', () => process.exit(0));
