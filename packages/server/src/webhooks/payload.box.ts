import type { ServerContext } from '../context';
import { dataKeyIdsOf, isSealed, loadDataKeys, loadKeysOfSealed, type DataKeySet, type KeyRing, type PrivacyContext, type SealAad } from '../privacy';

/*
 * Outbox payloads are sealed at rest like message bodies (docs/privacy.md). An event that
 * carries a person's words (message.created, postback, standby) is sealed under that person's
 * data key, so deleting their account also stops a pending delivery and erases the copy in any
 * backup; the rest (read marks, handovers, link.completed …) under the `webhook-payloads`
 * service key. The associated data binds a payload to its event id and business. Signatures
 * are computed over the opened plaintext, byte for byte what was recorded.
 */

const serviceName = 'webhook-payloads';

/** The keys of people whose words a batch of events carries, loaded before the transaction (the group committer's). */
export interface PersonPayloadKeys {
  readonly keys: DataKeySet;
  keyIdOf(personId: string): string | undefined;
}

interface LoadedServiceKey {
  readonly keyId: string;
  readonly keys: DataKeySet;
}

const serviceKeys = new WeakMap<KeyRing, LoadedServiceKey>();

/** Load (making it on first start) the service key payloads without a person are sealed under. buildApp calls it once. */
export async function loadPayloadKey(ctx: PrivacyContext): Promise<void> {
  const keyId = (await dataKeyIdsOf(ctx, 'service', [serviceName])).get(serviceName)!;
  serviceKeys.set(ctx.keys, { keyId, keys: await loadDataKeys(ctx, [keyId]) });
}

function payloadAad(place: { eventId: string; businessId: string }): SealAad {
  return { table: 'webhook_events', rowId: place.eventId, owner: `business:${place.businessId}` };
}

/**
 * Seal one payload, synchronously (it runs inside the change's transaction). Under the
 * person's key when `personId` is given and loaded, else the service key. A context without a
 * key ring (a bare test store) writes plain JSON, which the dispatcher reads as legacy.
 */
export function sealPayload(
  ctx: { readonly keys?: KeyRing | undefined },
  place: { eventId: string; businessId: string; personId?: string | undefined; personKeys?: PersonPayloadKeys | undefined },
  payload: string,
): string {
  if (!ctx.keys) return payload;
  const personKeyId = place.personId === undefined ? undefined : place.personKeys?.keyIdOf(place.personId);
  if (personKeyId !== undefined && place.personKeys?.keys.usable(personKeyId)) return place.personKeys.keys.seal({ keyId: personKeyId, aad: payloadAad(place) }, payload);
  const service = serviceKeys.get(ctx.keys);
  if (!service) throw new Error('The webhook payload key is not loaded: call loadPayloadKey(ctx) at start.');
  return service.keys.seal({ keyId: service.keyId, aad: payloadAad(place) }, payload);
}

/**
 * Open claimed deliveries' payloads (one key load for the lot). A payload whose key was
 * destroyed (the person deleted their account) comes back null: it must not be sent.
 */
export async function openPayloads<Row extends { event_id: string; business_id: string; payload: string }>(
  ctx: PrivacyContext & Partial<Pick<ServerContext, 'log'>>,
  rows: readonly Row[],
): Promise<Array<Omit<Row, 'payload'> & { payload: string | null }>> {
  const sealed = rows.filter((row) => isSealed(row.payload));
  if (sealed.length === 0) return [...rows];
  const keys = await loadKeysOfSealed(ctx, sealed.map((row) => row.payload));
  return rows.map((row) => {
    if (!isSealed(row.payload)) return row;
    const broken = () => ctx.log?.warn({ eventId: row.event_id }, 'a webhook payload does not open here: altered or moved');
    return Object.assign({}, row, { payload: keys.openOrErased({ aad: payloadAad({ eventId: row.event_id, businessId: row.business_id }) }, row.payload, broken) ?? null });
  });
}
