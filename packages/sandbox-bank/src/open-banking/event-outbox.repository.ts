import type { Kysely, Transaction } from 'kysely';
import type { BankTables } from '../database';
import { endConsent } from './consent.repository';
import type { ConsentEventRow } from './consent.table';

type Db = Kysely<BankTables> | Transaction<BankTables>;

export async function insertConsentEvent(db: Db, row: ConsentEventRow): Promise<void> {
  await db.insertInto('consent_event_outbox').values(row).execute();
}

/** Undelivered events whose next try is due, oldest first, that have not used up their tries. */
export async function dueConsentEvents(db: Db, input: { now: number; maxAttempts: number; limit: number }): Promise<ConsentEventRow[]> {
  return db
    .selectFrom('consent_event_outbox')
    .selectAll()
    .where('delivered_at', 'is', null)
    .where('next_attempt_at', '<=', input.now)
    .where('attempts', '<', input.maxAttempts)
    .orderBy('next_attempt_at')
    .limit(input.limit)
    .execute();
}

/** When the next undelivered event is due (ms), or null when none waits. */
export async function nextConsentEventDue(db: Db, maxAttempts: number): Promise<number | null> {
  const row = await db
    .selectFrom('consent_event_outbox')
    .select((eb) => eb.fn.min('next_attempt_at').as('due'))
    .where('delivered_at', 'is', null)
    .where('attempts', '<', maxAttempts)
    .executeTakeFirst();
  return row?.due === null || row?.due === undefined ? null : Number(row.due);
}

export async function markConsentEventDelivered(db: Db, input: { id: string; at: number }): Promise<void> {
  await db
    .updateTable('consent_event_outbox')
    .set((eb) => ({ delivered_at: input.at, attempts: eb('attempts', '+', 1), last_error: null }))
    .where('id', '=', input.id)
    .execute();
}

export async function markConsentEventFailed(db: Db, input: { id: string; nextAttemptAt: number; error: string }): Promise<void> {
  await db
    .updateTable('consent_event_outbox')
    .set((eb) => ({ next_attempt_at: input.nextAttemptAt, attempts: eb('attempts', '+', 1), last_error: input.error.slice(0, 500) }))
    .where('id', '=', input.id)
    .execute();
}

/**
 * End a consent and queue its event in one transaction: both happen or neither. Returns false
 * (and queues nothing) when the consent had already ended.
 */
export async function endConsentWithEvent(db: Kysely<BankTables>, input: { consentId: string; at: number; event: ConsentEventRow | null }): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    if (!(await endConsent(trx, { id: input.consentId, status: 'CANC', at: input.at }))) return false;
    if (input.event) await insertConsentEvent(trx, input.event);
    return true;
  });
}
