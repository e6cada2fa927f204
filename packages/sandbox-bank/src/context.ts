import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { BankTables } from './database';
import type { Clock } from './platform/clock';
import type { BankConfig } from './platform/config';
import type { BankEvents } from './platform/events';
import type { CustomerSessions } from './pages/session';

/** Everything a part of the bank needs, built once by buildBank and passed down. */
export interface BankContext {
  readonly config: BankConfig;
  readonly db: Kysely<BankTables>;
  readonly clock: Clock;
  readonly events: BankEvents;
  readonly log: FastifyBaseLogger;
  readonly sessions: CustomerSessions;
}
