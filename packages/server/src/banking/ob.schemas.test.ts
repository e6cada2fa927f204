import { describe, expect, it } from 'vitest';
import { isAppError } from '../platform/errors';
import { checkBankAnswer, ObBalances, ObTransactions, obPermissions } from './ob.schemas';

// A bank is untrusted input: a malformed answer is a clear error, never a crash or a half-read.

const balance = { AccountId: 'acc-1', CreditDebitIndicator: 'Credit', Type: 'ITBD', DateTime: '2026-11-22T10:00:00Z', Amount: { Amount: '12.50', Currency: 'GBP' } };

function codeOf(run: () => unknown): string | null {
  try {
    run();
    return null;
  } catch (error) {
    return isAppError(error) ? error.code : 'not an AppError';
  }
}

describe('checkBankAnswer', () => {
  it('accepts a well-formed answer, extra fields and all', () => {
    expect(checkBankAnswer(ObBalances, { Data: { Balance: [{ ...balance, Extra: true }] }, Links: {} }, 'balances').Data.Balance[0]?.Amount.Amount).toBe('12.50');
  });

  it('refuses malformed answers with ERR_BANK_BAD_RESPONSE', () => {
    const bad: unknown[] = [
      null,
      'text',
      { Data: {} },
      { Data: { Balance: [{ ...balance, Amount: { Amount: '-12.50', Currency: 'GBP' } }] } },
      { Data: { Balance: [{ ...balance, Amount: { Amount: '1e9', Currency: 'GBP' } }] } },
      { Data: { Balance: [{ ...balance, CreditDebitIndicator: 'Maybe' }] } },
      { Data: { Balance: [{ ...balance, AccountId: '../../admin' }] } },
      { Data: { Balance: [{ ...balance, Amount: { Amount: '12.50', Currency: 'gbp' } }] } },
    ];
    for (const answer of bad) expect(codeOf(() => checkBankAnswer(ObBalances, answer, 'balances'))).toBe('ERR_BANK_BAD_RESPONSE');
    expect(codeOf(() => checkBankAnswer(ObTransactions, { Data: { Transaction: [{ AccountId: 'a' }] } }, 'transactions'))).toBe('ERR_BANK_BAD_RESPONSE');
  });
});

describe('obPermissions', () => {
  it('asks for basic account access plus exactly what each category needs', () => {
    expect(obPermissions(['balances'])).toEqual(['ReadAccountsBasic', 'ReadBalances']);
    expect(obPermissions(['account_details'])).toEqual(['ReadAccountsBasic', 'ReadAccountsDetail']);
    expect(obPermissions(['transactions'])).toContain('ReadTransactionsDetail');
  });
});
