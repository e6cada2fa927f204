import { buildBank } from '../packages/sandbox-bank/src/bank';
import { loadBankConfig, type BankClient } from '../packages/sandbox-bank/src/platform/config';

// The Sandbox Bank as a child of bench:banking (so taskset can pin it to core 0): its usual
// configuration from the environment, with the registered clients (Parley, and the bench's own
// direct client) passed as JSON in BENCH_BANK_CLIENTS.

const clients = JSON.parse(process.env.BENCH_BANK_CLIENTS ?? '[]') as BankClient[];
const bank = await buildBank(loadBankConfig(process.env, { clients }));
const config = loadBankConfig(process.env);
await bank.app.listen({ port: config.port, host: config.host });
const stop = async (): Promise<void> => {
  await bank.close();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
