import type { AccountExport } from '@parley/protocol';
import type { ServerContext } from '../context';
import { listRatingsOfPerson, listRevealsOfPerson } from './person-export.repository';

/**
 * What the person answered to a bank's agents, for "export everything Parley holds about me":
 * each reveal request with its decision (not the revealed value: it was read for the agent, and
 * the person's own Money panel shows it) and each rating. Agents' notes are the bank's, not here.
 */
export async function supportAnswersOf(ctx: Pick<ServerContext, 'db'>, personId: string): Promise<AccountExport['supportAnswers']> {
  const [reveals, ratings] = await Promise.all([listRevealsOfPerson(ctx.db, personId), listRatingsOfPerson(ctx.db, personId)]);
  const business = (row: { business_id: string; slug: string; name: string }) => ({ id: row.business_id, slug: row.slug, name: row.name });
  return {
    reveals: reveals.map((row) => ({
      business: business(row),
      conversationId: row.conversation_id,
      field: row.field,
      status: row.status,
      requestedAt: Number(row.created_at),
      decidedAt: row.decided_at === null ? null : Number(row.decided_at),
    })),
    ratings: ratings.map((row) => ({ business: business(row), conversationId: row.conversation_id, rating: Number(row.csat_rating), ratedAt: Number(row.csat_at ?? 0) })),
  };
}
