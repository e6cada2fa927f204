import { parseArgs } from 'node:util';
import type { BusinessContext } from '../business';
import type { Tables } from '../database';
import { KeyRing } from '../privacy';
import { cryptoRandom, systemClock } from '../platform/clock';
import { ConfigError, loadConfig } from '../platform/config';
import { openDatabase } from '../platform/db/database';
import { isAppError } from '../platform/errors';
import { bankCommands } from './bank.commands';
import { businessCommands, type CommandArgs } from './business.commands';
import type { CommandResult } from './cli.output';
import { privacyCommands, type PrivacyCliContext } from './privacy.commands';

/** What every command runs on: the business commands need part of it, the privacy ones all. */
type CliContext = BusinessContext & PrivacyCliContext;

interface Command {
  readonly usage: string;
  readonly summary: string;
  readonly flags: readonly string[];
  run(ctx: CliContext, args: CommandArgs): Promise<CommandResult>;
}

const commands: Readonly<Record<string, Command>> = Object.assign({}, businessCommands, privacyCommands, bankCommands);

/** Where the CLI writes, and the environment it reads config from; injected so tests can drive it in-process too. */
export interface CliIo {
  readonly env: NodeJS.ProcessEnv;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

const processIo: CliIo = {
  env: process.env,
  stdout: (text) => process.stdout.write(`${text}\n`),
  stderr: (text) => process.stderr.write(`${text}\n`),
};

function usage(): string {
  const lines = Object.values(commands).map((command) => `  parley ${command.usage}\n      ${command.summary}`);
  return [
    'Usage:',
    ...lines,
    '',
    'Every command takes --json for machine-readable output. The database is the one Parley uses:',
    'DATA_DIR (SQLite, default ./data) or DATABASE_URL (PostgreSQL), as for the server.',
  ].join('\n');
}

/** The longest run of leading words that names a command, and the arguments after it. */
function findCommand(argv: readonly string[]): { command: Command; rest: string[] } | undefined {
  for (let words = 3; words >= 2; words--) {
    const command = commands[argv.slice(0, words).join(' ')];
    if (command) return { command, rest: argv.slice(words) };
  }
  return undefined;
}

/**
 * Run `parley <words> [flags]` against the configured database. Returns the exit code:
 * 0 done, 1 refused or failed (the reason is printed), 2 not a command.
 *
 * @example
 * process.exitCode = await runCli(['business', 'list', '--json']);
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const found = findCommand(argv);
  if (!found) {
    const asked = argv.includes('--help') || argv.includes('-h') || argv.length === 0;
    (asked ? io.stdout : io.stderr)(usage());
    return asked ? 0 : 2;
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    const options = Object.fromEntries(found.command.flags.map((name) => [name, { type: 'string' as const }]));
    parsed = parseArgs({ args: found.rest, allowPositionals: true, options: Object.assign({}, options, { json: { type: 'boolean' as const }, help: { type: 'boolean' as const, short: 'h' } }) });
  } catch (error) {
    io.stderr(`${(error as Error).message}\nUsage: parley ${found.command.usage}`);
    return 2;
  }
  if (parsed.values.help) {
    io.stdout(`Usage: parley ${found.command.usage}\n${found.command.summary}`);
    return 0;
  }
  return execute(found.command, parsed, io);
}

async function execute(command: Command, parsed: { values: Record<string, unknown>; positionals: string[] }, io: CliIo): Promise<number> {
  const json = parsed.values.json === true;
  try {
    const config = loadConfig(io.env);
    const database = await openDatabase<Tables>(config);
    try {
      const ctx: CliContext = { db: database.db, dialect: database.dialect, clock: systemClock, random: cryptoRandom, keys: new KeyRing(config) };
      const values = parsed.values as Record<string, string | boolean | undefined>;
      const result = await command.run(ctx, { values, positionals: parsed.positionals });
      io.stdout(json ? JSON.stringify(result.json, null, 2) : result.text);
      return result.exitCode ?? 0;
    } finally {
      await database.close();
    }
  } catch (error) {
    const code = isAppError(error) ? error.code : error instanceof ConfigError ? 'ERR_VALIDATION' : 'ERR_INTERNAL';
    const message = isAppError(error) || error instanceof ConfigError ? error.message : `Unexpected failure: ${(error as Error).message}`;
    io.stderr(json ? JSON.stringify({ error: { code, message } }) : `parley: ${message}`);
    return 1;
  }
}
