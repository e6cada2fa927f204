import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import pino from 'pino';
import { ClientFrame, errorCatalog, maxFrameBytes, type ServerFrame } from '@parley/protocol';
import { FormatRegistry, type TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createTestApp, dialects, type TestApp } from './context';
import { signUpPerson, type TestPerson } from './people';
import { arbitraryFromSchema, mutated, nastyString, type JsonSchema } from './property-arbitraries';

// Whatever a client writes on its socket — broken JSON, binary, unknown types, valid frames
// with hostile fields — the server answers with catalogued error frames, keeps the socket
// open, still answers a ping, rejects no promise and logs no error. The server runs in this
// process so an unhandled rejection in it reaches the listener below.

const numRuns = 200;

if (!FormatRegistry.Has('uuid')) FormatRegistry.Set('uuid', (v) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v));
const isClientFrame = TypeCompiler.Compile(ClientFrame as TSchema);
const noRefs = { resolve: () => undefined };

interface Outgoing {
  readonly data: string | Uint8Array;
  readonly binary: boolean;
}

/** A socket that keeps every frame it receives and can wait for the pong of one ping. */
class ProbeSocket {
  readonly frames: ServerFrame[] = [];
  closeCode: number | undefined;
  #waiters: (() => void)[] = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.frames.push(JSON.parse(String(data)) as ServerFrame);
      for (const wake of this.#waiters.splice(0)) wake();
    });
    socket.on('close', (code) => {
      this.closeCode = code;
      for (const wake of this.#waiters.splice(0)) wake();
    });
    socket.on('error', () => {});
  }

  static async open(baseUrl: string, cookie: string): Promise<ProbeSocket> {
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/v1/ws`, { headers: { cookie, origin: baseUrl }, perMessageDeflate: false });
    const probe = new ProbeSocket(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    });
    await probe.until(() => probe.frames.some((f) => f.type === 'hello'));
    return probe;
  }

  /** Resolve when `done()` holds or the socket closed; fail after 5 s. */
  async until(done: () => boolean): Promise<void> {
    const deadline = Date.now() + 5_000;
    while (!done() && this.closeCode === undefined) {
      if (Date.now() > deadline) throw new Error(`no answer within 5 s; got ${JSON.stringify(this.frames.slice(-3))}`);
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }

  /** Ping with a fresh nonce; resolves with the frames that came before its pong. */
  async roundTrip(): Promise<ServerFrame[]> {
    const nonce = randomUUID();
    const start = this.frames.length;
    this.socket.send(JSON.stringify({ type: 'ping', nonce }));
    await this.until(() => this.frames.slice(start).some((f) => f.type === 'pong' && f.nonce === nonce));
    if (this.closeCode !== undefined) throw new Error(`the socket closed (${this.closeCode}) instead of answering a ping`);
    const frames = this.frames.slice(start);
    return frames.slice(0, frames.findIndex((f) => f.type === 'pong' && f.nonce === nonce));
  }
}

describe.each(dialects)('hostile WebSocket frames on %s', (dialect) => {
  let t: TestApp;
  let person: TestPerson;
  let conversationId: string;
  const errorLogs: string[] = [];
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown): void => void rejections.push(reason);

  beforeAll(async () => {
    process.on('unhandledRejection', onRejection);
    const logger = pino({ level: 'error' }, { write: (line: string) => void errorLogs.push(line) });
    t = await createTestApp(dialect, { listen: true, deps: { logger } });
    person = await signUpPerson(t.app);
    const businesses = (await t.app.inject({ url: '/v1/businesses', headers: { cookie: person.cookie } })).json() as { businesses: { id: string }[] };
    const opened = await t.app.inject({ method: 'POST', url: '/v1/conversations', headers: person.headers, payload: { businessId: businesses.businesses[0]?.id } });
    conversationId = (opened.json() as { id: string }).id;
  });
  afterAll(async () => {
    process.off('unhandledRejection', onRejection);
    await t?.close();
  });

  /** Valid frames of every type, half of them aimed at the person's own conversation. */
  function validFrame(): fc.Arbitrary<unknown> {
    const members = (ClientFrame.anyOf as JsonSchema[]).map((member) => arbitraryFromSchema(member, noRefs));
    return fc.tuple(fc.oneof(...members), fc.boolean()).map(([frame, own]) => {
      const record = frame as Record<string, unknown>;
      if (own && 'conversationId' in record) return { ...record, conversationId };
      if (own && Array.isArray(record.conversations)) {
        return { ...record, conversations: (record.conversations as object[]).map((c) => ({ ...c, conversationId })) };
      }
      return record;
    });
  }

  const json = (value: unknown): Outgoing => ({ data: JSON.stringify(value) ?? 'null', binary: false });
  const outgoing: fc.Arbitrary<Outgoing> = fc.oneof(
    { weight: 3, arbitrary: validFrame().map(json) },
    { weight: 3, arbitrary: mutated(validFrame()).map(json) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map(json) },
    { weight: 1, arbitrary: fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), nastyString).map((s) => ({ data: s, binary: false })) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => ({ data: bytes, binary: true })) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(maxFrameBytes - 200, maxFrameBytes + 1, 64 * 1024).map((n) =>
        json({ type: 'send', clientId: 'oversized01', conversationId, content: { contentType: 'text', text: 'x'.repeat(n) } }),
      ),
    },
  );

  it('never breaks the socket or the server, and refuses only with catalogued codes', { timeout: 60_000 }, async () => {
    let probe = await ProbeSocket.open(t.baseUrl, person.cookie);
    let frameNumber = 0;
    await fc.assert(
      fc.asyncProperty(outgoing, async (message) => {
        if (probe.closeCode !== undefined) probe = await ProbeSocket.open(t.baseUrl, person.cookie);
        const logsBefore = errorLogs.length;
        const text = typeof message.data === 'string' ? message.data : null;
        const where = `frame #${++frameNumber} ${message.binary ? 'binary' : (text ?? '').slice(0, 300)}`;
        probe.socket.send(message.data, { binary: message.binary });

        const tooLarge = Buffer.byteLength(message.data) > maxFrameBytes;
        if (tooLarge) {
          // Either refused with an error frame on a socket that stays open, or closed as too big (1009).
          await probe.until(() => probe.frames.some((f) => f.type === 'error' && f.code === 'ERR_PAYLOAD_TOO_LARGE'));
          expect([undefined, 1009], where).toContain(probe.closeCode);
          if (probe.closeCode !== undefined) return;
        }
        const answered = await probe.roundTrip();
        for (const frame of answered.filter((f): f is Extract<ServerFrame, { type: 'error' }> => f.type === 'error')) {
          expect(Object.keys(errorCatalog), `${where}: unknown code ${frame.code}`).toContain(frame.code);
          expect(frame.code, where).not.toBe('ERR_INTERNAL');
          expect(frame.fatal, where).not.toBe(true);
          expect(typeof frame.message, where).toBe('string');
        }
        const parsed = text === null || message.binary ? undefined : safeParse(text);
        const valid = parsed !== undefined && isClientFrame.Check(parsed);
        const codes = answered.flatMap((f) => (f.type === 'error' ? [f.code] : []));
        if (valid) {
          // Services may refuse a valid frame (a foreign conversation, a seq not yet there), the edge may not.
          expect(codes.filter((c) => c === 'ERR_BAD_JSON' || c === 'ERR_FRAME_INVALID'), `${where}: a valid frame was refused`).toEqual([]);
        } else {
          // Validation is synchronous at the edge, so its refusal comes before the next frame's pong.
          const edgeCodes = ['ERR_BAD_JSON', 'ERR_FRAME_INVALID', 'ERR_VALIDATION', 'ERR_PAYLOAD_TOO_LARGE'];
          expect(codes.some((c) => edgeCodes.includes(c)), `${where}: an invalid frame was not refused: ${JSON.stringify(answered)}`).toBe(true);
        }
        expect(errorLogs.slice(logsBefore), where).toEqual([]);
      }),
      { numRuns },
    );
    // The sends that were valid are still acked after all that.
    if (probe.closeCode !== undefined) probe = await ProbeSocket.open(t.baseUrl, person.cookie);
    const clientId = `after${randomUUID().slice(0, 8)}`;
    probe.socket.send(JSON.stringify({ type: 'send', clientId, conversationId, content: { contentType: 'text', text: 'still here' } }));
    await probe.until(() => probe.frames.some((f) => f.type === 'ack' && f.clientId === clientId));
    expect(probe.frames.some((f) => f.type === 'ack' && f.clientId === clientId)).toBe(true);
    probe.socket.close();
    expect(rejections).toEqual([]);
  });
});

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
