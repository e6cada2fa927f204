import { hash } from 'node:crypto';
import type { BankContext } from '../context';
import { countCustomers, insertSeedRows } from './customer.repository';
import { generateHistory, startOfUtcDay } from './history';
import { hashPassword } from './password';

/**
 * Make the demo customers and their history from config.seed on first start; a no-op afterwards.
 * The history ends at config.historyEnd, or midnight UTC of today: stored rows keep that anchor.
 */
export async function ensureSeeded(ctx: BankContext): Promise<void> {
  if ((await countCustomers(ctx.db)) > 0) return;
  const end = ctx.config.historyEnd ?? startOfUtcDay(ctx.clock.now());
  const history = generateHistory({ seed: ctx.config.seed, end });
  // A salt derived from the seed: the same seed gives the same rows, hashes included (demo passwords are public anyway).
  const customers = await Promise.all(
    history.customers.map(async ({ row, password }) => ({
      id: row.id,
      username: row.username,
      display_name: row.display_name,
      home_country: row.home_country,
      created_at: row.created_at,
      password_hash: await hashPassword(password, hash('sha256', `${ctx.config.seed}/${row.username}`, 'buffer').subarray(0, 16)),
    })),
  );
  await ctx.db.transaction().execute(async (trx) => {
    // Another process (the CLI next to a starting server) may have seeded meanwhile.
    if ((await countCustomers(trx)) > 0) return;
    await insertSeedRows(trx, { customers, accounts: history.accounts, transactions: history.transactions });
  });
  ctx.log.info({ customers: customers.length, transactions: history.transactions.length, end: new Date(end).toISOString() }, 'seeded the demo customers');
}
