import { randomUUID } from 'node:crypto';
import type { BankContext } from '../context';
import { findCustomerById, getBalances, insertTransaction, listAccountsOfCustomer, type TransactionRow } from '../customers';
import { cardCountries, cardSpendBetween, countAuthorizationsBetween, findAuthorization, findCard, insertAuthorization, listAuthorizationsOfCustomer, resolveHeld } from './cards.repository';
import { CardError } from './cards.errors';
import type { AuthorizationRow, AuthorizationStatus, CardRow, DeclineReason, FraudRule } from './cards.table';
import { assessRisk, holdThreshold, usualSpendWindowMs, velocityWindowMs, type RiskAssessment } from './fraud-rules';

/** A merchant's request to take money from a card. */
export interface AuthorizationRequest {
  readonly cardId: string;
  /** Positive, minor units of the card account's currency. */
  readonly amountMinor: number;
  readonly merchant: string;
  /** ISO 18245 merchant category code, four digits. */
  readonly mcc: string;
  /** ISO 3166-1 alpha-2. */
  readonly country: string;
  readonly city?: string;
  /** When it happened (ms since the epoch); now by default. */
  readonly at?: number;
}

export interface AuthorizationView {
  readonly id: string;
  readonly customerId: string;
  readonly cardId: string;
  readonly cardLast4: string;
  readonly amountMinor: number;
  readonly currency: string;
  readonly merchantName: string;
  readonly mcc: string;
  readonly country: string;
  readonly city: string | null;
  readonly at: number;
  readonly status: AuthorizationStatus;
  readonly declineReason: DeclineReason | null;
  readonly riskScore: number;
  readonly rules: FraudRule[];
  /** The Pending transaction on the account, once approved. */
  readonly transactionId: string | null;
}

function toView(row: AuthorizationRow, card: Pick<CardRow, 'last4'>): AuthorizationView {
  return {
    id: row.id,
    customerId: row.customer_id,
    cardId: row.card_id,
    cardLast4: card.last4,
    amountMinor: row.amount_minor,
    currency: row.currency,
    merchantName: row.merchant_name,
    mcc: row.mcc,
    country: row.country,
    city: row.city,
    at: row.at,
    status: row.status,
    declineReason: row.decline_reason,
    riskScore: row.risk_score,
    rules: JSON.parse(row.rules) as FraudRule[],
    transactionId: row.transaction_id,
  };
}

const categoryOfMcc: Record<string, string> = { '5411': 'groceries', '5812': 'eating_out', '5813': 'eating_out', '5814': 'eating_out', '4111': 'transport', '4121': 'transport', '4112': 'transport', '5541': 'transport', '4511': 'travel', '7011': 'travel', '4722': 'travel', '7995': 'gambling', '6051': 'cash', '4829': 'transfer' };

function pendingTransaction(row: AuthorizationRow, card: CardRow): TransactionRow {
  // The statement names where a payment abroad happened, as the seeded history does: ", LISBON PT".
  const where = row.country === 'GB' ? '' : `, ${[row.city?.toUpperCase(), row.country].filter(Boolean).join(' ')}`;
  return {
    id: randomUUID(),
    account_id: card.account_id,
    amount_minor: -row.amount_minor,
    currency: row.currency,
    status: 'Pending',
    booked_at: row.at,
    value_at: row.at,
    description: `CARD PAYMENT TO ${row.merchant_name.toUpperCase()}${where}`,
    merchant_name: row.merchant_name,
    merchant_category_code: row.mcc,
    category: categoryOfMcc[row.mcc] ?? 'shopping',
    country: row.country,
    balance_after_minor: null,
  };
}

function validate(request: AuthorizationRequest): void {
  const problems = [
    !(Number.isSafeInteger(request.amountMinor) && request.amountMinor > 0) && 'amountMinor must be a positive whole number of minor units',
    !/^\d{4}$/.test(request.mcc) && 'mcc must be a four-digit ISO 18245 code',
    !/^[A-Z]{2}$/.test(request.country) && 'country must be an ISO 3166-1 alpha-2 code such as GB',
    !(request.merchant.trim().length > 0 && request.merchant.length <= 100) && 'merchant must be 1–100 characters',
  ].filter(Boolean);
  if (problems.length > 0) throw new CardError('ERR_INVALID_AUTHORIZATION', `${problems.join('; ')}.`);
}

async function assess(ctx: BankContext, card: CardRow, request: AuthorizationRequest, at: number): Promise<RiskAssessment> {
  const accountIds = (await listAccountsOfCustomer(ctx.db, card.customer_id)).map((account) => account.id);
  const customer = await findCustomerById(ctx.db, card.customer_id);
  const [recentSpendMinor, usedIn, recentAuthorizations] = await Promise.all([
    cardSpendBetween(ctx.db, { accountIds, from: at - usualSpendWindowMs, to: at }),
    cardCountries(ctx.db, accountIds),
    countAuthorizationsBetween(ctx.db, { customerId: card.customer_id, from: at - velocityWindowMs, to: at }),
  ]);
  const knownCountries = customer ? [customer.home_country, ...usedIn] : usedIn;
  return assessRisk({ amountMinor: request.amountMinor, mcc: request.mcc, country: request.country, recentSpendMinor, knownCountries, recentAuthorizations });
}

