import type { FastifyInstance } from 'fastify';
import type { BankContext } from '../context';
import type { BankOidc } from '../oidc';

/** Mount the Open Banking UK Account and Transaction API v4.0 under /open-banking/v4.0/aisp and the Connected apps page. */
export async function registerOpenBanking(_app: FastifyInstance, _ctx: BankContext, _oidc: BankOidc): Promise<void> {
  // Placeholder until the API lands.
}
