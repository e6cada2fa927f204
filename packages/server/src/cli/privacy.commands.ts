import { dataKeysByMasterKey, rotateMasterKey, rotateSigningKey, signingKeyUses, verifyChain, type PrivacyContext, type SigningKeyUse } from '../privacy';
import { sealPlainBodies } from '../messaging';
import { AppError } from '../platform/errors';
import { table, type CommandResult } from './cli.output';

/** What the privacy commands run on: the database and the key ring, as the server has them. */
export type PrivacyCliContext = PrivacyContext;

interface PrivacyCommand {
  readonly usage: string;
  readonly summary: string;
  readonly flags: readonly string[];
  run(ctx: PrivacyCliContext, args: { values: Readonly<Record<string, string | boolean | undefined>>; positionals: readonly string[] }): Promise<CommandResult>;
}

const rotateCommand: PrivacyCommand = {
  usage: 'keys rotate',
  summary: 'Re-wrap every data key under a new master key and retire the old one; safe while Parley runs.',
  flags: [],
  async run(ctx) {
    const result = await rotateMasterKey(ctx);
    const lines = [
      ctx.keys.source === 'file'
        ? `Master key rotated: ${result.current} is current; retired ${result.retired.join(', ') || 'none'}.`
        : `Re-wrapped under PARLEY_MASTER_KEY (${result.current}). Remove PARLEY_MASTER_KEY_PREVIOUS from every node now to retire the old key.`,
      `${result.rewrapped} data key(s) re-wrapped.`,
    ];
    if (result.unreadable > 0) lines.push(`${result.unreadable} data key(s) could not be unwrapped (master key already gone, or the row was altered); they were already unreadable.`);
    return { json: result, text: lines.join('\n') };
  },
};

const statusCommand: PrivacyCommand = {
  usage: 'keys status',
  summary: 'Which master keys are loaded, which is current, and how many live data keys each wraps.',
  flags: [],
  async run(ctx) {
    const counts = await dataKeysByMasterKey(ctx);
    const loaded = new Set(ctx.keys.ids());
    const rows = counts.map((row) => [row.masterKeyId ?? '-', String(row.count), row.masterKeyId === ctx.keys.current ? 'current' : loaded.has(row.masterKeyId ?? '') ? 'loaded' : 'MISSING']);
    const json = { source: ctx.keys.source, current: ctx.keys.current, loaded: [...loaded], dataKeys: counts };
    return { json, text: `Master keys from ${ctx.keys.source === 'env' ? 'PARLEY_MASTER_KEY' : ctx.keys.file}; current ${ctx.keys.current}.\n${table(['MASTER KEY', 'DATA KEYS', 'STATE'], rows)}` };
  },
};

const rotateSigningCommand: PrivacyCommand = {
  usage: 'keys rotate-signing --use <receipts|bank-client|step-up>',
  summary: 'Make a new signing key for a use; the old one stays published in the JWKS for verification.',
  flags: ['use'],
  async run(ctx, args) {
    const use = args.values.use;
    if (typeof use !== 'string' || !signingKeyUses.includes(use as SigningKeyUse)) {
      throw new AppError('ERR_VALIDATION', { message: `--use must be one of ${signingKeyUses.join(', ')}.` });
    }
    const kid = await rotateSigningKey(ctx, use as SigningKeyUse);
    return { json: { use, kid }, text: `New ${use} signing key ${kid}; the old one stays in /.well-known/jwks.json.` };
  },
};

const verifyCommand: PrivacyCommand = {
  usage: 'audit verify [--person <personId>]',
  summary: 'Check the hash chain of the access log (everyone, or one person); exits 1 naming the first edited, deleted or reordered entry.',
  flags: ['person'],
  async run(ctx, args) {
    const person = typeof args.values.person === 'string' ? args.values.person : undefined;
    const report = await verifyChain(ctx, person);
    if (report.broken) {
      const { personId, seq, entryId, problem } = report.broken;
      const text = `Access log BROKEN for person ${personId} at entry ${seq}${entryId ? ` (id ${entryId})` : ''}: ${problem}.`;
      return { json: report, text, exitCode: 1 };
    }
    return { json: report, text: `Access log intact: ${report.entries} entries of ${report.people} people verified.` };
  },
};

const sealMessagesCommand: PrivacyCommand = {
  usage: 'messages seal',
  summary: 'Seal message bodies stored in clear before sealing existed, under each person\'s data key; safe while Parley runs.',
  flags: [],
  async run(ctx) {
    const { sealed } = await sealPlainBodies(ctx);
    return { json: { sealed }, text: `${sealed} message bod${sealed === 1 ? 'y' : 'ies'} sealed. VACUUM the database to drop the old plaintext from free pages (docs/privacy.md).` };
  },
};

/** The privacy commands, by their words. */
export const privacyCommands: Readonly<Record<string, PrivacyCommand>> = {
  'keys rotate': rotateCommand,
  'keys status': statusCommand,
  'keys rotate-signing': rotateSigningCommand,
  'audit verify': verifyCommand,
  'messages seal': sealMessagesCommand,
};
