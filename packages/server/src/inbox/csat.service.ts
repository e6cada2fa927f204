import type { CsatAnswer, CsatSurveyView, InboxFigures, InboxStats } from '@parley/protocol';
import type { ServerContext } from '../context';
import { businessTopic, type DeliveryEvent } from '../messaging';
import { AppError } from '../platform/errors';
import { answerSurvey, findEpisodes, findSurveyOfPerson } from './csat.repository';
import type { InboxEpisodeRow } from './inbox.table';
import { inboxSummary, type InboxCore } from './inbox.service';

/** The person's one-tap rating of a resolved conversation; once per survey. */
export async function answerCsat(core: InboxCore, options: { personId: string; conversationId: string; surveyId: string; rating: number }): Promise<CsatAnswer> {
  const { ctx } = core;
  const episode = await findSurveyOfPerson(ctx.db, options);
  if (!episode) throw new AppError('ERR_NOT_FOUND');
  const at = ctx.clock.now();
  if (!(await answerSurvey(ctx.db, { surveyId: options.surveyId, rating: options.rating, at }))) {
    throw new AppError('ERR_CONFLICT', { message: 'You already rated this conversation.' });
  }
  // The console's figures move live: the business's sockets get the conversation again.
  const conversation = await inboxSummary(core, { businessId: episode.business_id, conversationId: episode.conversation_id, viewerMemberId: null }).catch(() => undefined);
  if (conversation) ctx.bus.publish(businessTopic(episode.business_id), { frame: { type: 'inbox', conversation } } satisfies DeliveryEvent);
  return { surveyId: options.surveyId, rating: options.rating, answeredAt: at };
}

/** Whether the person rated the survey: the card reads it so a rated survey never offers its buttons again. */
export async function csatSurvey(core: InboxCore, options: { personId: string; conversationId: string; surveyId: string }): Promise<CsatSurveyView> {
  const episode = await findSurveyOfPerson(core.ctx.db, options);
  if (!episode) throw new AppError('ERR_NOT_FOUND');
  const rated = episode.csat_rating !== null;
  return { surveyId: episode.id, rating: rated ? Number(episode.csat_rating) : null, answeredAt: rated ? Number(episode.csat_at) : null };
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : Math.round((sorted[middle - 1]! + sorted[middle]!) / 2);
}

function figuresOf(episodes: InboxEpisodeRow[]): InboxFigures {
  const firstResponses = episodes.filter((e) => e.first_response_at !== null).map((e) => Number(e.first_response_at) - Number(e.handed_over_at));
  const resolutions = episodes.filter((e) => e.outcome === 'resolved').map((e) => Number(e.resolved_at) - Number(e.handed_over_at));
  const ratings = episodes.filter((e) => e.csat_rating !== null).map((e) => Number(e.csat_rating));
  const average = ratings.length === 0 ? null : Math.round((ratings.reduce((sum, r) => sum + r, 0) / ratings.length) * 100) / 100;
  return {
    handled: episodes.length,
    medianFirstResponseMs: median(firstResponses),
    medianResolutionMs: median(resolutions),
    csatAverage: average,
    csatCount: ratings.length,
  };
}

const dayMs = 24 * 60 * 60 * 1000;

/** Median first-response and resolution times and CSAT of episodes that ended in [from, to): overall, per agent, per UTC day. */
export async function inboxStats(ctx: ServerContext, options: { businessId: string; from?: number | undefined; to?: number | undefined }): Promise<InboxStats> {
  const to = options.to ?? ctx.clock.now() + 1;
  const from = options.from ?? to - 30 * dayMs;
  if (from >= to) throw new AppError('ERR_VALIDATION', { message: '`from` must be before `to`.' });
  const episodes = await findEpisodes(ctx.db, { businessId: options.businessId, from, to });
  const byAgent = new Map<string, { name: string; episodes: InboxEpisodeRow[] }>();
  const byDay = new Map<string, InboxEpisodeRow[]>();
  for (const episode of episodes) {
    if (episode.assignee_member_id !== null) {
      const entry = byAgent.get(episode.assignee_member_id) ?? { name: episode.assignee_name ?? 'Former member', episodes: [] };
      entry.episodes.push(episode);
      byAgent.set(episode.assignee_member_id, entry);
    }
    const day = new Date(Number(episode.resolved_at)).toISOString().slice(0, 10);
    byDay.set(day, [...(byDay.get(day) ?? []), episode]);
  }
  return {
    from,
    to,
    overall: figuresOf(episodes),
    perAgent: [...byAgent].map(([memberId, entry]) => ({ memberId, displayName: entry.name, ...figuresOf(entry.episodes) })),
    perDay: [...byDay].map(([day, list]) => ({ day, ...figuresOf(list) })),
  };
}
