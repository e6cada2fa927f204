import type { AccessLogEntry, AccessLogPage } from '@parley/protocol';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { appendAccess, verifyChain, type AccessEntryInput, type ReceiptContext } from '../src/privacy';
import { entryHash } from '../src/privacy/access-log.service';
import { createTestApp, dialects, type TestApp } from './context';
import { signUpPerson, type TestPerson } from './people';
import { openPrivacyContext, parley } from './privacy-fixtures';

const bank = { id: 'sandbox-bank', name: 'Sandbox Bank' };

function entry(personId: string, overrides: Partial<AccessEntryInput> = {}): AccessEntryInput {
  return { personId, actor: 'person', institution: bank, accountId: 'acc-1', category: 'balances', purpose: 'show_to_user', outcome: 'allowed', ...overrides };
}

describe.each(dialects)('the access log on %s', (dialect) => {
  let t: TestApp;
  let side: Awaited<ReturnType<typeof openPrivacyContext>>;
  let ctx: ReceiptContext;
  let alice: TestPerson;
  let bob: TestPerson;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    side = await openPrivacyContext(t.config);
    ctx = side.ctx;
    alice = await signUpPerson(t.app, 'Alice');
    bob = await signUpPerson(t.app, 'Bob');
  });
  afterAll(async () => {
    await side?.close();
    await t?.close();
  });

  const readLog = async (person: TestPerson, query = ''): Promise<AccessLogPage> => {
    const response = await t.app.inject({ url: `/v1/privacy/access-log${query}`, headers: { cookie: person.cookie } });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<AccessLogPage>();
  };

  it('chains each person\'s entries (seq 1, 2, 3… each hashing the one before) and serves them newest first, to that person only', async () => {
    const first = await appendAccess(ctx, entry(alice.me.id));
    const second = await appendAccess(ctx, entry(alice.me.id, { actor: 'bank-bot', category: 'transactions', purpose: 'deliver_alert' }));
    const refused = await appendAccess(ctx, entry(alice.me.id, { actor: 'agent:ag_7', purpose: 'advertising', outcome: 'refused', reason: 'purpose not allowed' }));
    await appendAccess(ctx, entry(bob.me.id, { accountId: 'bob-secret-account' }));
    expect([first.seq, second.seq, refused.seq]).toEqual([1, 2, 3]);
    expect(new Set([first.hash, second.hash, refused.hash]).size).toBe(3);

    const page = await readLog(alice);
    expect(page.entries.map((e) => e.seq)).toEqual([3, 2, 1]);
    expect(page.entries[0]).toMatchObject({ actor: 'agent:ag_7', purpose: 'advertising', outcome: 'refused', reason: 'purpose not allowed', institution: bank });
    expect(page.nextBefore).toBeNull();
    // BOLA: Bob's entry never shows in Alice's log, and hers never in his.
    expect(JSON.stringify(page)).not.toContain('bob-secret-account');
    expect((await readLog(bob)).entries).toEqual([expect.objectContaining({ seq: 1, accountId: 'bob-secret-account' })]);
    expect((await t.app.inject({ url: '/v1/privacy/access-log' })).statusCode).toBe(401);
  });

  it('filters by category, purpose, outcome and time, and pages with nextBefore', async () => {
    const person = await signUpPerson(t.app);
    const stamps: AccessLogEntry[] = [];
    for (let i = 0; i < 5; i++) stamps.push(await appendAccess(ctx, entry(person.me.id, { category: i % 2 ? 'transactions' : 'balances' })));
    await appendAccess(ctx, entry(person.me.id, { purpose: 'marketing', outcome: 'refused', reason: 'purpose not allowed' }));

    expect((await readLog(person, '?category=transactions')).entries.map((e) => e.seq)).toEqual([4, 2]);
    expect((await readLog(person, '?outcome=refused')).entries.map((e) => e.purpose)).toEqual(['marketing']);
    expect((await readLog(person, '?purpose=show_to_user')).entries).toHaveLength(5);
    const from = stamps[2]?.at ?? 0;
    expect((await readLog(person, `?from=${from}`)).entries.every((e) => e.at >= from)).toBe(true);
    expect((await readLog(person, `?to=${from}`)).entries.every((e) => e.at < from)).toBe(true);

    const one = await readLog(person, '?limit=4');
    expect(one.entries.map((e) => e.seq)).toEqual([6, 5, 4, 3]);
    expect(one.nextBefore).toBe(3);
    const two = await readLog(person, `?limit=4&before=${one.nextBefore}`);
    expect(two.entries.map((e) => e.seq)).toEqual([2, 1]);
    expect(two.nextBefore).toBeNull();

    const bad = await t.app.inject({ url: '/v1/privacy/access-log?category=salary', headers: { cookie: person.cookie } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('ERR_VALIDATION');
  });

  it('never forks a chain under concurrent appends (on PostgreSQL also from two connection pools: two nodes)', async () => {
    const person = await signUpPerson(t.app);
    // SQLite is one node by design (one writer); PostgreSQL fleets append from many nodes at once.
    const other = dialect === 'postgres' ? await openPrivacyContext(t.config) : side;
    try {
      const appends = Array.from({ length: 30 }, (_, i) => appendAccess(i % 2 ? ctx : other.ctx, entry(person.me.id, { accountId: `acc-${i}` })));
      const written = await Promise.all(appends);
      expect(written.map((e) => e.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    } finally {
      if (other !== side) await other.close();
    }
    expect(await verifyChain(ctx, person.me.id)).toMatchObject({ entries: 30, broken: null });
  });

  it('refuses an unknown actor and a refusal without its reason', async () => {
    await expect(appendAccess(ctx, entry(alice.me.id, { actor: 'advertiser' }))).rejects.toMatchObject({ code: 'ERR_VALIDATION' });
    await expect(appendAccess(ctx, entry(alice.me.id, { outcome: 'refused' }))).rejects.toMatchObject({ code: 'ERR_VALIDATION' });
  });

  describe('`parley audit verify` catches tampering', () => {
    let person: string;
    const rows = () => ctx.db.selectFrom('access_log').selectAll().where('person_id', '=', person).orderBy('seq').execute();
    beforeEach(async () => {
      person = (await signUpPerson(t.app)).me.id;
      for (let i = 1; i <= 5; i++) await appendAccess(ctx, entry(person, { accountId: `acc-${i}` }));
      const intact = await parley(t.config, ['audit', 'verify', '--person', person]);
      expect(intact.code, intact.stderr).toBe(0);
      expect(intact.stdout).toContain('Access log intact: 5 entries of 1 people verified.');
    });

    it('an edited entry', async () => {
      await ctx.db.updateTable('access_log').set({ purpose: 'support_context' }).where('person_id', '=', person).where('seq', '=', 3).execute();
      const run = await parley(t.config, ['audit', 'verify']);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain(`person ${person} at entry 3`);
      expect(run.stdout).toMatch(/changed after it was written/);
    });

    it('an edited entry whose hash was recomputed by hand (the next entry no longer follows it)', async () => {
      const third = (await rows())[2];
      await ctx.db.updateTable('access_log').set({ outcome: 'refused', reason: 'x', hash: 'f'.repeat(64) }).where('id', '=', third?.id ?? '').execute();
      const run = await parley(t.config, ['audit', 'verify', '--person', person]);
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/at entry 3 .*changed after it was written/);
    });

    it('a deleted entry in the middle', async () => {
      await ctx.db.deleteFrom('access_log').where('person_id', '=', person).where('seq', '=', 2).execute();
      const run = await parley(t.config, ['audit', 'verify', '--person', person]);
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/at entry 2: entry 2 is missing/);
    });

    it('a deleted last entry', async () => {
      await ctx.db.deleteFrom('access_log').where('person_id', '=', person).where('seq', '=', 5).execute();
      const run = await parley(t.config, ['audit', 'verify', '--person', person, '--json']);
      expect(run.code).toBe(1);
      expect(JSON.parse(run.stdout)).toMatchObject({ broken: { personId: person, seq: 5, problem: expect.stringMatching(/missing/) } });
    });

    it('two entries swapped (reordered)', async () => {
      const [, second, third] = await rows();
      // Swap seq 2 and 3 through a free value, as an attacker with SQL access would.
      await ctx.db.updateTable('access_log').set({ seq: 1_000_000 }).where('id', '=', second?.id ?? '').execute();
      await ctx.db.updateTable('access_log').set({ seq: 2 }).where('id', '=', third?.id ?? '').execute();
      await ctx.db.updateTable('access_log').set({ seq: 3 }).where('id', '=', second?.id ?? '').execute();
      const run = await parley(t.config, ['audit', 'verify', '--person', person]);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain(`at entry 2 (id ${third?.id})`);
    });

    it('a chain rewritten with every later hash and the head recomputed (the head seal needs Parley\'s key)', async () => {
      let previous = (await rows())[1]?.hash ?? '';
      for (const row of (await rows()).slice(2)) {
        const edited = { ...row, purpose: row.seq === 3 ? 'support_context' : row.purpose, prev_hash: previous };
        const hash = entryHash(edited);
        await ctx.db.updateTable('access_log').set({ purpose: edited.purpose, prev_hash: previous, hash }).where('id', '=', row.id).execute();
        previous = hash;
      }
      await ctx.db.updateTable('access_log_heads').set({ hash: previous }).where('person_id', '=', person).execute();
      const run = await parley(t.config, ['audit', 'verify', '--person', person]);
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/at entry 5: the chain head's seal does not match/);
    });

    it('a timestamp moved by raw SQL', async () => {
      await sql`update access_log set at = at - 86400000 where person_id = ${person} and seq = 4`.execute(ctx.db);
      const run = await parley(t.config, ['audit', 'verify', '--person', person]);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('at entry 4');
    });
  });
});
