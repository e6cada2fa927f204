import { createHmac, hash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AccessLogEntry, AccessLogPage, AccessLogQuery, AccessOutcome, DataCategory } from '@parley/protocol';
import { AppError } from '../platform/errors';
import * as accessLog from './access-log.repository';
import { serviceKey, type PrivacyContext } from './data-key.service';
import type { KeyRing } from './master-key.ring';
import type { AccessLogRow } from './privacy.table';

/** One access to record; `purpose` is what was asked for, even a refused word like `advertising`. */
export interface AccessEntryInput {
  readonly personId: string;
  /** `person`, `bank-bot`, `system` or `agent:<id>`. */
  readonly actor: string;
  readonly institution: { readonly id: string; readonly name: string };
  readonly accountId: string | null;
  readonly category: DataCategory;
  readonly purpose: string;
  readonly outcome: AccessOutcome;
  /** Why it was refused; leave out when allowed. */
  readonly reason?: string | null;
}

/** The hash before a person's first entry. */
export const genesisHash = '0'.repeat(64);
const actorPattern = /^(person|bank-bot|system|agent:[A-Za-z0-9_-]{1,64})$/;

/** SHA-256 over the entry in a fixed field order, then the previous entry's hash. */
export function entryHash(row: Omit<AccessLogRow, 'hash'>): string {
  const canonical = JSON.stringify([
    'parley access log v1',
    row.id,
    row.person_id,
    row.seq,
    row.at,
    row.actor,
    row.institution_id,
    row.institution_name,
    row.account_id,
    row.category,
    row.purpose,
    row.outcome,
    row.reason,
  ]);
  return hash('sha256', `${canonical}\0${row.prev_hash}`, 'hex');
}

const sealKeys = new WeakMap<KeyRing, Buffer>();

/** The `access-log` service key (made on first use), kept per ring: it never changes. */
async function sealKey(ctx: PrivacyContext): Promise<Buffer> {
  let key = sealKeys.get(ctx.keys);
  if (!key) {
    key = await serviceKey(ctx, 'access-log', () => randomBytes(32));
    sealKeys.set(ctx.keys, key);
  }
  return key;
}

/** The head's seal: an HMAC only a holder of the master key can make, over where the chain ends. */
function headSeal(key: Buffer, head: { personId: string; seq: number; hash: string }): string {
  return createHmac('sha256', key).update(`parley access log head\0${head.personId}\0${head.seq}\0${head.hash}`).digest('hex');
}

/**
 * Append to the person's access log. Appends of one person are serialized on their chain head
 * (a row lock on PostgreSQL, across every node), so the chain never forks; (person, seq) is
 * also unique as a last guard.
 */
export async function appendAccess(ctx: PrivacyContext, entry: AccessEntryInput): Promise<AccessLogEntry> {
  if (!actorPattern.test(entry.actor)) throw new AppError('ERR_VALIDATION', { message: `Unknown actor "${entry.actor}".` });
  if (entry.outcome === 'refused' && !entry.reason) throw new AppError('ERR_VALIDATION', { message: 'A refused access needs its reason.' });
  const key = await sealKey(ctx);
  const row = await accessLog.appendChained(ctx.db, { personId: entry.personId, genesis: genesisHash, dialect: ctx.dialect }, (head) => {
    const unhashed: Omit<AccessLogRow, 'hash'> = {
      id: ctx.random.uuid(),
      person_id: entry.personId,
      seq: head.seq + 1,
      at: ctx.clock.now(),
      actor: entry.actor,
      institution_id: entry.institution.id,
      institution_name: entry.institution.name,
      account_id: entry.accountId,
      category: entry.category,
      purpose: entry.purpose,
      outcome: entry.outcome,
      reason: entry.outcome === 'refused' ? (entry.reason ?? null) : null,
      prev_hash: head.hash,
    };
    const hashed = Object.assign({}, unhashed, { hash: entryHash(unhashed) });
    return { row: hashed, seal: headSeal(key, { personId: entry.personId, seq: hashed.seq, hash: hashed.hash }) };
  });
  return toEntry(row);
}

