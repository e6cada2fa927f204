import {
  AlertAnswerBody,
  AlertAnswerResult,
  AlertBusinessPreferences,
  AlertList,
  AlertListQuery,
  AlertParams,
  AlertPreferences,
  AlertPreferencesParams,
  AlertPreferencesUpdate,
} from '@parley/protocol';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ServerContext } from '../context';
import { principalOf, requirePerson } from '../identity';
import { listAlertHistory, type AlertMessaging } from './alert.service';
import { answerAlert } from './answer.service';
import { listPreferences, updatePreferences } from './preference.service';

const tags = ['alerts'];

/** The person's side of alerts: answers, history, and which alerts each bank may send. */
export function personAlertRoutes(ctx: ServerContext, messaging: AlertMessaging): FastifyPluginAsyncTypebox {
  return async (app) => {
    const preHandler = requirePerson(ctx);

    app.post(
      '/v1/alerts/:alertId/answers',
      {
        preHandler,
        schema: {
          tags,
          summary: 'Answer an alert with one of its actions',
          description:
            'An action with `requiresStepUp` needs `stepUp`, the passkey assertion of POST /v1/step-up/options for this alert and action (403 ERR_STEP_UP_REQUIRED without it). ' +
            'An expired alert is 410 ERR_ALERT_EXPIRED; an answered one 409 ERR_ALERT_ANSWERED, except that the same action again answers 200 with the first answer.',
          params: AlertParams,
          body: AlertAnswerBody,
          response: { 200: AlertAnswerResult, 201: AlertAnswerResult },
        },
      },
      async (request, reply) => {
        const outcome = await answerAlert(ctx, messaging, { personId: principalOf(request).personId, alertId: request.params.alertId, body: request.body });
        return reply.code(outcome.created ? 201 : 200).send(outcome.result);
      },
    );

    app.get(
      '/v1/alerts',
      { preHandler, schema: { tags, summary: 'My alerts, newest first, with their answers', querystring: AlertListQuery, response: { 200: AlertList } } },
      async (request) => listAlertHistory(ctx, { personId: principalOf(request).personId, before: request.query.before, limit: request.query.limit ?? 30 }),
    );

    app.get(
      '/v1/alert-preferences',
      { preHandler, schema: { tags, summary: 'Which alerts each of my banks may send me (all off until switched on)', response: { 200: AlertPreferences } } },
      async (request) => listPreferences(ctx, principalOf(request).personId),
    );

    app.put(
      '/v1/alert-preferences/:businessId',
      {
        preHandler,
        schema: {
          tags,
          summary: 'Switch kinds of alerts from one bank on or off',
          params: AlertPreferencesParams,
          body: AlertPreferencesUpdate,
          response: { 200: AlertBusinessPreferences },
        },
      },
      async (request) => updatePreferences(ctx, { personId: principalOf(request).personId, businessId: request.params.businessId, update: request.body }),
    );
  };
}