function decide(input: { card: CardRow; risk: RiskAssessment; availableMinor: number; amountMinor: number }): { status: AuthorizationStatus; reason: DeclineReason | null } {
  if (input.card.locked === 1) return { status: 'declined', reason: 'card_locked' };
  if (input.availableMinor < input.amountMinor) return { status: 'declined', reason: 'insufficient_funds' };
  if (input.risk.score >= holdThreshold) return { status: 'held', reason: null };
  return { status: 'approved', reason: null };
}

/**
 * Authorize a card payment: a locked card or too little money declines it; the fraud rules
 * score it against the customer's own history, and a suspicious one is held (and
 * `authorization.held` emitted) until the customer says whether it was them. An approved one
 * becomes a Pending transaction on the card's account.
 */
export async function authorize(ctx: BankContext, request: AuthorizationRequest): Promise<AuthorizationView> {
  validate(request);
  const card = await findCard(ctx.db, request.cardId);
  if (!card) throw new CardError('ERR_CARD_NOT_FOUND', 'There is no such card.');
  const at = request.at ?? ctx.clock.now();
  const [balance] = await getBalances(ctx, card.customer_id, [card.account_id]);
  const risk = card.locked === 1 ? { score: 0, rules: [] } : await assess(ctx, card, request, at);
  const { status, reason } = decide({ card, risk, availableMinor: balance?.availableMinor ?? 0, amountMinor: request.amountMinor });
  const row: AuthorizationRow = {
    id: randomUUID(),
    card_id: card.id,
    customer_id: card.customer_id,
    amount_minor: request.amountMinor,
    currency: balance?.currency ?? 'GBP',
    merchant_name: request.merchant.trim(),
    mcc: request.mcc,
    country: request.country,
    city: request.city ?? null,
    at,
    status,
    decline_reason: reason,
    risk_score: risk.score,
    rules: JSON.stringify(risk.rules),
    transaction_id: null,
    resolved_at: null,
  };
  await ctx.db.transaction().execute(async (trx) => {
    const transaction = status === 'approved' ? pendingTransaction(row, card) : null;
    if (transaction) await insertTransaction(trx, transaction);
    await insertAuthorization(trx, Object.assign({}, row, { transaction_id: transaction?.id ?? null }));
  });
  if (status === 'held') ctx.events.emit('authorization.held', { customerId: card.customer_id, authorizationId: row.id });
  return getAuthorizationOrThrow(ctx, row.id);
}

async function getAuthorizationOrThrow(ctx: BankContext, id: string): Promise<AuthorizationView> {
  const view = await getAuthorization(ctx, id);
  if (!view) throw new CardError('ERR_AUTHORIZATION_NOT_FOUND', 'There is no such authorization.');
  return view;
}

/** One authorization, or undefined. Check `customerId` before showing it to someone. */
export async function getAuthorization(ctx: BankContext, id: string): Promise<AuthorizationView | undefined> {
  const row = await findAuthorization(ctx.db, id);
  const card = row && (await findCard(ctx.db, row.card_id));
  return row && card ? toView(row, card) : undefined;
}

/** The customer's latest authorizations, newest first. */
export async function listAuthorizations(ctx: BankContext, customerId: string, limit = 10): Promise<AuthorizationView[]> {
  const rows = await listAuthorizationsOfCustomer(ctx.db, customerId, limit);
  const views: AuthorizationView[] = [];
  for (const row of rows) {
    const card = await findCard(ctx.db, row.card_id);
    if (card) views.push(toView(row, card));
  }
  return views;
}

/**
 * The customer's answer to a held authorization: `approve` ("it was me") lets it through as a
 * Pending transaction; `decline` ("not me") declines it. Only the card holder may answer, once.
 */
export async function resolveHeldAuthorization(ctx: BankContext, input: { authorizationId: string; customerId: string; decision: 'approve' | 'decline' }): Promise<AuthorizationView> {
  const row = await findAuthorization(ctx.db, input.authorizationId);
  const card = row && (await findCard(ctx.db, row.card_id));
  if (!row || !card || row.customer_id !== input.customerId) throw new CardError('ERR_AUTHORIZATION_NOT_FOUND', 'There is no such authorization for this customer.');
  if (row.status !== 'held') throw new CardError('ERR_AUTHORIZATION_NOT_HELD', `This payment is no longer waiting for an answer: it was ${row.status}.`);
  const resolvedAt = ctx.clock.now();
  const answeredAlready = new CardError('ERR_AUTHORIZATION_NOT_HELD', 'This payment was answered already.');
  await ctx.db.transaction().execute(async (trx) => {
    const transaction = input.decision === 'approve' ? pendingTransaction(row, card) : null;
    if (transaction) await insertTransaction(trx, transaction);
    const patch = transaction
      ? { status: 'approved' as const, decline_reason: null, transaction_id: transaction.id, resolved_at: resolvedAt }
      : { status: 'declined' as const, decline_reason: 'customer_declined' as const, transaction_id: null, resolved_at: resolvedAt };
    // Only a still-held row moves: a second answer throws, rolling back its transaction.
    if (!(await resolveHeld(trx, { id: row.id, patch }))) throw answeredAlready;
  });
  return getAuthorizationOrThrow(ctx, row.id);
}