function toEntry(row: AccessLogRow): AccessLogEntry {
  return {
    seq: row.seq,
    at: row.at,
    actor: row.actor,
    institution: { id: row.institution_id, name: row.institution_name },
    accountId: row.account_id,
    category: row.category as DataCategory,
    purpose: row.purpose,
    outcome: row.outcome,
    reason: row.reason,
    hash: row.hash,
  };
}

/** The person's own log, newest first, filtered and paged. Only ever one person's entries. */
export async function listAccess(ctx: PrivacyContext, personId: string, query: AccessLogQuery = {}): Promise<AccessLogPage> {
  const limit = query.limit ?? 50;
  const rows = await accessLog.listEntries(ctx.db, Object.assign({}, query, { personId, limit: limit + 1 }));
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { entries: page.map(toEntry), nextBefore: rows.length > limit && last ? last.seq : null };
}

/** The first entry that does not fit its chain, and why. */
export interface ChainBreak {
  readonly personId: string;
  readonly seq: number;
  /** The stored row's id, or null when the break is a missing entry. */
  readonly entryId: string | null;
  readonly problem: string;
}

export interface ChainReport {
  readonly people: number;
  readonly entries: number;
  readonly broken: ChainBreak | null;
}

const pageSize = 1_000;

/** Walk one person's chain from seq 1: each entry must follow the last (seq, prev_hash) and hash to itself. */
async function verifyPerson(ctx: PrivacyContext, personId: string): Promise<{ entries: number; broken: ChainBreak | null }> {
  let expected = { seq: 1, prevHash: genesisHash };
  let entries = 0;
  const broken = (seq: number, entryId: string | null, problem: string) => ({ entries, broken: { personId, seq, entryId, problem } });
  for (;;) {
    const rows = await accessLog.chainPage(ctx.db, { personId, afterSeq: expected.seq - 1, limit: pageSize });
    for (const row of rows) {
      if (row.seq !== expected.seq) return broken(expected.seq, null, `entry ${expected.seq} is missing (the next stored one is ${row.seq})`);
      if (row.prev_hash !== expected.prevHash) return broken(row.seq, row.id, `entry ${row.seq} does not follow entry ${row.seq - 1} (moved, reordered or its predecessor changed)`);
      if (entryHash(row) !== row.hash) return broken(row.seq, row.id, `entry ${row.seq} was changed after it was written`);
      expected = { seq: row.seq + 1, prevHash: row.hash };
      entries++;
    }
    if (rows.length < pageSize) break;
  }
  const head = await accessLog.findHead(ctx.db, personId);
  const lastSeq = expected.seq - 1;
  if (!head) return broken(lastSeq, null, 'the chain head is missing');
  if (head.seq !== lastSeq || head.hash !== expected.prevHash) {
    return broken(head.seq, null, head.seq > lastSeq ? `entries after ${lastSeq} (up to ${head.seq}) are missing` : `the chain head does not match entry ${lastSeq}`);
  }
  const seal = headSeal(await sealKey(ctx), { personId, seq: head.seq, hash: head.hash });
  if (!head.seal || head.seal.length !== seal.length || !timingSafeEqual(Buffer.from(head.seal), Buffer.from(seal))) {
    return broken(head.seq, null, 'the chain head\'s seal does not match: the log was rewritten by someone without Parley\'s keys');
  }
  return { entries, broken: null };
}

/**
 * Check the access log of one person, or of everyone: the first entry that was edited, deleted
 * or reordered is named. (Deleting a whole chain and its head leaves nothing to compare against;
 * docs/privacy.md says what the chain does and does not prove.)
 */
export async function verifyChain(ctx: PrivacyContext, personId?: string): Promise<ChainReport> {
  const people = personId === undefined ? await accessLog.peopleWithChains(ctx.db) : [personId];
  let entries = 0;
  for (const person of people) {
    const result = await verifyPerson(ctx, person);
    entries += result.entries;
    if (result.broken) return { people: people.length, entries, broken: result.broken };
  }
  return { people: people.length, entries, broken: null };
}
