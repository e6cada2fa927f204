import fs from 'node:fs';
import path from 'node:path';
import { accessPurposes, dataCategories, type AccessPurpose, type MoneyAccountList, type MoneyBalances, type MoneyTransactions } from '@parley/protocol';
import fc from 'fast-check';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFinancialData } from '../src/banking';
import * as consentRepository from '../src/banking/consent.repository';
import { refreshTokenOf } from '../src/banking/token.service';
import type { ServerContext } from '../src/context';
import type { Tables } from '../src/database';
import { createInProcessBus } from '../src/platform/bus';
import { cryptoRandom, systemClock } from '../src/platform/clock';
import { openDatabase } from '../src/platform/db/database';
import { isAppError } from '../src/platform/errors';
import { createMetrics } from '../src/platform/metrics';
import { KeyRing } from '../src/privacy';
import { linkBank, startBankingWorld, type BankingWorld } from './banking-fixtures';
import { dialects } from './context';
import { signUpPerson, type TestPerson } from './people';

// The one gate: purposes outside the closed list are refused (and logged) whatever the category
// and actor; and nothing readable of the bank's data or tokens sits in Parley's store.

const actors = ['person', 'bank-bot', 'system', 'agent:support-7'];
const forbiddenWords = ['advertising', 'marketing', 'analytics', 'profiling', 'sharing', 'ads', 'credit_scoring', 'SHOW_TO_USER', 'show_to_user ', ''];

