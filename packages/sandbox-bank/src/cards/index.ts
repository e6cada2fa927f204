import type { FastifyInstance } from 'fastify';
import type { BankContext } from '../context';
import { registerHomePage } from '../pages/home.routes';
import { registerCardRoutes } from './cards.routes';
import { ensureCards } from './cards.service';

export { authorize, getAuthorization, listAuthorizations, resolveHeldAuthorization, type AuthorizationRequest, type AuthorizationView } from './authorization.service';
export { CardError, type CardErrorCode } from './cards.errors';
export { ensureCards, listCards, lockCard, unlockCard, type CardView } from './cards.service';
export type { AuthorizationStatus, DeclineReason, FraudRule } from './cards.table';
export { findDispute, openDispute, type DisputeView } from './dispute.service';
export { holdThreshold, riskyMerchantCategories } from './fraud-rules';
export { simulateAuthorizations } from './simulate.service';

/** Issue the cards, then mount the card routes and the demo home page (`/`). */
export async function registerCards(app: FastifyInstance, ctx: BankContext): Promise<void> {
  await ensureCards(ctx);
  registerCardRoutes(app, ctx);
  registerHomePage(app, ctx);
}
