import type { ServerContext } from '../context';
import { isSealed, loadKeysOfSealed, loadOwnerKeys, type DataKeySet, type PrivacyContext, type SealAad } from '../privacy';
import type { AlertRow } from './alert.repository';

/*
 * An alert's card (`alerts.body`: the headline, facts and actions a bank sent — amounts,
 * merchants, places) is stored sealed under the data key of the person it was sent to, like
 * their message bodies: deleting their account erases it everywhere, backups included. The
 * associated data binds a card to its alert id and person, so a card copied onto another row
 * does not open there. Cards stored before sealing existed are plain JSON and read as they are.
 */

/** An alert row as its readers see it: `body` is the card's plain JSON; `erased` when it no longer opens. */
export type OpenAlertRow<Row extends AlertRow = AlertRow> = Row & { readonly erased?: true };

/** What a card whose key was destroyed (or whose seal is broken) reads as: nothing to answer. */
const erasedCard = JSON.stringify({ headline: 'This alert was erased.', facts: [], actions: [] });

function alertAad(row: Pick<AlertRow, 'id' | 'person_id'>): SealAad {
  return { table: 'alerts', rowId: row.id, owner: `person:${row.person_id}` };
}

/**
 * The keys of a batch's people, loaded before its transaction (the alert writer's), so each
 * card seals synchronously: one read of `data_keys` for the batch at most, none when cached.
 */
export async function alertSealerFor(ctx: PrivacyContext, personIds: Iterable<string>): Promise<(row: AlertRow) => AlertRow> {
  const { keyIds, keys } = await loadOwnerKeys(ctx, 'person', personIds);
  return (row) => {
    const keyId = keyIds.get(row.person_id);
    if (keyId === undefined) throw new Error(`No data key was loaded for person ${row.person_id}.`);
    return Object.assign({}, row, { body: keys.seal({ keyId, aad: alertAad(row) }, row.body) });
  };
}

/** One erased alert reads as such; the rest of the history still reads. */
function openOne(ctx: ServerContext, keys: DataKeySet, row: AlertRow): { body: string; erased?: true } {
  const body = keys.openOrErased({ aad: alertAad(row) }, row.body, () => ctx.log.warn({ alertId: row.id }, 'an alert card does not open here: altered or moved'));
  return body === undefined ? { body: erasedCard, erased: true } : { body };
}

/**
 * The same rows with each card opened to its plain JSON: every reader of `alerts.body` goes
 * through here. One load of the keys the page names (none when cached), however many rows.
 */
export async function openAlerts<Row extends AlertRow>(ctx: ServerContext, rows: readonly Row[]): Promise<Array<OpenAlertRow<Row>>> {
  const sealed = rows.filter((row) => isSealed(row.body));
  if (sealed.length === 0) return [...rows];
  const keys = await loadKeysOfSealed(ctx, sealed.map((row) => row.body));
  return rows.map((row) => (isSealed(row.body) ? Object.assign({}, row, openOne(ctx, keys, row)) : row));
}

/** `openAlerts` for one row (or none). */
export async function openAlert<Row extends AlertRow>(ctx: ServerContext, row: Row | undefined): Promise<OpenAlertRow<Row> | undefined> {
  return row && (await openAlerts(ctx, [row]))[0];
}
