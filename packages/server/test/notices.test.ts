import type { Business, CreatedApiKey, NoticeApiResult, NoticeFollow, NoticeFollowList, NoticeList } from '@parley/protocol';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app';
import { createInProcessBus } from '../src/platform/bus';
import { adminToken, bearer, createBusiness, createKey, manualClock, openStore } from './business-fixtures';
import { createTestApp, dialects, type TestApp } from './context';
import { freePort } from './ports';
import { connect, openBankConversation, sandboxBank } from './messaging-client';
import { signUpPerson, type TestPerson } from './people';
import { codeOf } from './send-fixtures';

// Notices: a bank's one text to everyone who chose to follow it. Opt-in per bank, stored once,
// live to followers' sockets on every node, readable later by followers only — and the bank
// learns no recipient and no count.

const day = 24 * 60 * 60 * 1000;

function postNotice(app: FastifyInstance, apiKey: string, body: unknown, idempotencyKey: string = randomUUID()): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url: '/v1/notices',
    headers: { ...bearer(apiKey), 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
    payload: JSON.stringify(body),
  });
}

async function noticeOk(app: FastifyInstance, apiKey: string, text: string): Promise<NoticeApiResult> {
  const response = await postNotice(app, apiKey, { text });
  if (response.statusCode !== 201) throw new Error(`notice refused: ${response.statusCode} ${response.body}`);
  return response.json() as NoticeApiResult;
}

async function follow(app: FastifyInstance, person: TestPerson, businessId: string, following: boolean): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'PUT', url: `/v1/notice-follows/${businessId}`, headers: person.headers, payload: { following } });
}

async function noticesOf(app: FastifyInstance, person: TestPerson, businessId: string, query = ''): Promise<NoticeList> {
  const response = await app.inject({ url: `/v1/notices?businessId=${businessId}${query}`, headers: { cookie: person.cookie } });
  expect(response.statusCode).toBe(200);
  return response.json() as NoticeList;
}

