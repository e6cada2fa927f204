import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ConsentList } from '@parley/protocol';
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findConsent } from '../../sandbox-bank/src/open-banking';
import * as consentRepository from '../src/banking/consent.repository';
import { refreshTokenOf } from '../src/banking/token.service';
import type { ServerContext } from '../src/context';
import type { Tables } from '../src/database';
import { createInProcessBus } from '../src/platform/bus';
import { cryptoRandom, systemClock } from '../src/platform/clock';
import { openDatabase } from '../src/platform/db/database';
import { createMetrics } from '../src/platform/metrics';
import { KeyRing, masterKeyFile } from '../src/privacy';
import { linkBank, startBankingWorld, type BankingWorld } from './banking-fixtures';
import { openStore } from './business-fixtures';
import { dialects } from './context';
import { signUpPerson, type TestPerson } from './people';

// "Delete my account": consents revoked at the bank, every key of mine destroyed, my rows gone,
// every session dead — and a copy of the database from before cannot be decrypted afterwards.

const password = 'correct horse battery staple';

describe.each(dialects)('account deletion (%s)', (dialect) => {
  let world: BankingWorld;
  const folders: string[] = [];
  beforeAll(async () => {
    world = await startBankingWorld(dialect);
  });
  afterAll(async () => {
    await world?.close();
    for (const folder of folders) fs.rmSync(folder, { recursive: true, force: true });
  });

  const remove = (person: TestPerson, payload: unknown, headers: Record<string, string> = person.headers) =>
    world.t.app.inject({ method: 'DELETE', url: '/v1/account', headers, payload: payload as Record<string, unknown> });
  const me = (cookie: string) => world.t.app.inject({ url: '/v1/me', headers: { cookie } }).then((r) => r.statusCode);

  /** A Parley context over a restored copy of the store, with Parley's key file as it is now. */
  async function contextOver(dataDir: string): Promise<{ ctx: ServerContext; close(): Promise<void> }> {
    const config = { ...world.t.config, dataDir };
    fs.copyFileSync(path.join(world.t.config.dataDir, masterKeyFile), path.join(dataDir, masterKeyFile));
    fs.chmodSync(path.join(dataDir, masterKeyFile), 0o600);
    const database = await openDatabase<Tables>(config);
    const ctx: ServerContext = { config, db: database.db, dialect: database.dialect, clock: systemClock, random: cryptoRandom, bus: createInProcessBus(), log: pino({ level: 'silent' }), metrics: createMetrics(), keys: new KeyRing(config) };
    return { ctx, close: () => database.close() };
  }

  it('refuses without the confirmation phrase or the CSRF token, and changes nothing', async () => {
    const person = await signUpPerson(world.t.app);
    for (const payload of [{}, { confirm: 'yes' }, { confirm: 'delete my account', extra: 1 }]) {
      const response = await remove(person, payload);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ error: { code: 'ERR_VALIDATION' } });
    }
    const noCsrf = await remove(person, { confirm: 'delete my account' }, { cookie: person.cookie });
    expect(noCsrf.statusCode).toBe(403);
    expect((await world.t.app.inject({ method: 'DELETE', url: '/v1/account', payload: { confirm: 'delete my account' } })).statusCode).toBe(401);
    expect(await me(person.cookie)).toBe(200);
  });

  it('revokes at the bank, signs out everywhere, erases my rows and keys; a backup from before cannot be decrypted', async () => {
    const alice = await signUpPerson(world.t.app, 'Alice Leaving');
    const bob = await signUpPerson(world.t.app, 'Bob Staying');
    expect((await linkBank(world, alice)).linked).toBe(world.institution.id);
    expect((await world.t.app.inject({ url: '/v1/money/accounts', headers: { cookie: alice.cookie } })).statusCode).toBe(200);
    const [consent] = ((await world.t.app.inject({ url: '/v1/consents', headers: { cookie: alice.cookie } })).json() as ConsentList).consents;
    // A second session on another device.
    const signIn = () => world.t.app.inject({ method: 'POST', url: '/v1/auth/password/sign-in', payload: { email: alice.me.email, password } });
    const other = await signIn();
    expect(other.statusCode).toBe(200);
    const otherCookie = String(other.headers['set-cookie']).split(';')[0] ?? '';

    const store = await openStore(world.t.config);
    const consentRow = (await consentRepository.listConsentsOfPerson(store.db, alice.me.id))[0]!;
    const keyIds = (await store.db.selectFrom('data_keys').select('id').where('owner_id', 'in', [alice.me.id, consent!.id]).execute()).map((row) => row.id);
    expect(keyIds.length).toBeGreaterThan(0);
    // The backup, as an operator takes it while Parley runs (SQLite: a file copy).
    const restoreDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-restore-'));
    folders.push(restoreDir);
    if (dialect === 'sqlite') {
      await sql`vacuum into ${path.join(restoreDir, 'parley.db')}`.execute(store.db);
      const before = await contextOver(restoreDir);
      expect((await refreshTokenOf(before.ctx, consentRow))?.length).toBeGreaterThan(20);
      await before.close();
    }

    const deleted = await remove(alice, { confirm: 'delete my account' });
    expect(deleted.statusCode).toBe(200);
    expect(deleted.json()).toEqual({ deleted: true, consentsRevoked: 1, dataKeysDestroyed: expect.any(Number), backupsUnreadable: true });
    expect(String(deleted.headers['set-cookie'])).toMatch(/Expires=Thu, 01 Jan 1970|Max-Age=0/i);

    // Signed out everywhere, and cannot sign in again; Bob is untouched.
    expect(await me(alice.cookie)).toBe(401);
    expect(await me(otherCookie)).toBe(401);
    expect((await signIn()).statusCode).toBe(401);
    expect(await me(bob.cookie)).toBe(200);

    // The bank shows the consent revoked.
    expect((await findConsent(world.bank.ctx.db, consentRow.bank_consent_id))?.status).toBe('CANC');

    // Nothing of Alice is left readable: no rows, and every key of hers and her consent destroyed.
    try {
      const count = async (table: 'access_log' | 'access_log_heads' | 'consent_receipts' | 'consents' | 'sessions' | 'passkeys' | 'conversations' | 'bsids' | 'link_sessions') =>
        (await store.db.selectFrom(table).select(sql<number>`count(*)`.as('n')).where('person_id', '=', alice.me.id).executeTakeFirstOrThrow()).n;
      for (const table of ['access_log', 'access_log_heads', 'consent_receipts', 'consents', 'sessions', 'passkeys', 'conversations', 'bsids', 'link_sessions'] as const) {
        expect([table, Number(await count(table))]).toEqual([table, 0]);
      }
      expect(await store.db.selectFrom('people').select('id').where('id', '=', alice.me.id).executeTakeFirst()).toBeUndefined();
      expect(await store.db.selectFrom('bank_tokens').select('consent_id').where('consent_id', '=', consent!.id).executeTakeFirst()).toBeUndefined();
      const keys = await store.db.selectFrom('data_keys').select(['wrapped_key', 'destroyed_at']).where('id', 'in', keyIds).execute();
      expect(keys.every((key) => key.wrapped_key === null && key.destroyed_at !== null)).toBe(true);
      // Bob still has his session and his own rows.
      expect(await store.db.selectFrom('people').select('id').where('id', '=', bob.me.id).executeTakeFirst()).toBeDefined();
    } finally {
      await store.close();
    }

    // The backup from before still holds the sealed refresh token, but nothing can open it now.
    if (dialect === 'sqlite') {
      const after = await contextOver(restoreDir);
      expect(await consentRepository.findTokens(after.ctx.db, consentRow.id)).toBeDefined();
      expect(await refreshTokenOf(after.ctx, consentRow)).toBeNull();
      await after.close();
    }
  });
});
