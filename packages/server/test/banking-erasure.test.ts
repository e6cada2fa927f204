import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import * as oidc from 'openid-client';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as consentRepository from '../src/banking/consent.repository';
import { findInstitution } from '../src/banking/institution.service';
import { connectorOf } from '../src/banking/ob.connector';
import { refreshTokenOf } from '../src/banking/token.service';
import type { ServerContext } from '../src/context';
import type { Tables } from '../src/database';
import { createInProcessBus } from '../src/platform/bus';
import { cryptoRandom, systemClock } from '../src/platform/clock';
import { openDatabase } from '../src/platform/db/database';
import { createMetrics } from '../src/platform/metrics';
import { KeyRing } from '../src/privacy';
import { readFinancialData } from '../src/banking';
import { accessPurposes, dataCategories } from '@parley/protocol';
import { linkBank, startBankingWorld, type BankingWorld } from './banking-fixtures';
import { signUpPerson } from './people';

// Crypto-shredding reaches backups: a copy of the database taken while a consent was live holds
// its sealed refresh token, and after the revocation nothing in the running Parley can open it.
// SQLite only: the copy is a file (VACUUM INTO).

describe('a backup after a revocation', () => {
  let world: BankingWorld;
  const folders: string[] = [];
  beforeAll(async () => {
    world = await startBankingWorld('sqlite');
  });
  afterAll(async () => {
    await world?.close();
    for (const folder of folders) fs.rmSync(folder, { recursive: true, force: true });
  });

  /** A Parley context over a copy of the store, with a fresh key ring from Parley's key file (nothing cached). */
  async function contextOver(dataDir: string): Promise<{ ctx: ServerContext; close(): Promise<void> }> {
    const config = { ...world.t.config, dataDir };
    fs.copyFileSync(path.join(world.t.config.dataDir, 'master.key'), path.join(dataDir, 'master.key'));
    fs.chmodSync(path.join(dataDir, 'master.key'), 0o600);
    const database = await openDatabase<Tables>(config);
    const ctx: ServerContext = { config, db: database.db, dialect: database.dialect, clock: systemClock, random: cryptoRandom, bus: createInProcessBus(), log: pino({ level: 'silent' }), metrics: createMetrics(), keys: new KeyRing(config) };
    return { ctx, close: () => database.close() };
  }

  /** Another handle on the running Parley's own store, as a second node would have. */
  async function liveContext(): Promise<{ ctx: ServerContext; close(): Promise<void> }> {
    const config = world.t.config;
    const database = await openDatabase<Tables>(config);
    const ctx: ServerContext = { config, db: database.db, dialect: database.dialect, clock: systemClock, random: cryptoRandom, bus: createInProcessBus(), log: pino({ level: 'silent' }), metrics: createMetrics(), keys: new KeyRing(config) };
    return { ctx, close: () => database.close() };
  }

  it('reads nothing in 1,000 attempts after a revocation, and a backup from before cannot be decrypted', async () => {
    const alice = await signUpPerson(world.t.app, 'Alice');
    expect((await linkBank(world, alice)).linked).toBe(world.institution.id);
    // The backup, as an operator would take it while Parley runs, restored into a folder of its own.
    const restoreDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-restore-'));
    folders.push(restoreDir);
    const live = await openDatabase<Tables>(world.t.config);
    await sql`vacuum into ${path.join(restoreDir, 'parley.db')}`.execute(live.db);
    const [consent] = await consentRepository.listConsentsOfPerson(live.db, alice.me.id);
    await live.close();

    // Before: the backup opens (the test would prove nothing otherwise).
    const before = await contextOver(restoreDir);
    expect((await refreshTokenOf(before.ctx, consent!))?.length).toBeGreaterThan(20);
    await before.close();

    const accounts = (await world.t.app.inject({ url: '/v1/money/accounts', headers: { cookie: alice.cookie } })).json() as { accounts: { id: string }[] };
    const accountId = accounts.accounts[0]!.id;
    const revoked = await world.t.app.inject({ method: 'DELETE', url: `/v1/consents/${consent!.id}`, headers: alice.headers });
    expect(revoked.statusCode).toBe(200);

    // 1,000 attempts by every path this server has (HTTP and the gate, each purpose, category
    // and actor) read nothing, and each is in the log as refused.
    const node = await liveContext();
    const ctx = node.ctx;
    let read = 0;
    for (let attempt = 0; attempt < 900; attempt++) {
      const purpose = accessPurposes[attempt % accessPurposes.length]!;
      const category = dataCategories[attempt % dataCategories.length]!;
      const request = { personId: alice.me.id, category, purpose, actor: ['person', 'bank-bot', 'system'][attempt % 3]!, ...(attempt % 2 ? { accountId } : {}) };
      if (await readFinancialData(ctx, request).then(() => true, () => false)) read++;
    }
    for (let attempt = 0; attempt < 100; attempt++) {
      const url = ['/v1/money/accounts', `/v1/money/accounts/${accountId}/balances`, `/v1/money/accounts/${accountId}/transactions`][attempt % 3]!;
      const response = await world.t.app.inject({ url, headers: { cookie: alice.cookie } });
      if (response.statusCode === 200 && JSON.stringify(response.json()).includes('"amount"')) read++;
    }
    expect(read).toBe(0);
    const refusals = await ctx.db.selectFrom('access_log').select('id').where('person_id', '=', alice.me.id).where('outcome', '=', 'refused').execute();
    expect(refusals.length).toBeGreaterThanOrEqual(1000);
    await node.close();

    // After: the same backup, with Parley's key file as it is now, opens nothing.
    const after = await contextOver(restoreDir);
    expect(await consentRepository.findTokens(after.ctx.db, consent!.id)).toBeDefined();
    expect(await refreshTokenOf(after.ctx, consent!)).toBeNull();
    await after.close();
  });
});

