import { randomInt, randomUUID } from 'node:crypto';
import type { BankContext } from '../context';
import { findTransactionById, listAccountsOfCustomer } from '../customers';
import { findDisputeByCaseNumber, findOpenDisputeOfTransaction, insertDispute } from './cards.repository';
import { CardError } from './cards.errors';
import type { DisputeRow } from './cards.table';

export interface DisputeView {
  readonly id: string;
  /** What the customer quotes, e.g. `DSP-7Q4K2`. */
  readonly caseNumber: string;
  readonly transactionId: string;
  readonly reason: string;
  readonly status: DisputeRow['status'];
  readonly createdAt: number;
  /** False when the transaction was already disputed and this is that open case. */
  readonly created: boolean;
}

// Crockford's base32: no I, L, O or U, so a case number read over the phone is not misheard.
const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function caseNumber(): string {
  return `DSP-${Array.from({ length: 5 }, () => alphabet[randomInt(alphabet.length)]).join('')}`;
}

const toView = (row: DisputeRow, created: boolean): DisputeView => ({
  id: row.id,
  caseNumber: row.case_number,
  transactionId: row.transaction_id,
  reason: row.reason,
  status: row.status,
  createdAt: row.created_at,
  created,
});

/**
 * Open a dispute of one of the customer's payments and give it a case number. A transaction of
 * another customer is refused as if it did not exist; disputing the same payment again returns
 * the case already open.
 */
export async function openDispute(ctx: BankContext, input: { customerId: string; transactionId: string; reason: string }): Promise<DisputeView> {
  const reason = input.reason.trim();
  if (reason.length === 0 || reason.length > 500) throw new CardError('ERR_INVALID_DISPUTE', 'Say in 1–500 characters why you dispute this payment.');
  const transaction = await findTransactionById(ctx.db, input.transactionId);
  const accounts = await listAccountsOfCustomer(ctx.db, input.customerId);
  if (!transaction || !accounts.some((account) => account.id === transaction.account_id)) {
    throw new CardError('ERR_TRANSACTION_NOT_FOUND', 'There is no such transaction on your accounts.');
  }
  if (transaction.amount_minor >= 0) throw new CardError('ERR_NOT_DISPUTABLE', 'Only a payment out of your account can be disputed.');
  const open = await findOpenDisputeOfTransaction(ctx.db, transaction.id);
  if (open) return toView(open, false);
  let number = caseNumber();
  // 32^5 ≈ 33 million numbers: a clash is rare; draw again until free.
  while (await findDisputeByCaseNumber(ctx.db, number)) number = caseNumber();
  const row: DisputeRow = { id: randomUUID(), case_number: number, customer_id: input.customerId, transaction_id: transaction.id, reason, status: 'open', created_at: ctx.clock.now() };
  await insertDispute(ctx.db, row);
  return toView(row, true);
}

/** A dispute by its case number, if it is the customer's. */
export async function findDispute(ctx: BankContext, input: { customerId: string; caseNumber: string }): Promise<DisputeView | undefined> {
  const row = await findDisputeByCaseNumber(ctx.db, input.caseNumber.trim().toUpperCase());
  return row && row.customer_id === input.customerId ? toView(row, false) : undefined;
}
