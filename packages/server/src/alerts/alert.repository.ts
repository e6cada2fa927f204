import type { AlertKind } from '@parley/protocol';
import { sql } from 'kysely';
import type { Db } from '../database';
import type { AlertsTable } from './alert.table';
import type { Dialect } from '../platform/db/database';
import { fixedQuery } from '../platform/db/fixed-query';
import { cachedStatement, runStatement, valuesList } from '../platform/db/values-list';

export type AlertRow = AlertsTable;

/** Who a BSID names at this bank, their conversation with it, and whether they switched this kind of alert on. */
export interface AlertRecipientRow {
  person_id: string;
  business_name: string;
  conversation_id: string | null;
  enabled: boolean;
}

/** Run `work` in a transaction of its own (on SQLite, its hand-written statements run at once: platform/db/run-now.ts). */
export { inTransaction } from '../platform/db/run-now';

/**
 * One query: the person this business's BSID names (undefined when the BSID is not this
 * business's), their conversation with it, and their switch for `kind`.
 */
const recipientQuery = fixedQuery((db: Db, businessId: string, bsid: string, kind: string) =>
  db
    .selectFrom('bsids as b')
    .leftJoin('conversations as c', (join) => join.onRef('c.business_id', '=', 'b.business_id').onRef('c.person_id', '=', 'b.person_id'))
    .leftJoin('alert_preferences as p', (join) => join.onRef('p.business_id', '=', 'b.business_id').onRef('p.person_id', '=', 'b.person_id').on('p.kind', '=', kind as AlertKind))
    .innerJoin('businesses as biz', 'biz.id', 'b.business_id')
    .select(['b.person_id', 'biz.name as business_name', 'c.id as conversation_id', 'p.kind as enabled_kind'])
    .where('b.business_id', '=', businessId)
    .where('b.bsid', '=', bsid),
);

export async function findRecipient(db: Db, input: { businessId: string; bsid: string; kind: AlertKind }): Promise<AlertRecipientRow | undefined> {
  const [row] = await recipientQuery(db, input.businessId, input.bsid, input.kind);
  if (!row) return undefined;
  return { person_id: row.person_id, business_name: row.business_name, conversation_id: row.conversation_id ?? null, enabled: row.enabled_kind !== null && row.enabled_kind !== undefined };
}

const alertColumns = [
  'id', 'business_id', 'person_id', 'bsid', 'conversation_id', 'kind', 'body', 'source_key',
  'expires_at', 'created_at', 'answer_action_id', 'answered_at', 'answer_stepped_up',
] as const satisfies readonly (keyof AlertRow)[];
const alertTypes = ['text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'bigint', 'bigint', 'text', 'bigint', 'int'] as const;

/**
 * Store an alert, unless it is there already (its id, or its business's request key: a request
 * that ran again). Runs inside the transaction that stores the alert's card (alert.service.ts),
 * where it must not fail the other messages of the batch. One hand-written statement, prepared
 * once (platform/db/values-list.ts).
 */
export async function insertAlert(trx: Db, dialect: Dialect, row: AlertRow): Promise<void> {
  const text = cachedStatement(`alert-insert:${dialect}`, () => `insert into alerts (${alertColumns.join(', ')}) values ${valuesList(dialect, 1, alertTypes)} on conflict do nothing`);
  await runStatement(trx, text, alertColumns.map((column) => row[column]));
}

export async function findAlert(db: Db, alertId: string): Promise<AlertRow | undefined> {
  const row = await db.selectFrom('alerts').selectAll().where('id', '=', alertId).executeTakeFirst();
  return row && normalize(row);
}

/** Store the answer if there is none yet; false when another answer got there first. */
export async function storeAnswer(trx: Db, input: { alertId: string; actionId: string; answeredAt: number; steppedUp: boolean }): Promise<boolean> {
  const result = await trx
    .updateTable('alerts')
    .set({ answer_action_id: input.actionId, answered_at: input.answeredAt, answer_stepped_up: input.steppedUp ? 1 : 0 })
    .where('id', '=', input.alertId)
    .where('answered_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export interface AlertHistoryRow extends AlertRow {
  business_name: string;
}

/** The person's alerts, newest first, from before the `before` alert when given; `limit + 1` rows tell if there are more. */
export async function listAlerts(db: Db, input: { personId: string; before?: AlertRow; limit: number }): Promise<AlertHistoryRow[]> {
  let query = db
    .selectFrom('alerts as a')
    .innerJoin('businesses as b', 'b.id', 'a.business_id')
    .selectAll('a')
    .select('b.name as business_name')
    .where('a.person_id', '=', input.personId);
  const { before } = input;
  if (before) {
    query = query.where((eb) =>
      eb.or([eb('a.created_at', '<', before.created_at), eb.and([eb('a.created_at', '=', before.created_at), eb('a.id', '<', before.id)])]),
    );
  }
  const rows = await query.orderBy('a.created_at', 'desc').orderBy('a.id', 'desc').limit(input.limit + 1).execute();
  return rows.map((row) => Object.assign(normalize(row), { business_name: row.business_name }));
}

/**
 * Alerts whose card (`alert_<id>`) or answer (`answer_<id>`) is not in the conversation: what a
 * crash between storing the alert (or its answer) and appending the message left behind.
 * Only alerts still open, or answered, since `since`.
 */
export async function findUndelivered(db: Db, input: { now: number; since: number }): Promise<{ cards: AlertHistoryRow[]; answers: AlertRow[] }> {
  const cards = await db
    .selectFrom('alerts as a')
    .innerJoin('businesses as b', 'b.id', 'a.business_id')
    .leftJoin('messages as m', (join) => join.onRef('m.conversation_id', '=', 'a.conversation_id').on('m.client_id', '=', sql<string>`'alert_' || a.id`))
    .selectAll('a')
    .select('b.name as business_name')
    .where('m.seq', 'is', null)
    .where('a.expires_at', '>', input.now)
    .where('a.answered_at', 'is', null)
    .execute();
  const answers = await db
    .selectFrom('alerts as a')
    .leftJoin('messages as m', (join) => join.onRef('m.conversation_id', '=', 'a.conversation_id').on('m.client_id', '=', sql<string>`'answer_' || a.id`))
    .selectAll('a')
    .where('m.seq', 'is', null)
    .where('a.answered_at', '>=', input.since)
    .execute();
  return { cards: cards.map((row) => Object.assign(normalize(row), { business_name: row.business_name })), answers: answers.map(normalize) };
}

/** PostgreSQL returns bigint columns as strings. */
function normalize(row: AlertRow): AlertRow {
  return Object.assign({}, row, {
    expires_at: Number(row.expires_at),
    created_at: Number(row.created_at),
    answered_at: row.answered_at === null ? null : Number(row.answered_at),
    answer_stepped_up: row.answer_stepped_up === null ? null : Number(row.answer_stepped_up),
  });
}