describe.each(dialects)('Notices on %s', (dialect) => {
  const clock = manualClock(Date.UTC(2026, 10, 3, 9, 0, 0));
  let t: TestApp;
  let store: Awaited<ReturnType<typeof openStore>>;
  let bank: Business;
  let key: CreatedApiKey;

  beforeAll(async () => {
    t = await createTestApp(dialect, { listen: true, config: { adminToken, noticesPerDay: 1_000 }, deps: { clock } });
    store = await openStore(t.config, clock);
    bank = await sandboxBank(t.app, await signUpPerson(t.app));
    key = await createKey(t.app, bank.id, ['notices:send']);
  });
  afterAll(async () => {
    await store?.close();
    await t?.close();
  });

  async function customer(): Promise<TestPerson> {
    const person = await signUpPerson(t.app);
    await openBankConversation(t.app, person);
    return person;
  }

  it('lists every bank the person talks to as not followed, follows and unfollows it, and refuses a bank they have nothing to do with', async () => {
    const person = await customer();
    const listed = (await t.app.inject({ url: '/v1/notice-follows', headers: { cookie: person.cookie } })).json() as NoticeFollowList;
    expect(listed.businesses).toEqual([{ businessId: bank.id, name: bank.name, following: false, since: null }]);

    const on = await follow(t.app, person, bank.id, true);
    expect([on.statusCode, on.json()]).toEqual([200, { businessId: bank.id, name: bank.name, following: true, since: clock.now() }]);
    const off = await follow(t.app, person, bank.id, false);
    expect((off.json() as NoticeFollow).following).toBe(false);

    const stranger = await createBusiness(t.app, `Stranger ${randomUUID().slice(0, 8)}`);
    const foreign = await follow(t.app, person, stranger.id, true);
    expect([foreign.statusCode, codeOf(foreign)]).toEqual([404, 'ERR_NOT_FOUND']);
    const forged = await t.app.inject({ method: 'PUT', url: `/v1/notice-follows/${bank.id}`, headers: { cookie: person.cookie }, payload: { following: true } });
    expect([forged.statusCode, codeOf(forged)]).toEqual([403, 'ERR_CSRF']);
  });

  it('reaches every socket of every follower at once, and no one else; the bank learns no recipient and no count', async () => {
    const follower = await customer();
    const bystander = await customer();
    await follow(t.app, follower, bank.id, true);
    const [phone, laptop, other] = await Promise.all([connect(t, follower), connect(t, follower), connect(t, bystander)]);
    try {
      const response = await postNotice(t.app, key.secret, { text: '  Online banking is down on Sunday 02:00–04:00 UTC.  ' });
      expect(response.statusCode).toBe(201);
      const answer = response.json() as NoticeApiResult;
      expect(Object.keys(answer).sort()).toEqual(['noticeId', 'sentAt']);

      const expected = { type: 'notice', notice: { id: answer.noticeId, businessId: bank.id, text: 'Online banking is down on Sunday 02:00–04:00 UTC.', sentAt: clock.now() } };
      expect(await phone.take('notice')).toEqual(expected);
      expect(await laptop.take('notice')).toEqual(expected);
      expect((await other.quiet()).filter((frame) => frame.type === 'notice')).toEqual([]);
    } finally {
      await Promise.all([phone.close(), laptop.close(), other.close()]);
    }
  });

  it('is stored once however many follow, is read later by followers only, and only from when they started following', async () => {
    const early = await customer();
    const offline = await customer();
    const never = await customer();
    clock.advance(1_000); // past the notices earlier tests sent
    await follow(t.app, early, bank.id, true);
    await follow(t.app, offline, bank.id, true);
    clock.advance(1_000);
    const first = await noticeOk(t.app, key.secret, `Branch hours change ${randomUUID()}`);
    clock.advance(1_000);
    const late = await customer();
    await follow(t.app, late, bank.id, true);
    clock.advance(1_000);
    const second = await noticeOk(t.app, key.secret, `New card design ${randomUUID()}`);

    const stored = await store.ctx.db.selectFrom('notices').select('id').where('id', 'in', [first.noticeId, second.noticeId]).execute();
    expect(stored).toHaveLength(2);
    expect((await noticesOf(t.app, offline, bank.id)).notices.map((notice) => notice.id)).toEqual([second.noticeId, first.noticeId]);
    expect((await noticesOf(t.app, offline, bank.id, `&before=${second.noticeId}`)).notices.map((notice) => notice.id)).toEqual([first.noticeId]);
    expect((await noticesOf(t.app, late, bank.id)).notices.map((notice) => notice.id)).toEqual([second.noticeId]);
    const stranger = await t.app.inject({ url: `/v1/notices?businessId=${bank.id}&before=${randomUUID()}`, headers: { cookie: offline.cookie } });
    expect([stranger.statusCode, codeOf(stranger)]).toEqual([404, 'ERR_NOT_FOUND']);
    expect((await noticesOf(t.app, never, bank.id)).notices).toEqual([]);

    await follow(t.app, early, bank.id, false);
    expect((await noticesOf(t.app, early, bank.id)).notices).toEqual([]);
  });

  it('pages through notices sent in the same millisecond without skipping or repeating one', async () => {
    const person = await customer();
    clock.advance(1_000);
    await follow(t.app, person, bank.id, true);
    const sent = [await noticeOk(t.app, key.secret, 'Same ms one'), await noticeOk(t.app, key.secret, 'Same ms two'), await noticeOk(t.app, key.secret, 'Same ms three')];
    expect(new Set(sent.map((notice) => notice.sentAt)).size).toBe(1);
    const seen: string[] = [];
    let before = '';
    for (let page = 0; page < 4; page++) {
      const { notices } = await noticesOf(t.app, person, bank.id, `&limit=1${before}`);
      if (notices.length === 0) break;
      seen.push(...notices.map((notice) => notice.id));
      before = `&before=${notices[notices.length - 1]?.id}`;
    }
    expect(seen.sort()).toEqual(sent.map((notice) => notice.noticeId).sort());
  });

  it('needs the notices:send scope, and replays one notice for one Idempotency-Key', async () => {
    const sender = await createKey(t.app, bank.id, ['messages:send']);
    const unscoped = await postNotice(t.app, sender.secret, { text: 'Hello everyone' });
    expect([unscoped.statusCode, codeOf(unscoped)]).toEqual([403, 'ERR_SCOPE_MISSING']);

    const idempotencyKey = randomUUID();
    const text = `Maintenance ${randomUUID()}`;
    const first = await postNotice(t.app, key.secret, { text }, idempotencyKey);
    const again = await postNotice(t.app, key.secret, { text }, idempotencyKey);
    expect(first.statusCode).toBe(201);
    expect([again.statusCode, again.headers['idempotent-replayed'], again.json()]).toEqual([201, 'true', first.json()]);
    const changed = await postNotice(t.app, key.secret, { text: `${text}!` }, idempotencyKey);
    expect([changed.statusCode, codeOf(changed)]).toEqual([422, 'ERR_IDEMPOTENCY_MISMATCH']);
    const rows = await store.ctx.db.selectFrom('notices').select('id').where('text', '=', text).execute();
    expect(rows).toHaveLength(1);
  });

  it('refuses blank, empty, too long and unknown fields with 400 ERR_VALIDATION', async () => {
    for (const body of [{ text: '   ' }, { text: '' }, { text: 'x'.repeat(1_001) }, { text: 'hi', to: 'everyone' }, {}]) {
      const response = await postNotice(t.app, key.secret, body);
      expect([response.statusCode, codeOf(response)], JSON.stringify(body)).toEqual([400, 'ERR_VALIDATION']);
    }
  });

  it("is part of the person's export, and their follows go with their account", async () => {
    const person = await customer();
    await follow(t.app, person, bank.id, true);
    const exported = (await t.app.inject({ url: '/v1/account/export', headers: { cookie: person.cookie } })).json() as { noticeFollows: NoticeFollow[] };
    expect(exported.noticeFollows).toEqual([{ businessId: bank.id, name: bank.name, following: true, since: clock.now() }]);
    const deleted = await t.app.inject({ method: 'DELETE', url: '/v1/account', headers: person.headers, payload: { confirm: 'delete my account' } });
    expect(deleted.statusCode).toBeLessThan(300);
    const left = await store.ctx.db.selectFrom('notice_follows').select('person_id').where('person_id', '=', person.me.id).execute();
    expect(left).toEqual([]);
  });
});

