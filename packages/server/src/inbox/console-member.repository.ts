import type { BusinessRole } from '@parley/protocol';
import type { Db } from '../database';

/** A member as the console needs them: who (person), their role and the name others see. */
export interface ConsoleMemberRow {
  id: string;
  person_id: string;
  role: BusinessRole;
  display_name: string;
}

export async function listConsoleMembers(db: Db, businessId: string): Promise<ConsoleMemberRow[]> {
  return db
    .selectFrom('business_members as bm')
    .innerJoin('people as p', 'p.id', 'bm.person_id')
    .select(['bm.id', 'bm.person_id', 'bm.role', 'p.display_name'])
    .where('bm.business_id', '=', businessId)
    .orderBy('bm.created_at')
    .orderBy('bm.id')
    .execute();
}

export async function findConsoleMember(db: Db, businessId: string, personId: string): Promise<ConsoleMemberRow | undefined> {
  return db
    .selectFrom('business_members as bm')
    .innerJoin('people as p', 'p.id', 'bm.person_id')
    .select(['bm.id', 'bm.person_id', 'bm.role', 'p.display_name'])
    .where('bm.business_id', '=', businessId)
    .where('bm.person_id', '=', personId)
    .executeTakeFirst();
}

export async function memberName(db: Db, memberId: string): Promise<string | null> {
  const row = await db
    .selectFrom('business_members as bm')
    .innerJoin('people as p', 'p.id', 'bm.person_id')
    .select('p.display_name')
    .where('bm.id', '=', memberId)
    .executeTakeFirst();
  return row?.display_name ?? null;
}
