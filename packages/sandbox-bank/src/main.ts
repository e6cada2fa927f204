import { buildBank } from './bank';
import { BankConfigError, loadBankConfig } from './platform/config';

/** Run the Sandbox Bank on its own: `npm run bank` (npm start runs it next to Parley). */
async function main(): Promise<void> {
  const config = loadBankConfig(process.env);
  const bank = await buildBank(config);
  await bank.app.listen({ port: config.port, host: config.host });
  bank.app.log.info(`Sandbox Bank is running at ${config.publicUrl.origin}`);
  const stop = async (): Promise<void> => {
    await bank.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

main().catch((error: unknown) => {
  console.error(error instanceof BankConfigError ? `Sandbox Bank cannot start: ${error.message}` : error);
  process.exit(1);
});
