import type { BusinessRole } from '@parley/protocol';
import type { Insertable } from 'kysely';
import type { Db } from '../database';
import type { BusinessInviteRow, BusinessInvitesTable } from './inbox.table';

export async function insertInvite(db: Db, row: Insertable<BusinessInvitesTable>): Promise<void> {
  await db.insertInto('business_invites').values(row).execute();
}

/** Invites that can still be accepted. */
export async function listOpenInvites(db: Db, businessId: string, now: number): Promise<BusinessInviteRow[]> {
  return db
    .selectFrom('business_invites')
    .selectAll()
    .where('business_id', '=', businessId)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('created_at', 'desc')
    .limit(500)
    .execute();
}

export async function revokeInvite(db: Db, options: { businessId: string; inviteId: string; at: number }): Promise<boolean> {
  const result = await db
    .updateTable('business_invites')
    .set({ revoked_at: options.at })
    .where('business_id', '=', options.businessId)
    .where('id', '=', options.inviteId)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** The invite with this token hash if it can still be accepted. */
export async function findUsableInvite(db: Db, tokenHash: string, now: number): Promise<BusinessInviteRow | undefined> {
  return db
    .selectFrom('business_invites')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
}

/**
 * Use the invite and make the person a member, in one transaction: 'used' when the invite was
 * already used (or revoked, or expired) by the time we got there; 'member' when the person
 * already belongs to the business (the invite stays usable).
 */
export async function acceptInvite(
  db: Db,
  options: { invite: BusinessInviteRow; personId: string; memberId: string; role: BusinessRole; now: number },
): Promise<'accepted' | 'used' | 'member'> {
  return db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('business_members')
      .select('id')
      .where('business_id', '=', options.invite.business_id)
      .where('person_id', '=', options.personId)
      .executeTakeFirst();
    if (existing) return 'member';
    const used = await trx
      .updateTable('business_invites')
      .set({ used_at: options.now })
      .where('id', '=', options.invite.id)
      .where('used_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', options.now)
      .executeTakeFirst();
    if (Number(used.numUpdatedRows) === 0) return 'used';
    await trx
      .insertInto('business_members')
      .values({ id: options.memberId, business_id: options.invite.business_id, person_id: options.personId, role: options.role, created_at: options.now })
      .execute();
    return 'accepted';
  });
}
