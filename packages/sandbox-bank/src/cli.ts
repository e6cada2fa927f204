// `npm run bank` runs the Sandbox Bank on its own; `npm run bank -- <command>` runs a command.
import { runNoticeCommand } from './bot/notice.command';
import { runSimulateCommand } from './cards/simulate.command';
import { BankConfigError, loadBankConfig } from './platform/config';

const usage = 'Usage: npm run bank                      run the Sandbox Bank\n       npm run bank -- simulate [--customer alice] [--suspicious] [--count N]   send card payments through its card network\n       npm run bank -- notice "text"          send a notice to everyone who follows the Sandbox Bank at Parley';

async function runCommand(command: string, args: string[]): Promise<void> {
  if (command === 'simulate') return runSimulateCommand(loadBankConfig(process.env), args, (line) => console.log(line));
  if (command === 'notice') return runNoticeCommand(loadBankConfig(process.env), process.env, args, (line) => console.log(line));
  console.error(usage);
  process.exitCode = 2;
}

const [command, ...args] = process.argv.slice(2);
if (command === undefined) {
  await import('./main');
} else {
  await runCommand(command, args).catch((error: unknown) => {
    console.error(error instanceof BankConfigError ? `Sandbox Bank cannot start: ${error.message}` : error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
