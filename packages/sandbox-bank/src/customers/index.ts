import type { BankContext } from '../context';

/** Make the demo customers and their history from config.seed on first start; a no-op afterwards. */
export async function ensureSeeded(_ctx: BankContext): Promise<void> {
  // Placeholder until the generator lands.
}
