import fs from 'node:fs';
import { findBusinessBySlug, type BusinessContext } from '../business';
import { listInstitutions, toInstitution, upsertInstitution, type InstitutionInput } from '../banking';
import { AppError } from '../platform/errors';
import type { CommandArgs } from './business.commands';
import { table, type CommandResult } from './cli.output';

interface BankCommand {
  readonly usage: string;
  readonly summary: string;
  readonly flags: readonly string[];
  run(ctx: BusinessContext, args: CommandArgs): Promise<CommandResult>;
}

/** One bank as a file or the flags give it; `business` is the slug of the bank's business on Parley. */
interface BankEntry {
  issuer?: unknown;
  clientId?: unknown;
  obBaseUrl?: unknown;
  name?: unknown;
  logo?: unknown;
  business?: unknown;
  eventsJwksUri?: unknown;
}

const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

/** `Sandbox Bank` → `sandbox-bank`: the business a bank belongs to unless --business names it. */
function slugOf(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

async function inputOf(ctx: BusinessContext, entry: BankEntry): Promise<InstitutionInput> {
  const [issuer, clientId, obBaseUrl, name] = [text(entry.issuer), text(entry.clientId), text(entry.obBaseUrl), text(entry.name)];
  if (!issuer || !clientId || !obBaseUrl || !name) throw new AppError('ERR_VALIDATION', { message: 'Give --issuer, --client-id, --ob-base-url and --name (or each in the file).' });
  const slug = text(entry.business) ?? slugOf(name);
  const business = await findBusinessBySlug(ctx, slug);
  if (!business) throw new AppError('ERR_NOT_FOUND', { message: `No business has the slug "${slug}"; create it first or pass --business <slug> (see \`parley business list\`).` });
  const eventsJwksUri = text(entry.eventsJwksUri);
  return { issuer, clientId, obBaseUrl, name, businessId: business.id, logoUrl: text(entry.logo) ?? null, ...(eventsJwksUri ? { eventsJwksUri } : {}) };
}

function readFile(path: string): BankEntry[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(path, 'utf8'));
  } catch (error) {
    throw new AppError('ERR_VALIDATION', { message: `--file ${path} is not a readable JSON file: ${(error as Error).message}` });
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as { banks?: unknown }).banks;
  if (!Array.isArray(list)) throw new AppError('ERR_VALIDATION', { message: `--file ${path} must hold a JSON array of banks (or {"banks": [...]}).` });
  return list as BankEntry[];
}

const addCommand: BankCommand = {
  usage: 'bank add --issuer <url> --client-id <id> --ob-base-url <url> --name <name> [--logo <url>] [--business <slug>] [--events-jwks-uri <url>] | bank add --file <banks.json>',
  summary: 'Add a bank people can link (or update the one with the same issuer). Parley signs in there with its own bank-client key (/.well-known/jwks.json).',
  flags: ['issuer', 'client-id', 'ob-base-url', 'name', 'logo', 'business', 'events-jwks-uri', 'file'],
  async run(ctx, args) {
    const value = (name: string) => args.values[name];
    const file = text(value('file'));
    const entries: BankEntry[] = file
      ? readFile(file)
      : [{ issuer: value('issuer'), clientId: value('client-id'), obBaseUrl: value('ob-base-url'), name: value('name'), logo: value('logo'), business: value('business'), eventsJwksUri: value('events-jwks-uri') }];
    const rows = [];
    for (const entry of entries) rows.push(await upsertInstitution(ctx, await inputOf(ctx, entry)));
    return {
      json: { institutions: rows.map(toInstitution) },
      text: table(['ID', 'NAME', 'ISSUER'], rows.map((row) => [row.id, row.name, row.issuer])),
    };
  },
};

const listCommand: BankCommand = {
  usage: 'bank list',
  summary: 'List the banks people can link.',
  flags: [],
  async run(ctx) {
    const rows = await listInstitutions(ctx.db);
    return {
      json: { institutions: rows.map((row) => Object.assign(toInstitution(row), { issuer: row.issuer, clientId: row.client_id, obBaseUrl: row.ob_base_url })) },
      text: table(['ID', 'NAME', 'ISSUER', 'CLIENT ID', 'OPEN BANKING'], rows.map((row) => [row.id, row.name, row.issuer, row.client_id, row.ob_base_url])),
    };
  },
};

export const bankCommands: Readonly<Record<string, BankCommand>> = {
  'bank add': addCommand,
  'bank list': listCommand,
};