describe.each(dialects)('The notice limit on %s', (dialect) => {
  const clock = manualClock(Date.UTC(2026, 10, 3, 9, 0, 0));
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(dialect, { config: { adminToken, noticesPerDay: 2 }, deps: { clock } });
  });
  afterAll(async () => t?.close());

  it('refuses the notice past the daily limit with 429 ERR_NOTICE_LIMIT and Retry-After, and takes one again once the oldest is a day old', async () => {
    const bank = await sandboxBank(t.app, await signUpPerson(t.app));
    const key = await createKey(t.app, bank.id, ['notices:send']);
    await noticeOk(t.app, key.secret, 'One');
    clock.advance(60 * 60 * 1000);
    await noticeOk(t.app, key.secret, 'Two');
    const third = await postNotice(t.app, key.secret, { text: 'Three' });
    expect([third.statusCode, codeOf(third), third.headers['retry-after']]).toEqual([429, 'ERR_NOTICE_LIMIT', String((day - 60 * 60 * 1000) / 1000)]);
    clock.advance(day - 60 * 60 * 1000 + 1);
    expect((await postNotice(t.app, key.secret, { text: 'Three' })).statusCode).toBe(201);
  });
});

describe.each(dialects)('Notices across two Parley nodes on %s', (dialect) => {
  let t: TestApp;
  let second: FastifyInstance;
  let secondUrl: string;

  beforeAll(async () => {
    // Two nodes on one database and one bus, as a fleet behind a balancer runs with NATS.
    const bus = createInProcessBus();
    t = await createTestApp(dialect, { listen: true, config: { adminToken }, deps: { bus } });
    second = await buildApp(t.config, { bus });
    const port = await freePort();
    await second.listen({ port, host: '127.0.0.1' });
    secondUrl = `http://localhost:${port}`;
  });
  afterAll(async () => {
    await second?.close();
    await t?.close();
  });

  it('reaches a follower whose socket is on the other node, once', async () => {
    const person = await signUpPerson(t.app);
    await openBankConversation(t.app, person);
    const bank = await sandboxBank(t.app, person);
    await follow(t.app, person, bank.id, true);
    const key = await createKey(t.app, bank.id, ['notices:send']);
    const elsewhere = await connect({ ...t, baseUrl: secondUrl }, person, { origin: t.baseUrl });
    try {
      const sent = await noticeOk(t.app, key.secret, 'Across nodes');
      expect((await elsewhere.take('notice')).notice.id).toBe(sent.noticeId);
      expect((await elsewhere.quiet()).filter((frame) => frame.type === 'notice')).toEqual([]);
    } finally {
      await elsewhere.close();
    }
  });
});

describe('npm run bank -- notice', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('sqlite', { listen: true, config: { adminToken } });
  });
  afterAll(async () => t?.close());

  it("sends the Sandbox Bank's notice through the SDK with its API key, and says when it has none", async () => {
    const person = await signUpPerson(t.app);
    await openBankConversation(t.app, person);
    const bank = await sandboxBank(t.app, person);
    await follow(t.app, person, bank.id, true);
    const key = await createKey(t.app, bank.id, ['notices:send']);
    const root = path.resolve(import.meta.dirname, '../../..');
    const cli = path.join(root, 'packages/sandbox-bank/src/cli.ts');
    const run = (env: Record<string, string>) =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', cli, 'notice', 'Branch', 'closed', 'on', 'Monday.'], { cwd: root, env: { ...process.env, LOG_LEVEL: 'silent', ...env } });

    const socket = await connect(t, person);
    try {
      const { stdout } = await run({ PARLEY_URL: t.baseUrl, PARLEY_API_KEY: key.secret, PARLEY_WEBHOOK_SECRET: 'whsec_unused' });
      const frame = await socket.take('notice');
      expect(frame.notice.text).toBe('Branch closed on Monday.');
      expect(stdout).toContain(`Notice ${frame.notice.id} sent through ${t.baseUrl}`);
    } finally {
      await socket.close();
    }
    const failed = await run({ PARLEY_URL: t.baseUrl, DATA_DIR: path.join(t.config.dataDir, 'nowhere') }).catch((error: unknown) => error as { code: number; stderr: string });
    expect(failed).toMatchObject({ code: 1, stderr: expect.stringContaining('No API key for Parley: set PARLEY_API_KEY') });
  });
});