// A bank that ends a grant without telling anyone: the next refresh answers invalid_grant, and
// Parley revokes the consent with the same erasure as any other revocation.
describe('a refresh the bank refuses (invalid_grant)', () => {
  let world: BankingWorld;
  beforeAll(async () => {
    world = await startBankingWorld('sqlite', { bankEvents: false });
  });
  afterAll(() => world?.close());

  it('ends the consent as revoked by the bank, erases it, and refuses the read', async () => {
    const alice = await signUpPerson(world.t.app, 'Alice');
    expect((await linkBank(world, alice)).linked).toBe(world.institution.id);
    const database = await openDatabase<Tables>(world.t.config);
    const config = world.t.config;
    const ctx: ServerContext = { config, db: database.db, dialect: database.dialect, clock: systemClock, random: cryptoRandom, bus: createInProcessBus(), log: pino({ level: 'silent' }), metrics: createMetrics(), keys: new KeyRing(config) };
    try {
      const [consent] = await consentRepository.listConsentsOfPerson(ctx.db, alice.me.id);
      const refreshToken = (await refreshTokenOf(ctx, consent!))!;
      const institution = (await findInstitution(ctx.db, world.institution.id))!;
      await oidc.tokenRevocation(await connectorOf(ctx).configFor(institution), refreshToken);
      await ctx.db.updateTable('bank_tokens').set({ access_expires_at: 0 }).where('consent_id', '=', consent!.id).execute();

      const read = await world.t.app.inject({ url: '/v1/money/accounts', headers: { cookie: alice.cookie } });
      expect(read.json()).toEqual({ accounts: [] });
      const [after] = await consentRepository.listConsentsOfPerson(ctx.db, alice.me.id);
      expect([after?.status, after?.ended_by]).toEqual(['revoked', 'bank']);
      expect(await consentRepository.findTokens(ctx.db, consent!.id)).toBeUndefined();
      const entry = await ctx.db.selectFrom('access_log').selectAll().where('person_id', '=', alice.me.id).orderBy('seq', 'desc').executeTakeFirstOrThrow();
      expect([entry.outcome, entry.reason]).toEqual(['refused', 'consent revoked at the bank (invalid_grant)']);
    } finally {
      await connectorOf(ctx).close();
      await database.close();
    }
  });
});
