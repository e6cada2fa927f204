import type { Business } from '@parley/protocol';
import type { ServerContext } from '../context';
import type { BusinessRow } from './business.table';
import * as businesses from './business.repository';

export const demoBusiness = {
  slug: 'sandbox-bank',
  name: 'Sandbox Bank',
  greeting: 'Hi! This is Sandbox Bank on Parley. Ask about your balance, recent transactions, or your card.',
} as const;

/** Seed the demo business on first start; a no-op afterwards. */
export async function ensureDemoBusiness(ctx: ServerContext): Promise<void> {
  await businesses.insertBusinessIfAbsent(ctx.db, { id: ctx.random.uuid(), created_at: ctx.clock.now(), ...demoBusiness });
}

export function toBusiness(row: BusinessRow): Business {
  return { id: row.id, name: row.name, slug: row.slug, greeting: row.greeting };
}

export async function listDirectory(ctx: ServerContext): Promise<Business[]> {
  return (await businesses.listBusinesses(ctx.db)).map(toBusiness);
}

export async function getBusiness(ctx: ServerContext, id: string): Promise<Business | undefined> {
  const row = await businesses.findBusinessById(ctx.db, id);
  return row && toBusiness(row);
}
