import type { Institution } from '@parley/protocol';
import type { ServerContext } from '../context';
import { AppError } from '../platform/errors';
import type { InstitutionRow } from './banking.table';
import * as institutions from './institution.repository';

export type InstitutionContext = Pick<ServerContext, 'db' | 'clock' | 'random'>;

/** What an operator gives to add a bank (`parley bank add`, a file, or `npm start`). */
export interface InstitutionInput {
  readonly issuer: string;
  readonly clientId: string;
  readonly obBaseUrl: string;
  readonly name: string;
  readonly businessId: string;
  readonly logoUrl?: string | null;
  /** Default: `<issuer origin>/open-banking/jwks`, where the Sandbox Bank publishes its event keys. */
  readonly eventsJwksUri?: string;
}

function absoluteUrl(value: string, what: string): URL {
  try {
    const url = new URL(value);
    if (url.protocol === 'https:' || url.protocol === 'http:') return url;
  } catch {
    // fall through to the sentence below
  }
  throw new AppError('ERR_VALIDATION', { message: `${what} must be an absolute http(s) URL; got "${value}".` });
}

export function toInstitution(row: InstitutionRow): Institution {
  return { id: row.id, name: row.name, logoUrl: row.logo_url, businessId: row.business_id };
}

/**
 * Add a bank, or update the one with the same issuer (so `npm start` and a repeated
 * `parley bank add` converge instead of failing). Returns the stored row.
 */
export async function upsertInstitution(ctx: InstitutionContext, input: InstitutionInput): Promise<InstitutionRow> {
  const issuer = absoluteUrl(input.issuer, 'The issuer').href.replace(/\/$/, '');
  const obBase = absoluteUrl(input.obBaseUrl, 'The Open Banking base URL').href.replace(/\/$/, '');
  const eventsJwksUri = absoluteUrl(input.eventsJwksUri ?? new URL('/open-banking/jwks', issuer).href, 'The events JWKS URL').href;
  if (input.logoUrl) absoluteUrl(input.logoUrl, 'The logo');
  if (!input.name.trim() || input.name.length > 80) throw new AppError('ERR_VALIDATION', { message: 'Give the bank a display name of 1 to 80 characters.' });
  if (!/^[\x21-\x7e]{1,200}$/.test(input.clientId)) throw new AppError('ERR_VALIDATION', { message: 'The client id must be 1 to 200 visible ASCII characters.' });
  const existing = await institutions.findInstitutionByIssuer(ctx.db, issuer);
  const row: InstitutionRow = {
    id: existing?.id ?? ctx.random.uuid(),
    business_id: input.businessId,
    name: input.name.trim(),
    logo_url: input.logoUrl ?? null,
    issuer,
    client_id: input.clientId,
    ob_base_url: obBase,
    events_jwks_uri: eventsJwksUri,
    created_at: existing?.created_at ?? ctx.clock.now(),
  };
  if (existing) await institutions.updateInstitution(ctx.db, row);
  else await institutions.insertInstitution(ctx.db, row);
  return row;
}

export async function requireInstitution(ctx: Pick<ServerContext, 'db'>, id: string): Promise<InstitutionRow> {
  const row = await institutions.findInstitution(ctx.db, id);
  if (!row) throw new AppError('ERR_NOT_FOUND', { message: 'There is no such bank to link.' });
  return row;
}

export async function listLinkableInstitutions(ctx: Pick<ServerContext, 'db'>): Promise<Institution[]> {
  return (await institutions.listInstitutions(ctx.db)).map(toInstitution);
}

export { listInstitutions, findInstitution, findInstitutionByIssuer } from './institution.repository';
