import type { RevealField } from '@parley/protocol';
import { listInstitutions, readFinancialData, type FinancialData } from '../banking';
import type { ServerContext } from '../context';
import { AppError } from '../platform/errors';

const typeNames: Record<string, string> = { Personal: 'Personal', Business: 'Business' };

function lastFour(identification: string | null): string | null {
  const digits = (identification ?? '').replace(/\D/g, '');
  return digits.length >= 4 ? digits.slice(-4) : null;
}

/** The one field as the agent reads it: short text, nothing more than asked. `only` limits it to some accounts. */
function describe(field: RevealField, data: FinancialData, only: ReadonlySet<string> | null): string {
  if (data.kind === 'transactions') return '';
  const accounts = data.accounts.filter((account) => only === null || only.has(account.bankAccountId));
  if (accounts.length === 0) throw new AppError('ERR_NOT_FOUND', { message: 'No account at this bank ends in these digits.' });
  if (field === 'account_mask') return accounts.map((account) => `${account.name} •••• ${lastFour(account.identification) ?? '????'}`).join('\n');
  if (field === 'account_type') return accounts.map((account) => `${account.name}: ${typeNames[account.type] ?? account.type}`).join('\n');
  if (data.kind !== 'balances') return '';
  return accounts
    .map((account) => {
      const balance = data.balances.find((entry) => entry.bankAccountId === account.bankAccountId);
      return `${account.name}: ${balance ? `${balance.amount} ${balance.currency}` : 'no balance'}`;
    })
    .join('\n');
}

/**
 * Read one revealed field through THE gate, for purpose `support_context` and with the agent as
 * actor — the person's access log gets each read — and only from the person's link with this
 * bank. A balance of the account ending in `accountMask` first reads the account details (to
 * find which account that is). Returns the text and the consent it came through.
 */
export async function readRevealedValue(
  ctx: ServerContext,
  options: { personId: string; businessId: string; memberId: string; field: RevealField; accountMask: string | null },
): Promise<{ value: string; consentId: string }> {
  const institution = (await listInstitutions(ctx.db)).find((row) => row.business_id === options.businessId);
  if (!institution) throw new AppError('ERR_CONSENT_NOT_ACTIVE', { message: 'This bank has no Open Banking link on Parley.' });
  const read = async (category: 'balances' | 'account_details') => {
    const [result] = await readFinancialData(ctx, {
      personId: options.personId,
      institutionId: institution.id,
      category,
      purpose: 'support_context',
      actor: `agent:${options.memberId}`,
    });
    if (!result) throw new AppError('ERR_CONSENT_NOT_ACTIVE');
    return result;
  };
  let only: Set<string> | null = null;
  if (options.accountMask !== null) {
    const details = await read('account_details');
    const accounts = details.data.kind === 'transactions' ? [] : details.data.accounts;
    only = new Set(accounts.filter((account) => lastFour(account.identification) === options.accountMask).map((account) => account.bankAccountId));
    if (options.field !== 'balance') return { value: describe(options.field, details.data, only), consentId: details.consentId };
  }
  const result = await read(options.field === 'balance' ? 'balances' : 'account_details');
  return { value: describe(options.field, result.data, only), consentId: result.consentId };
}
