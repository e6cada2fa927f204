import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimProofJti } from '../src/oidc/oidc.repository';
import { openBankDatabase, type BankDatabase } from '../src/platform/database';

describe('DPoP proof claims', () => {
  let dataDir: string;
  let database: BankDatabase;
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bank-proofs-'));
    database = await openBankDatabase(dataDir);
  });
  afterAll(async () => {
    await database.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const synchronous = async (): Promise<number> => (await sql<{ synchronous: number }>`pragma synchronous`.execute(database.db)).rows[0]!.synchronous;

  it('takes a jti once, refuses it again (also after reopening), and leaves the bank’s writes fsynced', async () => {
    expect(await synchronous()).toBe(2);
    const id = randomUUID();
    const until = Date.now() + 120_000;
    expect(await claimProofJti(database.db, { id, until })).toBe(true);
    expect(await claimProofJti(database.db, { id, until })).toBe(false);
    // The claim itself is not fsynced; every other write of the bank still is (FULL = 2).
    expect(await synchronous()).toBe(2);
    // A restart of the bank remembers the proof.
    await database.close();
    database = await openBankDatabase(dataDir);
    expect(await claimProofJti(database.db, { id, until })).toBe(false);
    expect(await claimProofJti(database.db, { id: randomUUID(), until })).toBe(true);
  });
});
