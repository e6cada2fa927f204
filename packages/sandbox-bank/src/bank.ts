import formbody from '@fastify/formbody';
import cookie from '@fastify/cookie';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerBot } from './bot';
import { registerCards } from './cards';
import type { BankContext } from './context';
import { ensureSeeded } from './customers';
import { registerOidc } from './oidc';
import { registerOpenBanking } from './open-banking';
import { registerLoginRoutes } from './pages/login.routes';
import { customerSessions } from './pages/session';
import { systemClock, type Clock } from './platform/clock';
import type { BankConfig } from './platform/config';
import { openBankDatabase } from './platform/database';
import { BankEvents } from './platform/events';
import { loadOrCreateSecret } from './platform/secrets';

/** What tests may replace. */
export interface BankDeps {
  readonly clock?: Clock;
}

/** A built bank: its Fastify app (not listening), its context, and how to stop it. */
export interface SandboxBank {
  readonly app: FastifyInstance;
  readonly ctx: BankContext;
  close(): Promise<void>;
}

/**
 * Build the Sandbox Bank without listening: database (migrated, seeded), OpenID provider,
 * Open Banking API, card network, bot and pages. `main.ts` listens; tests call `app.listen({ port: 0 })`
 * or `app.inject()`.
 */
export async function buildBank(config: BankConfig, deps: BankDeps = {}): Promise<SandboxBank> {
  const database = await openBankDatabase(config.dataDir);
  const app = Fastify({
    logger: { level: config.logLevel, redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers.dpop'] },
    trustProxy: false,
  });
  await app.register(cookie);
  await app.register(formbody);
  const clock = deps.clock ?? systemClock;
  const ctx: BankContext = {
    config,
    db: database.db,
    clock,
    events: new BankEvents(),
    log: app.log,
    sessions: customerSessions({ key: loadOrCreateSecret(config.dataDir, 'cookie.key'), now: () => clock.now(), secure: config.publicUrl.protocol === 'https:' }),
  };
  await ensureSeeded(ctx);
  registerLoginRoutes(app, ctx);
  const oidc = await registerOidc(app, ctx);
  await registerOpenBanking(app, ctx, oidc);
  await registerCards(app, ctx);
  const bot = await registerBot(app, ctx);
  app.get('/healthz', async () => ({ status: 'ok' }));
  return {
    app,
    ctx,
    close: async () => {
      await app.close();
      await bot.close();
      await database.close();
    },
  };
}
