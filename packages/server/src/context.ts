import type { Logger } from 'pino';
import type { Db } from './database';
import type { Bus } from './platform/bus';
import type { Clock, Random } from './platform/clock';
import type { Config } from './platform/config';
import type { Dialect } from './platform/db/database';
import type { Metrics } from './platform/metrics';
import type { KeyRing } from './privacy/master-key.ring';

/** What every domain service is built from: config plus the injected world (db, time, randomness, bus). */
export interface ServerContext {
  readonly config: Readonly<Config>;
  readonly db: Db;
  readonly dialect: Dialect;
  readonly clock: Clock;
  readonly random: Random;
  readonly bus: Bus;
  readonly log: Logger;
  readonly metrics: Metrics;
  /** Master keys and the cache of unwrapped data keys; see privacy/. */
  readonly keys: KeyRing;
}
