import type { Db } from '../database';
import type { InboxEpisodeRow } from './inbox.table';

/** The resolved episode whose survey this is, if the conversation is the person's. */
export async function findSurveyOfPerson(db: Db, options: { surveyId: string; conversationId: string; personId: string }): Promise<InboxEpisodeRow | undefined> {
  return db
    .selectFrom('inbox_episodes as e')
    .innerJoin('conversations as c', 'c.id', 'e.conversation_id')
    .selectAll('e')
    .where('e.id', '=', options.surveyId)
    .where('e.conversation_id', '=', options.conversationId)
    .where('e.outcome', '=', 'resolved')
    .where('c.person_id', '=', options.personId)
    .executeTakeFirst();
}

/** Store the rating once: false when the survey was already answered. */
export async function answerSurvey(db: Db, options: { surveyId: string; rating: number; at: number }): Promise<boolean> {
  const result = await db
    .updateTable('inbox_episodes')
    .set({ csat_rating: options.rating, csat_at: options.at })
    .where('id', '=', options.surveyId)
    .where('csat_rating', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Episodes of the business that ended in [from, to). */
export async function findEpisodes(db: Db, options: { businessId: string; from: number; to: number }): Promise<InboxEpisodeRow[]> {
  return db
    .selectFrom('inbox_episodes')
    .selectAll()
    .where('business_id', '=', options.businessId)
    .where('resolved_at', '>=', options.from)
    .where('resolved_at', '<', options.to)
    .orderBy('resolved_at')
    .limit(100_000)
    .execute();
}
