import type { FastifyInstance } from 'fastify';
import { listAuthorizations } from '../cards/authorization.service';
import { listCards } from '../cards/cards.service';
import type { BankContext } from '../context';
import { findCustomerById, getBalances } from '../customers';
import { signedInHome, signedOutHome } from './home.view';

/** The bank's demo home page at `/`: a welcome when signed out; accounts, cards and the simulate buttons when signed in. */
export function registerHomePage(app: FastifyInstance, ctx: BankContext): void {
  app.get('/', async (request, reply) => {
    const customerId = ctx.sessions.read(request);
    const customer = customerId ? await findCustomerById(ctx.db, customerId) : undefined;
    reply.type('text/html').header('cache-control', 'no-store');
    if (!customer) return reply.send(signedOutHome());
    const [balances, cards, authorizations] = await Promise.all([getBalances(ctx, customer.id), listCards(ctx, customer.id), listAuthorizations(ctx, customer.id, 10)]);
    return reply.send(signedInHome({ customer, balances, cards, authorizations }));
  });
}
