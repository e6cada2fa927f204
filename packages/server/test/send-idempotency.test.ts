import { randomUUID } from 'node:crypto';
import type { Business, Conversation, CreatedApiKey } from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../src/app';
import { bsidFor } from '../src/business';
import { createIdempotency, requestHash } from '../src/business/idempotency.service';
import { adminToken, createBusiness, createKey, manualClock, openStore } from './business-fixtures';
import { createTestApp, dialects, type TestApp } from './context';
import { openBankConversation, sandboxBank } from './messaging-client';
import { signUpPerson, type TestPerson } from './people';
import { codeOf, history, personSays, sendApi, sendBody, signInAgain } from './send-fixtures';

// An Idempotency-Key names one message: a retry replays the first answer, a different body with
// it is refused, concurrent requests with it make one message, and it is forgotten after 24 h.

const hour = 60 * 60 * 1000;
const text = (words: string) => ({ contentType: 'text', text: words });

describe.each(dialects)('Send API idempotency on %s', (dialect) => {
  const clock = manualClock(Date.UTC(2026, 10, 3, 9, 0, 0));
  let t: TestApp;
  let store: Awaited<ReturnType<typeof openStore>>;
  let bank: Business;
  let key: CreatedApiKey;
  let person: TestPerson;
  let conversation: Conversation;
  let bsid: string;

  const countOf = async (words: string) =>
    (await history(t.app, person, conversation.id)).messages.filter((m) => m.content.contentType === 'text' && m.content.text === words).length;

  beforeAll(async () => {
    t = await createTestApp(dialect, { config: { adminToken }, deps: { clock } });
    store = await openStore(t.config, clock);
    person = await signUpPerson(t.app);
    bank = await sandboxBank(t.app, person);
    key = await createKey(t.app, bank.id, ['messages:send']);
    conversation = await openBankConversation(t.app, person);
    bsid = await bsidFor(store.ctx, bank.id, person.me.id);
  });
  afterAll(async () => {
    await store?.close();
    await t?.close();
  });

  it('replays the first answer for the same key and body, with Idempotent-Replayed, and stores one message', async () => {
    const idempotencyKey = randomUUID();
    const body = sendBody(bsid, text('Replay me'));
    const first = await sendApi(t.app, key.secret, body, idempotencyKey);
    expect(first.statusCode).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    // The same body with its keys in another order is the same request.
    const reordered = { content: body.content, messagingType: body.messagingType, recipient: body.recipient };
    for (const again of [body, reordered]) {
      const replay = await sendApi(t.app, key.secret, again, idempotencyKey);
      expect(replay.statusCode).toBe(201);
      expect(replay.json()).toEqual(first.json());
      expect(replay.headers['idempotent-replayed']).toBe('true');
    }
    expect(await countOf('Replay me')).toBe(1);
  });

  it('refuses the same key with another body: 422 ERR_IDEMPOTENCY_MISMATCH, and sends nothing', async () => {
    const idempotencyKey = randomUUID();
    expect((await sendApi(t.app, key.secret, sendBody(bsid, text('First body')), idempotencyKey)).statusCode).toBe(201);
    for (const other of [sendBody(bsid, text('Second body')), sendBody(bsid, text('First body'), 'UPDATE')]) {
      const response = await sendApi(t.app, key.secret, other, idempotencyKey);
      expect([response.statusCode, codeOf(response)]).toEqual([422, 'ERR_IDEMPOTENCY_MISMATCH']);
    }
    expect(await countOf('Second body')).toBe(0);
    expect(await countOf('First body')).toBe(1);
  });

  it('keeps each business’s keys apart: another bank using the same key string sends its own message', async () => {
    const other = await createBusiness(t.app, `Key Bank ${randomUUID().slice(0, 8)}`);
    const otherKey = await createKey(t.app, other.id, ['messages:send']);
    await t.app.inject({ method: 'POST', url: '/v1/conversations', headers: person.headers, payload: { businessId: other.id } });
    const otherBsid = await bsidFor(store.ctx, other.id, person.me.id);
    const shared = randomUUID();
    const mine = await sendApi(t.app, key.secret, sendBody(bsid, text('From Sandbox Bank')), shared);
    const theirs = await sendApi(t.app, otherKey.secret, sendBody(otherBsid, text('From Key Bank')), shared);
    expect([mine.statusCode, theirs.statusCode]).toEqual([201, 201]);
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
    expect(theirs.json()).not.toEqual(mine.json());
  });

  it('makes exactly one message from 20 concurrent requests with one key, and answers all 20 the same', async () => {
    const idempotencyKey = randomUUID();
    const body = sendBody(bsid, text('Twenty at once'));
    const responses = await Promise.all(Array.from({ length: 20 }, () => sendApi(t.app, key.secret, body, idempotencyKey)));
    expect(responses.map((r) => r.statusCode)).toEqual(Array(20).fill(201));
    expect(new Set(responses.map((r) => r.body)).size).toBe(1);
    expect(responses.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(19);
    expect(await countOf('Twenty at once')).toBe(1);
  });

  it('gives the key back when the request fails, so nothing is replayed for it', async () => {
    const idempotencyKey = randomUUID();
    const wrong = sendBody('bsid_doesnotexist0000000000', text('Retry me'));
    expect((await sendApi(t.app, key.secret, wrong, idempotencyKey)).statusCode).toBe(404);
    const fixed = await sendApi(t.app, key.secret, sendBody(bsid, text('Retry me')), idempotencyKey);
    expect(fixed.statusCode).toBe(201);
    expect(fixed.headers['idempotent-replayed']).toBeUndefined();
  });

  it('finishes the work of a request that died with the key reserved, without a second message', async () => {
    const idempotencyKey = randomUUID();
    const body = sendBody(bsid, text('Crashed half way'));
    const first = await sendApi(t.app, key.secret, body, idempotencyKey);
    // As if the server died after storing the message but before storing the answer.
    await store.db
      .updateTable('idempotency_keys')
      .set({ status: 'in_progress', response: null, lease_token: 'dead-node', locked_until: clock.now() - 1 })
      .where('business_id', '=', bank.id)
      .where('key', '=', idempotencyKey)
      .execute();
    const retry = await sendApi(t.app, key.secret, body, idempotencyKey);
    expect(retry.statusCode).toBe(201);
    expect(retry.json()).toEqual(first.json());
    expect(await countOf('Crashed half way')).toBe(1);
  });


  /** A trigger that makes storing any answer fail, on either database. */
  const refuseAnswers = async (on: boolean) => {
    const statements =
      dialect === 'sqlite'
        ? on
          ? [sql`create trigger refuse_done before update on idempotency_keys when new.status = 'done' begin select raise(abort, 'answers cannot be stored'); end`]
          : [sql`drop trigger refuse_done`]
        : on
          ? [
              sql`create function refuse_done() returns trigger language plpgsql as $$ begin raise exception 'answers cannot be stored'; end $$`,
              sql`create trigger refuse_done before update on idempotency_keys for each row when (new.status = 'done') execute function refuse_done()`,
            ]
          : [sql`drop trigger refuse_done on idempotency_keys`, sql`drop function refuse_done()`];
    for (const statement of statements) await statement.execute(store.db);
  };

  it('keeps the key when the work was done but its answer could not be stored, and a later retry finds the same work', async () => {
    const request = { businessId: bank.id, key: randomUUID(), method: 'POST', path: '/v1/messages', body: { n: 1 } };
    const idempotency = createIdempotency(store.ctx);
    const fingerprints: string[] = [];
    // The first run's answer cannot be stored (a trigger refuses it); giving the key back still works.
    await refuseAnswers(true);
    const reservedAt = clock.now();
    const failing = idempotency.run(request, async ({ fingerprint }) => {
      fingerprints.push(fingerprint);
      return { status: 201, body: { made: fingerprint } };
    });
    await expect(failing).rejects.toThrow(/answers cannot be stored/);
    await refuseAnswers(false);
    const [kept] = await store.db.selectFrom('idempotency_keys').select('status').where('key', '=', request.key).execute();
    expect(kept?.status).toBe('in_progress');
    // Once the lease has run out, a retry takes the key over with the same fingerprint, so work
    // made idempotent by it (the Send API's clientId) finds the message it already made.
    clock.advance(31_000);
    const retried = await idempotency.run(request, async ({ fingerprint }) => {
      fingerprints.push(fingerprint);
      return { status: 201, body: { made: fingerprint } };
    });
    expect(fingerprints).toHaveLength(2);
    expect(fingerprints[1]).toBe(fingerprints[0]);
    // It starts with the reservation's time, so the Send API's clientIds (idem_<fingerprint>) sort by time.
    expect(Number.parseInt(fingerprints[0]!.slice(0, 12), 16)).toBe(reservedAt);
    expect(retried).toEqual({ answer: { status: 201, body: { made: fingerprints[0] } }, replayed: false });
  });
  it('waits for a request with the same key that another node is still working on, and answers with its result', async () => {
    const idempotencyKey = randomUUID();
    const body = sendBody(bsid, text('Elsewhere'));
    const answer = { conversationId: conversation.id, seq: 999_999, sentAt: clock.now() };
    await store.db
      .insertInto('idempotency_keys')
      .values({
        business_id: bank.id,
        key: idempotencyKey,
        request_hash: requestHash({ method: 'POST', path: '/v1/messages', body }),
        status: 'in_progress',
        response: null,
        lease_token: 'other-node',
        locked_until: clock.now() + 60_000,
        created_at: clock.now(),
      })
      .execute();
    const waiting = sendApi(t.app, key.secret, body, idempotencyKey);
    await new Promise((resolve) => setTimeout(resolve, 150));
    await store.db
      .updateTable('idempotency_keys')
      .set({ status: 'done', response: JSON.stringify({ status: 201, body: answer }), lease_token: null, locked_until: null })
      .where('business_id', '=', bank.id)
      .where('key', '=', idempotencyKey)
      .execute();
    const response = await waiting;
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual(answer);
    expect(response.headers['idempotent-replayed']).toBe('true');
    expect(await countOf('Elsewhere')).toBe(0);
  });

  it('answers 409 ERR_IDEMPOTENCY_IN_PROGRESS when the other request is still working after the wait', async () => {
    const idempotencyKey = randomUUID();
    const body = sendBody(bsid, text('Slow elsewhere'));
    const request = { businessId: bank.id, key: idempotencyKey, method: 'POST', path: '/v1/messages', body };
    await store.db
      .insertInto('idempotency_keys')
      .values({
        business_id: bank.id,
        key: idempotencyKey,
        request_hash: requestHash(request),
        status: 'in_progress',
        response: null,
        lease_token: 'other-node',
        locked_until: clock.now() + 60_000,
        created_at: clock.now(),
      })
      .execute();
    let ran = false;
    const waited = createIdempotency(store.ctx, { maxWaitMs: 200 }).run(request, async () => {
      ran = true;
      return { status: 201, body: {} };
    });
    await expect(waited).rejects.toMatchObject({ code: 'ERR_IDEMPOTENCY_IN_PROGRESS', status: 409 });
    expect(ran).toBe(false);
  });

  it('forgets a key after 24 hours: the same key then sends a new message', async () => {
    const idempotencyKey = randomUUID();
    const body = sendBody(bsid, text('Good morning'));
    const first = await sendApi(t.app, key.secret, body, idempotencyKey);
    clock.advance(24 * hour + 1);
    person = await signInAgain(t.app, person);
    expect((await personSays(t.app, person, conversation.id, text('Morning!'))).statusCode).toBe(201);
    const next = await sendApi(t.app, key.secret, body, idempotencyKey);
    expect(next.statusCode).toBe(201);
    expect(next.headers['idempotent-replayed']).toBeUndefined();
    expect((next.json() as { seq: number }).seq).toBeGreaterThan((first.json() as { seq: number }).seq);
    expect(await countOf('Good morning')).toBe(2);
  });

  it('sweeps keys older than 24 hours from the table', async () => {
    await sendApi(t.app, key.secret, sendBody(bsid, text('Swept later')));
    clock.advance(24 * hour + 1);
    expect(await createIdempotency(store.ctx).sweep()).toBeGreaterThan(0);
    const left = await store.db.selectFrom('idempotency_keys').select('created_at').execute();
    expect(left.filter((row) => Number(row.created_at) <= clock.now() - 24 * hour)).toEqual([]);
  });
});

describe('Send API idempotency across two nodes on postgres', () => {
  let t: TestApp;
  let second: FastifyInstance;

  beforeAll(async () => {
    t = await createTestApp('postgres', { config: { adminToken } });
    second = await buildApp(t.config);
  });
  afterAll(async () => {
    await second?.close();
    await t?.close();
  });

  it('makes one message from 20 concurrent requests with one key spread over two servers sharing the database', async () => {
    const store = await openStore(t.config);
    try {
      const person = await signUpPerson(t.app);
      const bank = await sandboxBank(t.app, person);
      const key = await createKey(t.app, bank.id, ['messages:send']);
      const conversation = await openBankConversation(t.app, person);
      const bsid = await bsidFor(store.ctx, bank.id, person.me.id);
      const idempotencyKey = randomUUID();
      const body = sendBody(bsid, text('Two nodes'));
      const nodes = [t.app, second];
      const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => sendApi(nodes[i % 2]!, key.secret, body, idempotencyKey)));
      expect(responses.map((r) => r.statusCode)).toEqual(Array(20).fill(201));
      expect(new Set(responses.map((r) => r.body)).size).toBe(1);
      const stored = (await history(t.app, person, conversation.id)).messages.filter((m) => m.content.contentType === 'text' && m.content.text === 'Two nodes');
      expect(stored).toHaveLength(1);
    } finally {
      await store.close();
    }
  });

  it('runs a batch again when PostgreSQL aborts it to break a deadlock, so neither its answer nor its reservation is lost', async () => {
    const { id: businessId } = await createBusiness(t.app, 'Deadlock Bank');
    const store = await openStore(t.config);
    const idempotency = createIdempotency(store.ctx);
    const request = (n: number) => ({ businessId, key: randomUUID(), method: 'POST', path: '/v1/messages', body: { n } });
    const [answering, reserving] = [request(1), request(2)];
    // Another node: it holds `reserving`'s key in an open transaction, and waits longer than we do
    // before looking for deadlocks, so PostgreSQL aborts our batch rather than its transaction.
    const other = new pg.Client({ connectionString: t.config.databaseUrl ?? undefined });
    await other.connect();
    try {
      let finishWork = (): void => {};
      const workDone = new Promise<void>((resolve) => (finishWork = resolve));
      const answeringRun = idempotency.run(answering, async () => (await workDone, { status: 201, body: { n: 1 } }));
      await vi.waitFor(async () => expect(await store.db.selectFrom('idempotency_keys').select('key').where('key', '=', answering.key).execute()).toHaveLength(1), { timeout: 5_000 });
      await other.query(`set deadlock_timeout = '10s'`);
      await other.query('begin');
      await other.query(`insert into idempotency_keys (business_id, key, request_hash, status, lease_token, locked_until, created_at) values ($1, $2, 'other', 'in_progress', 'other', 0, 0)`, [businessId, reserving.key]);
      // In one turn: one request's answer and the other's reservation go into one batch, which updates
      // the answered key's row and then waits for the other node's row of the reserved key…
      finishWork();
      const reservingRun = idempotency.run(reserving, async () => ({ status: 201, body: { n: 2 } }));
      // Asked on another connection: inside a transaction pg_stat_activity is a snapshot.
      const waiting = async () => Number((await sql<{ n: string }>`select count(*) as n from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()`.execute(store.db)).rows[0]?.n);
      await vi.waitFor(async () => expect(await waiting()).toBe(1), { timeout: 5_000 });
      // …while the other node waits for the answered key's row: a deadlock, which PostgreSQL breaks
      // by aborting our batch. The other node goes on, then gives its row of the reserved key up.
      await other.query(`update idempotency_keys set locked_until = 0 where business_id = $1 and key = $2`, [businessId, answering.key]);
      await other.query('rollback');
      expect(await answeringRun).toEqual({ answer: { status: 201, body: { n: 1 } }, replayed: false });
      expect(await reservingRun).toEqual({ answer: { status: 201, body: { n: 2 } }, replayed: false });
      const stored = await store.db.selectFrom('idempotency_keys').select(['key', 'status']).where('business_id', '=', businessId).execute();
      expect(stored.map((row) => `${row.key} ${row.status}`).sort()).toEqual([answering.key, reserving.key].map((key) => `${key} done`).sort());
    } finally {
      await other.end();
      await store.close();
    }
  }, 30_000);
});
