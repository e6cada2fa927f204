import type { FastifyInstance, FastifyReply } from 'fastify';
import type { BankContext } from '../context';
import { linkCancelledPage, linkConfirmPage, linkDonePage, linkProblemPage } from './link.pages';

/** What the link pages need from the bot: a port, so pages do not import the bot (which mounts them). */
export interface AccountLinking {
  /** Whether a token has the right shape at all (checked before any lookup). */
  isWellFormed(token: unknown): token is string;
  isLive(token: string): Promise<boolean>;
  /** Use the token up, link its chat to the customer and tell the chat; false when the token is spent or expired. */
  complete(input: { token: string; customerId: string }): Promise<boolean>;
  customerName(customerId: string): Promise<string | null>;
}

const linkBody = {
  type: 'object',
  required: ['token', 'decision'],
  properties: { token: { type: 'string', maxLength: 100 }, decision: { type: 'string', enum: ['link', 'cancel'] } },
} as const;

function send(reply: FastifyReply, status: number, body: string): FastifyReply {
  // The token rides in the URL: never send it on in a Referer, never keep the page in a cache.
  return reply.code(status).header('referrer-policy', 'same-origin').header('cache-control', 'no-store').type('text/html').send(body);
}

/**
 * GET /link?token=… : sign in (the bank's own /login) and confirm; POST /link links the chat.
 * The POST is accepted only with this site's Origin (a form on another site cannot link silently).
 */
export function registerLinkRoutes(app: FastifyInstance, ctx: BankContext, linking: AccountLinking): void {
  app.get<{ Querystring: { token?: unknown } }>('/link', async (request, reply) => {
    const { token } = request.query;
    if (!linking.isWellFormed(token)) return send(reply, 400, linkProblemPage('invalid'));
    if (!(await linking.isLive(token))) return send(reply, 410, linkProblemPage('expired'));
    const customerId = ctx.sessions.read(request);
    const name = customerId ? await linking.customerName(customerId) : null;
    if (!customerId || !name) return reply.header('referrer-policy', 'same-origin').redirect(`/login?next=${encodeURIComponent(`/link?token=${token}`)}`, 303);
    return send(reply, 200, linkConfirmPage({ token, customerName: name }));
  });

  app.post<{ Body: { token: string; decision: 'link' | 'cancel' } }>('/link', { schema: { body: linkBody }, attachValidation: true }, async (request, reply) => {
    if (request.headers.origin !== ctx.config.publicUrl.origin) return send(reply, 403, linkProblemPage('origin'));
    if (request.validationError || !linking.isWellFormed(request.body.token)) return send(reply, 400, linkProblemPage('invalid'));
    const { token, decision } = request.body;
    const customerId = ctx.sessions.read(request);
    const name = customerId ? await linking.customerName(customerId) : null;
    if (!customerId || !name) return reply.redirect(`/login?next=${encodeURIComponent(`/link?token=${token}`)}`, 303);
    if (decision === 'cancel') return send(reply, 200, linkCancelledPage());
    if (!(await linking.complete({ token, customerId }))) return send(reply, 410, linkProblemPage('expired'));
    return send(reply, 200, linkDonePage(name));
  });
}
