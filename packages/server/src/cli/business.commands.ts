import { AddMemberBody, apiKeyScopes, businessRoles, CreateApiKeyBody, CreateBusinessBody, type ApiKey, type Business } from '@parley/protocol';
import {
  addMember,
  createApiKey,
  createBusiness,
  findBusinessBySlug,
  listApiKeys,
  listDirectory,
  listMembers,
  removeMember,
  revokeApiKey,
  type BusinessContext,
} from '../business';
import { AppError } from '../platform/errors';
import { isoTime, table, type CommandResult } from './cli.output';
import { validated } from './cli.validate';

/** Parsed flags (`--name x` → `{ name: 'x' }`) and the words after the command. */
export interface CommandArgs {
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  readonly positionals: readonly string[];
}

export interface Command {
  readonly usage: string;
  readonly summary: string;
  /** String flags this command takes (besides --json and --help). */
  readonly flags: readonly string[];
  run(ctx: BusinessContext, args: CommandArgs): Promise<CommandResult>;
}

function flag(args: CommandArgs, name: string): string | undefined {
  const value = args.values[name];
  return typeof value === 'string' ? value : undefined;
}

async function businessBySlug(ctx: BusinessContext, slug: string | undefined): Promise<Business> {
  if (!slug) throw new AppError('ERR_VALIDATION', { message: 'Name the business with --business <slug>.' });
  const business = await findBusinessBySlug(ctx, slug);
  if (!business) throw new AppError('ERR_NOT_FOUND', { message: `No business has the slug "${slug}"; see \`parley business list\`.` });
  return business;
}

/** The flag's value if it is one of `allowed`, else ERR_VALIDATION listing them. */
function oneOf(option: string, value: string, allowed: readonly string[]): string {
  if (allowed.includes(value)) return value;
  throw new AppError('ERR_VALIDATION', { message: `--${option} "${value}" is not one of ${allowed.join(', ')}.` });
}

function keyRows(keys: readonly ApiKey[], slug?: string): string[][] {
  return keys.map((key) => [
    ...(slug === undefined ? [] : [slug]),
    key.id,
    key.prefix,
    key.name,
    key.scopes.join(','),
    isoTime(key.createdAt),
    isoTime(key.lastUsedAt),
    key.revokedAt === null ? 'live' : `revoked ${isoTime(key.revokedAt)}`,
  ]);
}

const keyHeader = ['ID', 'PREFIX', 'NAME', 'SCOPES', 'CREATED', 'LAST USED', 'STATUS'];

const createCommand: Command = {
  usage: 'business create --name <name> [--slug <slug>] [--greeting <text>]',
  summary: 'Register a business (a bank).',
  flags: ['name', 'slug', 'greeting'],
  async run(ctx, args) {
    const body = validated(CreateBusinessBody, {
      name: flag(args, 'name'),
      ...(flag(args, 'slug') === undefined ? {} : { slug: flag(args, 'slug') }),
      ...(flag(args, 'greeting') === undefined ? {} : { greeting: flag(args, 'greeting') }),
    });
    const business = await createBusiness(ctx, body);
    return { json: business, text: `Created business "${business.name}" (slug ${business.slug}, id ${business.id}).` };
  },
};

const listCommand: Command = {
  usage: 'business list',
  summary: 'List every business.',
  flags: [],
  async run(ctx) {
    const businesses = await listDirectory(ctx);
    return { json: { businesses }, text: table(['SLUG', 'NAME', 'ID'], businesses.map((b) => [b.slug, b.name, b.id])) };
  },
};

const keyCreateCommand: Command = {
  usage: 'business key create --business <slug> --scopes <scope,scope> [--name <name>]',
  summary: `Make an API key (scopes: ${apiKeyScopes.join(', ')}). Prints the secret once.`,
  flags: ['business', 'scopes', 'name'],
  async run(ctx, args) {
    const business = await businessBySlug(ctx, flag(args, 'business'));
    const scopes = (flag(args, 'scopes') ?? '')
      .split(',')
      .map((scope) => scope.trim())
      .filter(Boolean)
      .map((scope) => oneOf('scopes', scope, apiKeyScopes));
    const body = validated(CreateApiKeyBody, { name: flag(args, 'name') ?? 'CLI key', scopes });
    const created = await createApiKey(ctx, { businessId: business.id, ...body });
    const text = [
      `Created API key "${created.key.name}" for ${business.slug} (id ${created.key.id}), scopes ${created.key.scopes.join(', ')}.`,
      'This is the only time the secret is shown; store it now:',
      '',
      `  ${created.secret}`,
    ].join('\n');
    return { json: created, text };
  },
};

