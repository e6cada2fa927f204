/**
 * @parley/sandbox-bank — a reference bank that talks to Parley only over HTTP.
 *
 * @example
 * import { buildBank, loadBankConfig } from '@parley/sandbox-bank';
 * const bank = await buildBank(loadBankConfig(process.env));
 * await bank.app.listen({ port: 4000 });
 */
export { buildBank, type BankDeps, type SandboxBank } from './bank';
export { loadBankConfig, BankConfigError, type BankConfig, type BankClient, type ParleyLink } from './platform/config';
