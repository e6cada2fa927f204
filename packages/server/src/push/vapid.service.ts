import webPush from 'web-push';
import type { ServerContext } from '../context';
import { dataKeyOf, openText, seal } from '../privacy';
import * as push from './push.repository';

/** Parley's VAPID identity (RFC 8292): push services know which server sends to their users. */
export interface Vapid {
  readonly publicKey: string;
  readonly privateKey: string;
  /** Who to contact about this server's pushes: its https origin, or a mailto: for a local one. */
  readonly subject: string;
}

const owner = { kind: 'service', id: 'push' } as const;
const rowId = 'vapid';
const aad = { table: 'push_vapid', rowId, owner: 'service:push' };

/**
 * The VAPID key pair, made on first start and kept in the database (sealed under the `push`
 * service key), so every node and every restart signs with the same key: a subscription is
 * bound to the key it was made with.
 */
export async function ensureVapid(ctx: ServerContext): Promise<Vapid> {
  let row = await push.findVapid(ctx.db);
  if (!row) {
    const keys = webPush.generateVAPIDKeys();
    const keyId = await dataKeyOf(ctx, owner);
    await push.insertVapid(ctx.db, {
      id: rowId,
      public_key: keys.publicKey,
      private_sealed: await seal(ctx, { keyId, aad }, keys.privateKey),
      created_at: ctx.clock.now(),
    });
    row = await push.findVapid(ctx.db);
  }
  if (!row) throw new Error('The VAPID key could not be stored.');
  const privateKey = await openText(ctx, { aad }, row.private_sealed);
  return { publicKey: row.public_key, privateKey, subject: vapidSubject(ctx.config.publicUrl) };
}

/** Apple's push service refuses a localhost subject; an operator's https origin is what they expect. */
function vapidSubject(publicUrl: URL): string {
  const local = publicUrl.hostname === 'localhost' || publicUrl.hostname === '127.0.0.1';
  return publicUrl.protocol === 'https:' && !local ? publicUrl.origin : 'mailto:operator@localhost';
}