describe.each(dialects)('the gate (%s)', (dialect) => {
  let world: BankingWorld;
  let ctx: ServerContext;
  let closeDb: () => Promise<void>;
  let alice: TestPerson;
  let nobody: TestPerson;
  let accountId: string;

  beforeAll(async () => {
    world = await startBankingWorld(dialect);
    alice = await signUpPerson(world.t.app, 'Alice');
    nobody = await signUpPerson(world.t.app, 'Nobody');
    expect((await linkBank(world, alice)).linked).toBe(world.institution.id);
    accountId = ((await world.t.app.inject({ url: '/v1/money/accounts', headers: { cookie: alice.cookie } })).json() as MoneyAccountList).accounts[0]!.id;
    // A second handle on the same store, as another Parley node would have: the gate is a plain function.
    const database = await openDatabase<Tables>(world.t.config);
    closeDb = () => database.close();
    ctx = {
      config: world.t.config,
      db: database.db,
      dialect: database.dialect,
      clock: systemClock,
      random: cryptoRandom,
      bus: createInProcessBus(),
      log: pino({ level: 'silent' }),
      metrics: createMetrics(),
      keys: new KeyRing(world.t.config),
    };
  });
  afterAll(async () => {
    await closeDb?.();
    await world?.close();
  });

  const logSize = async (personId: string) => (await ctx.db.selectFrom('access_log').select('id').where('person_id', '=', personId).execute()).length;
  const lastEntry = (personId: string) => ctx.db.selectFrom('access_log').selectAll().where('person_id', '=', personId).orderBy('seq', 'desc').executeTakeFirstOrThrow();

  it('refuses every purpose outside the closed list, for every category and actor, and logs each refusal', async () => {
    const before = await consentRepository.listConsentsOfPerson(ctx.db, alice.me.id);
    const purpose = fc.oneof(fc.constantFrom(...forbiddenWords), fc.string({ maxLength: 40 }), fc.stringMatching(/^[a-z_]{1,30}$/)).filter((word) => !(accessPurposes as readonly string[]).includes(word));
    await fc.assert(
      fc.asyncProperty(purpose, fc.constantFrom(...dataCategories), fc.constantFrom(...actors), fc.constantFrom(alice, nobody), fc.boolean(), async (word, category, actor, person, oneAccount) => {
        const size = await logSize(person.me.id);
        const request = { personId: person.me.id, category, actor, purpose: word as AccessPurpose, ...(oneAccount && person === alice ? { accountId } : {}) };
        const error = await readFinancialData(ctx, request).then(() => null, (caught: unknown) => caught);
        expect(isAppError(error) && error.code).toBe('ERR_PURPOSE_DENIED');
        expect(await logSize(person.me.id)).toBe(size + 1);
        const entry = await lastEntry(person.me.id);
        expect([entry.outcome, entry.category, entry.actor]).toEqual(['refused', category, actor]);
        expect(entry.reason).toMatch(/purpose/);
      }),
      { numRuns: 60 },
    );
    // No forced purpose reached the bank: the consent was not read meanwhile.
    expect((await consentRepository.listConsentsOfPerson(ctx.db, alice.me.id))[0]?.last_access_at).toBe(before[0]?.last_access_at);
  });

  it('has no other purpose in its type', () => {
    const request = (purpose: AccessPurpose) => ({ personId: alice.me.id, category: 'balances' as const, actor: 'system', purpose });
    // @ts-expect-error -- advertising is not an AccessPurpose: a caller cannot even write it without a cast.
    expect(request('advertising').purpose).toBe('advertising');
  });

  it('reads for each allowed purpose, and logs each read as allowed', async () => {
    for (const purpose of accessPurposes) {
      const [result] = await readFinancialData(ctx, { personId: alice.me.id, accountId, category: 'balances', purpose, actor: 'system' });
      expect(result?.data.kind).toBe('balances');
      expect(await lastEntry(alice.me.id)).toMatchObject({ outcome: 'allowed', purpose, account_id: accountId });
    }
  });

  it('refreshes an expired access token with the consent\'s DPoP key and keeps the rotated refresh token', async () => {
    const [consent] = await consentRepository.listConsentsOfPerson(ctx.db, alice.me.id);
    const before = (await consentRepository.findTokens(ctx.db, consent!.id))!;
    const oldRefresh = await refreshTokenOf(ctx, consent!);
    await ctx.db.updateTable('bank_tokens').set({ access_expires_at: 0 }).where('consent_id', '=', consent!.id).execute();
    const [result] = await readFinancialData(ctx, { personId: alice.me.id, category: 'transactions', purpose: 'show_to_user', actor: 'person' });
    expect(result?.data.kind === 'transactions' && result.data.transactions.length).toBeGreaterThan(0);
    const after = (await consentRepository.findTokens(ctx.db, consent!.id))!;
    expect(after.version).toBe(before.version + 1);
    expect(Number(after.access_expires_at)).toBeGreaterThan(Date.now());
    const newRefresh = await refreshTokenOf(ctx, consent!);
    expect(newRefresh).not.toBe(oldRefresh);
    expect(newRefresh?.length).toBeGreaterThan(20);
  });

  // The bank rotates refresh tokens and, as OAuth 2.0 Security BCP §4.14 asks, ends the whole
  // grant when a used one comes back. Reads that find the access token expired at the same time
  // must therefore refresh once between them, or the second refresh would revoke the consent.
  it('refreshes once for reads that find the access token expired at the same time, and the consent stays active', async () => {
    const [consent] = await consentRepository.listConsentsOfPerson(ctx.db, alice.me.id);
    const before = (await consentRepository.findTokens(ctx.db, consent!.id))!;
    await ctx.db.updateTable('bank_tokens').set({ access_expires_at: 0 }).where('consent_id', '=', consent!.id).execute();
    // Nothing answered from the cache: every read goes to the bank.
    await ctx.db.deleteFrom('bank_data_cache').execute();
    const read = (category: 'balances' | 'transactions' | 'account_details') => readFinancialData(ctx, { personId: alice.me.id, category, purpose: 'show_to_user', actor: 'person' });
    // Every-account balances alone asks the bank for two lists at once.
    const results = await Promise.all([read('balances'), read('transactions'), read('account_details'), read('balances')]);
    expect(results.map(([result]) => result?.data.kind)).toEqual(['balances', 'transactions', 'accounts', 'balances']);
    const [balances] = results[0]!;
    expect(balances?.data.kind === 'balances' && [balances.data.accounts.length > 0, balances.data.balances.length > 0]).toEqual([true, true]);
    expect((await consentRepository.findTokens(ctx.db, consent!.id))!.version).toBe(before.version + 1);
    expect((await consentRepository.listConsentsOfPerson(ctx.db, alice.me.id))[0]?.status).toBe('active');
    // And the bank still honours it.
    await ctx.db.deleteFrom('bank_data_cache').execute();
    expect((await read('balances'))[0]?.data.kind).toBe('balances');
  });

  // The app and this test's handle on the store are two nodes: each has its own in-process
  // refreshes, so only the lease in bank_tokens keeps them from refreshing the same consent.
  it('refreshes once when two nodes find the access token expired at the same time', async () => {
    const [consent] = await consentRepository.listConsentsOfPerson(ctx.db, alice.me.id);
    const before = (await consentRepository.findTokens(ctx.db, consent!.id))!;
    await ctx.db.updateTable('bank_tokens').set({ access_expires_at: 0 }).where('consent_id', '=', consent!.id).execute();
    await ctx.db.deleteFrom('bank_data_cache').execute();
    const here = (category: 'transactions' | 'account_details') => readFinancialData(ctx, { personId: alice.me.id, category, purpose: 'show_to_user', actor: 'person' });
    const there = () => world.t.app.inject({ url: '/v1/money/accounts', headers: { cookie: alice.cookie } });
    const [listed, transactions, details, listedAgain] = await Promise.all([there(), here('transactions'), here('account_details'), there()]);
    expect([listed.statusCode, listedAgain.statusCode]).toEqual([200, 200]);
    expect((listed.json() as MoneyAccountList).accounts.length).toBeGreaterThan(0);
    expect([transactions[0]?.data.kind, details[0]?.data.kind]).toEqual(['transactions', 'accounts']);
    const after = (await consentRepository.findTokens(ctx.db, consent!.id))!;
    expect([after.version, after.refreshing_until]).toEqual([before.version + 1, null]);
    expect((await consentRepository.listConsentsOfPerson(ctx.db, alice.me.id))[0]?.status).toBe('active');
  });

  it('sweeps expired cached data and keeps live entries', async () => {
    const [consent] = await consentRepository.listConsentsOfPerson(ctx.db, alice.me.id);
    const now = Date.now();
    const row = (id: string, expiresAt: number) => ({ id, consent_id: consent!.id, body_sealed: 'sealed', fetched_at: now - 60_000, expires_at: expiresAt });
    await ctx.db.deleteFrom('bank_data_cache').execute();
    await ctx.db.insertInto('bank_data_cache').values([row('expired-entry', now - 1), row('live-entry', now + 60_000)]).execute();
    expect(await world.t.app.banking.sweepExpiredCache()).toBe(1);
    expect((await ctx.db.selectFrom('bank_data_cache').select('id').execute()).map((entry) => entry.id)).toEqual(['live-entry']);
    await ctx.db.deleteFrom('bank_data_cache').execute();
  });

  it('reads one account\'s balances without asking the bank for the account list', async () => {
    await ctx.db.deleteFrom('bank_data_cache').execute();
    const [result] = await readFinancialData(ctx, { personId: alice.me.id, accountId, category: 'balances', purpose: 'show_to_user', actor: 'person' });
    expect(result?.data.kind === 'balances' && result.data.accounts).toEqual([]);
    expect(result?.data.kind === 'balances' && result.data.balances.every((balance) => `${result.consentId}.${balance.bankAccountId}` === accountId)).toBe(true);
  });

  it('keeps no plaintext token, balance or transaction text in the store', async () => {
    const headers = { cookie: alice.cookie };
    const balances = (await world.t.app.inject({ url: `/v1/money/accounts/${accountId}/balances`, headers })).json() as MoneyBalances;
    const transactions = (await world.t.app.inject({ url: `/v1/money/accounts/${accountId}/transactions`, headers })).json() as MoneyTransactions;
    const [consent] = await consentRepository.listConsentsOfPerson(ctx.db, alice.me.id);
    const refreshToken = await refreshTokenOf(ctx, consent!);
    const canaries = [
      refreshToken!,
      ...transactions.transactions.flatMap((t) => [t.merchant, t.description]).filter((text): text is string => text !== null && text.length >= 6),
      ...balances.balances.map((b) => `"amount":"${b.amount}"`),
      ...balances.balances.map((b) => b.amount.replace('-', '')).filter((amount) => amount.length >= 7),
    ];
    expect(refreshToken?.length).toBeGreaterThan(20);
    expect(canaries.length).toBeGreaterThan(3);

    const tables = ['consents', 'bank_tokens', 'bank_data_cache', 'link_sessions', 'access_log', 'consent_receipts', 'data_keys', 'institutions'] as const;
    const rows = await Promise.all(tables.map((table) => ctx.db.selectFrom(table).selectAll().execute()));
    const dump = JSON.stringify(rows);
    expect(dump).toContain(consent!.id);
    expect(canaries.filter((canary) => dump.includes(canary))).toEqual([]);
    if (dialect === 'sqlite') {
      const files = fs.readdirSync(world.t.config.dataDir).filter((name) => /\.(db|sqlite)(-wal|-shm)?$/.test(name) || name.includes('.db'));
      expect(files.length).toBeGreaterThan(0);
      const bytes = Buffer.concat(files.map((name) => fs.readFileSync(path.join(world.t.config.dataDir, name))));
      expect(bytes.includes(Buffer.from(consent!.id))).toBe(true);
      expect(canaries.filter((canary) => bytes.includes(Buffer.from(canary)))).toEqual([]);
    }
  });
});
