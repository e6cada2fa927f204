import { PostgresAdapter, type Insertable } from 'kysely';
import type { Db } from '../database';
import type { BusinessMembersTable, BusinessRow, MemberRow } from './business.table';

/** A membership with the person's name and email, as the member list shows it. */
export interface MemberViewRow extends MemberRow {
  email: string | null;
  display_name: string;
}

export async function findMembership(db: Db, businessId: string, personId: string): Promise<MemberRow | undefined> {
  return db
    .selectFrom('business_members')
    .selectAll()
    .where('business_id', '=', businessId)
    .where('person_id', '=', personId)
    .executeTakeFirst();
}

/** Returns false, storing nothing, when the person is already a member. */
export async function insertMember(db: Db, member: Insertable<BusinessMembersTable>): Promise<boolean> {
  const result = await db
    .insertInto('business_members')
    .values(member)
    .onConflict((oc) => oc.columns(['business_id', 'person_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

// Members are people, so the list reads their name and email from identity's table in the
// same query rather than one lookup per member.
function memberViews(db: Db) {
  return db
    .selectFrom('business_members as m')
    .innerJoin('people as p', 'p.id', 'm.person_id')
    .selectAll('m')
    .select(['p.email', 'p.display_name']);
}

export async function listMemberViews(db: Db, businessId: string): Promise<MemberViewRow[]> {
  return memberViews(db).where('m.business_id', '=', businessId).orderBy('m.created_at').orderBy('m.id').execute();
}

export async function findMemberView(db: Db, businessId: string, memberId: string): Promise<MemberViewRow | undefined> {
  return memberViews(db).where('m.business_id', '=', businessId).where('m.id', '=', memberId).executeTakeFirst();
}

/** The person with this (lower-cased) email: identity owns the table, a member is added by it. */
export async function findPersonIdByEmail(db: Db, email: string): Promise<string | undefined> {
  const row = await db.selectFrom('people').select('id').where('email', '=', email).executeTakeFirst();
  return row?.id;
}

export async function listMembershipsOfPerson(db: Db, personId: string): Promise<Array<BusinessRow & { role: MemberRow['role']; member_id: string }>> {
  return db
    .selectFrom('business_members as m')
    .innerJoin('businesses as b', 'b.id', 'm.business_id')
    .selectAll('b')
    .select(['m.role', 'm.id as member_id'])
    .where('m.person_id', '=', personId)
    .orderBy('b.name')
    .execute();
}

/**
 * Delete a membership unless it is the business's last owner. The owners' rows are locked
 * first (PostgreSQL), so two owners removing each other at once cannot leave none.
 */
export async function deleteMemberKeepingAnOwner(db: Db, businessId: string, memberId: string): Promise<'deleted' | 'absent' | 'last-owner'> {
  const isPostgres = db.getExecutor().adapter instanceof PostgresAdapter;
  return db.transaction().execute(async (trx) => {
    const owners = await trx
      .selectFrom('business_members')
      .select('id')
      .where('business_id', '=', businessId)
      .where('role', '=', 'owner')
      .$if(isPostgres, (query) => query.forUpdate())
      .execute();
    if (owners.length === 1 && owners[0]?.id === memberId) return 'last-owner';
    const result = await trx
      .deleteFrom('business_members')
      .where('business_id', '=', businessId)
      .where('id', '=', memberId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0 ? 'deleted' : 'absent';
  });
}
