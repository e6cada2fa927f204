import type { AlertKind } from '@parley/protocol';
import type { Db } from '../database';

export interface RelatedBusinessRow {
  id: string;
  name: string;
}

/**
 * Every business the person talks to or linked an account at (an active consent): the ones
 * whose alerts they may switch on. Reads messaging's and banking's tables (they do not import
 * this domain).
 */
export async function listRelatedBusinesses(db: Db, personId: string): Promise<RelatedBusinessRow[]> {
  const talked = db.selectFrom('conversations').select('business_id').where('person_id', '=', personId);
  const linked = db
    .selectFrom('consents')
    .innerJoin('institutions', 'institutions.id', 'consents.institution_id')
    .select('institutions.business_id')
    .where('consents.person_id', '=', personId)
    .where('consents.status', '=', 'active');
  return db
    .selectFrom('businesses')
    .select(['id', 'name'])
    .where((eb) => eb.or([eb('id', 'in', talked), eb('id', 'in', linked)]))
    .orderBy('name')
    .execute();
}

/** The kinds the person switched on, per business. */
export async function listEnabledKinds(db: Db, personId: string): Promise<{ business_id: string; kind: AlertKind }[]> {
  return db.selectFrom('alert_preferences').select(['business_id', 'kind']).where('person_id', '=', personId).execute();
}

/** Switch kinds on (a row) and off (no row) for one business, in one transaction. */
export async function setKinds(db: Db, input: { personId: string; businessId: string; on: AlertKind[]; off: AlertKind[]; now: number }): Promise<void> {
  await db.transaction().execute(async (trx) => {
    if (input.off.length > 0) {
      await trx.deleteFrom('alert_preferences').where('person_id', '=', input.personId).where('business_id', '=', input.businessId).where('kind', 'in', input.off).execute();
    }
    if (input.on.length > 0) {
      const rows = input.on.map((kind) => ({ person_id: input.personId, business_id: input.businessId, kind, updated_at: input.now }));
      await trx.insertInto('alert_preferences').values(rows).onConflict((conflict) => conflict.columns(['person_id', 'business_id', 'kind']).doNothing()).execute();
    }
  });
}
