import type { FastifyInstance } from 'fastify';
import type { BankContext } from '../context';

/** Mount the card network (authorizations, fraud rules) and the demo page's simulate button. */
export async function registerCards(_app: FastifyInstance, _ctx: BankContext): Promise<void> {
  // Placeholder until the card network lands.
}
