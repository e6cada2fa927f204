import { StepUpOptions, StepUpOptionsBody } from '@parley/protocol';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ServerContext } from '../context';
import { principalOf, requirePerson } from './auth.hooks';
import { startStepUp } from './step-up.service';

/**
 * The person's side of step-up: a passkey prompt bound to one answer. The answer itself goes
 * with the assertion to the route that acts on it (an alert answer, a postback), which calls
 * `completeStepUp`.
 */
export function stepUpRoutes(ctx: ServerContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/v1/step-up/options',
      {
        preHandler: requirePerson(ctx),
        schema: {
          tags: ['identity'],
          summary: 'Start a passkey step-up for one answer',
          description:
            'A WebAuthn request for the signed-in person\'s own passkeys, with user verification required, valid 5 minutes and once. ' +
            'Its challenge is bound to `for` (an alert action, or a postback button of one message): send the assertion with that answer only. ' +
            '403 ERR_STEP_UP_FAILED when the person has no passkey.',
          body: StepUpOptionsBody,
          response: { 200: StepUpOptions },
        },
      },
      async (request) => startStepUp(ctx, { personId: principalOf(request).personId, for: request.body.for }),
    );
  };
}
