import type { Business, CreateBusinessBody } from '@parley/protocol';
import type { ServerContext } from '../context';
import { AppError } from '../platform/errors';
import type { BusinessRow } from './business.table';
import * as businesses from './business.repository';
import type { MenuColumns } from './menu.repository';
import { publishedMenu } from './menu.service';

/** What business services need: the database, time and randomness. The CLI builds one without a server. */
export type BusinessContext = Pick<ServerContext, 'db' | 'clock' | 'random'>;

export const demoBusiness = {
  slug: 'sandbox-bank',
  name: 'Sandbox Bank',
  greeting: 'Hi! This is Sandbox Bank on Parley. Ask about your balance, recent transactions, or your card.',
} as const;

/** Seed the demo business on first start; a no-op afterwards (also when the CLI made it first). */
export async function ensureDemoBusiness(ctx: BusinessContext): Promise<void> {
  await businesses.insertBusinessIfAbsent(ctx.db, { id: ctx.random.uuid(), created_at: ctx.clock.now(), ...demoBusiness });
}

/** A business as people see it; menu columns the caller did not select count as no menu. */
export function toBusiness(row: Pick<BusinessRow, 'id' | 'name' | 'slug' | 'greeting'> & Partial<MenuColumns>): Business {
  const menu = publishedMenu(row);
  return { id: row.id, name: row.name, slug: row.slug, greeting: row.greeting, ...(menu && { menu }) };
}

export async function listDirectory(ctx: BusinessContext): Promise<Business[]> {
  return (await businesses.listBusinesses(ctx.db)).map(toBusiness);
}

export async function getBusiness(ctx: BusinessContext, id: string): Promise<Business | undefined> {
  const row = await businesses.findBusinessById(ctx.db, id);
  return row && toBusiness(row);
}

export async function findBusinessBySlug(ctx: BusinessContext, slug: string): Promise<Business | undefined> {
  const row = await businesses.findBusinessBySlug(ctx.db, slug);
  return row && toBusiness(row);
}

/** `"Crédit Agricole (Test)"` → `"credit-agricole-test"`. */
export function slugFromName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 48)
    .replace(/^-+|-+$/g, '');
}

/**
 * Register a business (operator only: the CLI and the admin API). The slug is made from the
 * name unless given; a taken slug is ERR_CONFLICT.
 */
export async function createBusiness(ctx: BusinessContext, input: CreateBusinessBody): Promise<Business> {
  const name = input.name.trim();
  const slug = input.slug ?? slugFromName(name);
  if (!name) throw new AppError('ERR_VALIDATION', { message: 'The name must not be blank.' });
  if (!slug) throw new AppError('ERR_VALIDATION', { message: 'The name has no letters or digits to make a slug from; give a slug.' });
  const row = { id: ctx.random.uuid(), slug, name, greeting: input.greeting ?? null, created_at: ctx.clock.now() };
  if (!(await businesses.insertBusinessIfAbsent(ctx.db, row))) {
    throw new AppError('ERR_CONFLICT', { message: `A business with the slug "${slug}" already exists.` });
  }
  return toBusiness(row);
}

/** The business, or ERR_NOT_FOUND. */
export async function requireBusiness(ctx: BusinessContext, id: string): Promise<Business> {
  const business = await getBusiness(ctx, id);
  if (!business) throw new AppError('ERR_NOT_FOUND');
  return business;
}
