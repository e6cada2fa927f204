import { alertKinds, type AlertBusinessPreferences, type AlertKind, type AlertKindSwitches, type AlertPreferences, type AlertPreferencesUpdate } from '@parley/protocol';
import type { ServerContext } from '../context';
import { AppError } from '../platform/errors';
import * as preferences from './preference.repository';

function switchesOf(enabled: ReadonlySet<string>): AlertKindSwitches {
  return Object.fromEntries(alertKinds.map((kind) => [kind, enabled.has(kind)])) as AlertKindSwitches;
}

/** Every bank the person talks to or linked, with each kind of alert on or off (off unless they switched it on). */
export async function listPreferences(ctx: ServerContext, personId: string): Promise<AlertPreferences> {
  const [businesses, enabled] = await Promise.all([preferences.listRelatedBusinesses(ctx.db, personId), preferences.listEnabledKinds(ctx.db, personId)]);
  const byBusiness = new Map<string, Set<string>>();
  for (const row of enabled) {
    const kinds = byBusiness.get(row.business_id) ?? new Set<string>();
    kinds.add(row.kind);
    byBusiness.set(row.business_id, kinds);
  }
  return {
    businesses: businesses.map((business) => ({ businessId: business.id, name: business.name, kinds: switchesOf(byBusiness.get(business.id) ?? new Set()) })),
  };
}

/**
 * Switch kinds of alerts from one bank on or off; the kinds not named stay as they are. Only a
 * bank the person talks to or linked (another is 404, as if it did not exist).
 */
export async function updatePreferences(
  ctx: ServerContext,
  input: { personId: string; businessId: string; update: AlertPreferencesUpdate },
): Promise<AlertBusinessPreferences> {
  const current = await listPreferences(ctx, input.personId);
  const business = current.businesses.find((candidate) => candidate.businessId === input.businessId);
  if (!business) throw new AppError('ERR_NOT_FOUND', { message: 'You do not talk to this business and have not linked it.' });
  const on: AlertKind[] = [];
  const off: AlertKind[] = [];
  for (const kind of alertKinds) {
    const wanted = input.update.kinds[kind];
    if (wanted === true) on.push(kind);
    if (wanted === false) off.push(kind);
  }
  await preferences.setKinds(ctx.db, { personId: input.personId, businessId: input.businessId, on, off, now: ctx.clock.now() });
  const kinds = { ...business.kinds };
  for (const kind of on) kinds[kind] = true;
  for (const kind of off) kinds[kind] = false;
  return Object.assign({}, business, { kinds });
}
