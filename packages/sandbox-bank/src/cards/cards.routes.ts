import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { BankContext } from '../context';
import { html, page } from '../pages/html';
import { isSameOrigin } from '../pages/home.origin';
import { resolveHeldAuthorization } from './authorization.service';
import { CardError, cardErrorStatus } from './cards.errors';
import { lockCard, unlockCard } from './cards.service';
import { simulateAuthorizations } from './simulate.service';

const wantsJson = (request: FastifyRequest): boolean => (request.headers.accept ?? '').includes('application/json');

function refuse(request: FastifyRequest, reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  if (wantsJson(request)) return reply.code(status).send({ code, message });
  const body = html`<h1>That did not work</h1><p class="error" role="alert">${message}</p><p><a href="/">Back to your accounts</a></p>`;
  return reply.code(status).type('text/html').send(page({ title: 'Sorry', body }));
}

/**
 * The signed-in customer for a form POST from the bank's own pages, or null after answering:
 * a foreign Origin is refused (CSRF), a signed-out visitor is sent to sign in.
 */
function customerOf(request: FastifyRequest, reply: FastifyReply, ctx: BankContext): string | null {
  if (!isSameOrigin(request, ctx)) {
    refuse(request, reply, 403, 'ERR_FOREIGN_ORIGIN', 'This form was not sent from the Sandbox Bank website.');
    return null;
  }
  const customerId = ctx.sessions.read(request);
  if (customerId) return customerId;
  if (wantsJson(request)) reply.code(401).send({ code: 'ERR_SIGNED_OUT', message: 'Sign in to the Sandbox Bank first.' });
  else reply.redirect('/login?next=/', 303);
  return null;
}

async function run(request: FastifyRequest, reply: FastifyReply, work: () => Promise<unknown>): Promise<FastifyReply> {
  try {
    const result = await work();
    return wantsJson(request) ? reply.send(result) : reply.redirect('/', 303);
  } catch (error) {
    if (error instanceof CardError) return refuse(request, reply, cardErrorStatus[error.code], error.code, error.message);
    throw error;
  }
}

const idParam = { type: 'string', minLength: 1, maxLength: 100 } as const;

/** The demo page's buttons: lock and unlock a card, answer a held payment, simulate payments. */
export function registerCardRoutes(app: FastifyInstance, ctx: BankContext): void {
  app.post<{ Params: { cardId: string; action: 'lock' | 'unlock' } }>(
    '/cards/:cardId/:action',
    { schema: { params: { type: 'object', required: ['cardId', 'action'], properties: { cardId: idParam, action: { type: 'string', enum: ['lock', 'unlock'] } } } } },
    async (request, reply) => {
      const customerId = customerOf(request, reply, ctx);
      if (!customerId) return reply;
      const { cardId, action } = request.params;
      return run(request, reply, async () => {
        const [card] = await (action === 'lock' ? lockCard(ctx, customerId, cardId) : unlockCard(ctx, customerId, cardId));
        if (!card) throw new CardError('ERR_CARD_NOT_FOUND', 'There is no such card on your accounts.');
        return card;
      });
    },
  );

  app.post<{ Params: { authorizationId: string; decision: 'approve' | 'decline' } }>(
    '/authorizations/:authorizationId/:decision',
    { schema: { params: { type: 'object', required: ['authorizationId', 'decision'], properties: { authorizationId: idParam, decision: { type: 'string', enum: ['approve', 'decline'] } } } } },
    async (request, reply) => {
      const customerId = customerOf(request, reply, ctx);
      if (!customerId) return reply;
      const { authorizationId, decision } = request.params;
      return run(request, reply, () => resolveHeldAuthorization(ctx, { authorizationId, customerId, decision }));
    },
  );

  app.post<{ Body: { count?: number; suspicious?: boolean } }>(
    '/demo/simulate',
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { count: { type: 'integer', minimum: 0, maximum: 20 }, suspicious: { type: 'boolean' } },
        },
      },
    },
    async (request, reply) => {
      const customerId = customerOf(request, reply, ctx);
      if (!customerId) return reply;
      const { count, suspicious = false } = request.body ?? {};
      return run(request, reply, async () => ({ authorizations: await simulateAuthorizations(ctx, { customer: customerId, count, suspicious }) }));
    },
  );
}
