import type { Db } from '../database';

/** The person's answers to bank agents, for their account export: reveal decisions and ratings. */
export async function listRevealsOfPerson(db: Db, personId: string) {
  return db
    .selectFrom('inbox_reveals as r')
    .innerJoin('conversations as c', 'c.id', 'r.conversation_id')
    .innerJoin('businesses as b', 'b.id', 'r.business_id')
    .select(['b.id as business_id', 'b.slug', 'b.name', 'r.conversation_id', 'r.field', 'r.status', 'r.created_at', 'r.decided_at'])
    .where('c.person_id', '=', personId)
    .orderBy('r.created_at')
    .orderBy('r.id')
    .execute();
}

export async function listRatingsOfPerson(db: Db, personId: string) {
  return db
    .selectFrom('inbox_episodes as e')
    .innerJoin('conversations as c', 'c.id', 'e.conversation_id')
    .innerJoin('businesses as b', 'b.id', 'e.business_id')
    .select(['b.id as business_id', 'b.slug', 'b.name', 'e.conversation_id', 'e.csat_rating', 'e.csat_at'])
    .where('c.person_id', '=', personId)
    .where('e.csat_rating', 'is not', null)
    .orderBy('e.csat_at')
    .orderBy('e.id')
    .execute();
}