const keyListCommand: Command = {
  usage: 'business key list [--business <slug>]',
  summary: 'List API keys (prefixes only, never secrets), of one business or all.',
  flags: ['business'],
  async run(ctx, args) {
    const slug = flag(args, 'business');
    const businesses = slug ? [await businessBySlug(ctx, slug)] : await listDirectory(ctx);
    const listed = await Promise.all(businesses.map(async (b) => ({ business: b.slug, keys: await listApiKeys(ctx, b.id) })));
    const rows = listed.flatMap((entry) => keyRows(entry.keys, entry.business));
    return { json: { businesses: listed }, text: table(['BUSINESS', ...keyHeader], rows) };
  },
};

const keyRevokeCommand: Command = {
  usage: 'business key revoke <keyId>',
  summary: 'Revoke an API key; it is refused from the next request on.',
  flags: [],
  async run(ctx, args) {
    const keyId = args.positionals[0];
    if (!keyId || !/^[0-9a-f-]{36}$/i.test(keyId)) throw new AppError('ERR_VALIDATION', { message: 'Give the id of the key to revoke (see `parley business key list`).' });
    const key = await revokeApiKey(ctx, { keyId });
    return { json: key, text: `Revoked API key ${key.id} (${key.prefix}, "${key.name}"). Requests with it are refused from now on.` };
  },
};

const memberAddCommand: Command = {
  usage: 'business member add --business <slug> --email <email> --role owner|developer|agent',
  summary: 'Add an existing Parley account to a business.',
  flags: ['business', 'email', 'role'],
  async run(ctx, args) {
    const business = await businessBySlug(ctx, flag(args, 'business'));
    const role = flag(args, 'role');
    const body = validated(AddMemberBody, { email: flag(args, 'email'), role: role && oneOf('role', role, businessRoles) });
    const member = await addMember(ctx, { businessId: business.id, ...body });
    return { json: member, text: `Added ${member.email ?? member.displayName} to ${business.slug} as ${member.role} (member id ${member.id}).` };
  },
};

const memberListCommand: Command = {
  usage: 'business member list --business <slug>',
  summary: 'List the members of a business.',
  flags: ['business'],
  async run(ctx, args) {
    const business = await businessBySlug(ctx, flag(args, 'business'));
    const members = await listMembers(ctx, business.id);
    const rows = members.map((m) => [m.id, m.email ?? '-', m.displayName, m.role]);
    return { json: { members }, text: table(['ID', 'EMAIL', 'NAME', 'ROLE'], rows) };
  },
};

const memberRemoveCommand: Command = {
  usage: 'business member remove --business <slug> <memberId>',
  summary: 'Remove a member (not the last owner).',
  flags: ['business'],
  async run(ctx, args) {
    const business = await businessBySlug(ctx, flag(args, 'business'));
    const memberId = args.positionals[0];
    if (!memberId || !/^[0-9a-f-]{36}$/i.test(memberId)) throw new AppError('ERR_VALIDATION', { message: 'Give the member id (see `parley business member list`).' });
    await removeMember(ctx, { businessId: business.id, memberId });
    return { json: { removed: memberId }, text: `Removed member ${memberId} from ${business.slug}.` };
  },
};

/** Every `parley` command, by its words. */
export const businessCommands: Readonly<Record<string, Command>> = {
  'business create': createCommand,
  'business list': listCommand,
  'business key create': keyCreateCommand,
  'business key list': keyListCommand,
  'business key revoke': keyRevokeCommand,
  'business member add': memberAddCommand,
  'business member list': memberListCommand,
  'business member remove': memberRemoveCommand,
};
