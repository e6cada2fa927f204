import { ConversationParams, CsatAnswer, CsatBody, CsatSurveyParams, CsatSurveyView, PersonRevealView, RevealDecisionBody, RevealParams } from '@parley/protocol';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { principalOf, requirePerson } from '../identity';
import { answerCsat, csatSurvey } from './csat.service';
import type { InboxCore } from './inbox.service';
import { decideRevealRequest, personReveal } from './reveal.service';

const tags = ['messaging'];

/** The person's side of the console: answering a reveal request and rating a resolved conversation. */
export function personInboxRoutes(core: InboxCore): FastifyPluginAsyncTypebox {
  return async (app) => {
    const { ctx } = core;
    const preHandler = requirePerson(ctx);

    app.get(
      '/v1/reveal-requests/:revealId',
      { preHandler, schema: { tags, summary: 'A reveal request in one of my conversations, and whether I answered it', params: RevealParams, response: { 200: PersonRevealView } } },
      async (request) => personReveal(ctx, { personId: principalOf(request).personId, revealId: request.params.revealId }),
    );

    app.post(
      '/v1/reveal-requests/:revealId',
      {
        preHandler,
        schema: {
          tags,
          summary: 'Approve or decline a reveal request (once)',
          description: 'Approve: Parley reads the one field from your link with this bank for purpose support_context and shows it to the agent; your access log shows the read. 409 when already answered.',
          params: RevealParams,
          body: RevealDecisionBody,
          response: { 200: PersonRevealView },
        },
      },
      async (request) => decideRevealRequest(ctx, { personId: principalOf(request).personId, revealId: request.params.revealId, decision: request.body.decision }),
    );

    app.post(
      '/v1/conversations/:conversationId/csat',
      { preHandler, schema: { tags, summary: 'Rate a resolved conversation from 1 to 5 (once per survey)', params: ConversationParams, body: CsatBody, response: { 200: CsatAnswer } } },
      async (request) => answerCsat(core, { personId: principalOf(request).personId, conversationId: request.params.conversationId, ...request.body }),
    );

    app.get(
      '/v1/conversations/:conversationId/csat/:surveyId',
      {
        preHandler,
        schema: {
          tags,
          summary: 'A survey in one of my conversations, and my rating if I gave one',
          description: 'The `csat_survey` card reads it, so a rated survey shows its rating on every device. 404 for a survey not of this conversation or not mine.',
          params: CsatSurveyParams,
          response: { 200: CsatSurveyView },
        },
      },
      async (request) => csatSurvey(core, { personId: principalOf(request).personId, ...request.params }),
    );
  };
}
