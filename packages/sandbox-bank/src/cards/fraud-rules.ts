import type { FraudRule } from './cards.table';

/**
 * ISO 18245 categories where stolen cards are cashed out: gambling, quasi-cash (crypto
 * exchanges, money orders), money transfer, and direct-marketing merchants.
 */
export const riskyMerchantCategories: Readonly<Record<string, string>> = {
  '7995': 'betting and gambling',
  '6051': 'quasi-cash and crypto',
  '4829': 'money transfer',
  '5967': 'direct marketing',
};

/** Points per rule; an authorization scoring holdThreshold or more is held for the customer. */
export const ruleWeights: Readonly<Record<FraudRule, number>> = {
  unusual_amount: 50,
  risky_merchant: 50,
  velocity: 50,
  // People travel: a new country alone is not enough to hold a payment, with anything else it is.
  new_country: 30,
};
export const holdThreshold = 50;

/** "Far above usual": more than this many times the median card payment of the last 90 days. */
export const unusualMultiple = 5;
export const usualSpendWindowMs = 90 * 86_400_000;
/** With fewer card payments than this to learn from, "unusual" is above a fixed amount. */
const minimumHistory = 5;
const unusualWithoutHistoryMinor = 50_000;

/** "Many within minutes": this many authorizations (this one included) within the window. */
export const velocityCount = 3;
export const velocityWindowMs = 5 * 60_000;

export interface RiskInput {
  readonly amountMinor: number;
  readonly mcc: string;
  readonly country: string;
  /** Card payments (positive minor units) of the customer in the last 90 days. */
  readonly recentSpendMinor: readonly number[];
  /** Countries the customer lives in or used a card in before. */
  readonly knownCountries: readonly string[];
  /** Authorizations on the customer's cards within velocityWindowMs before this one. */
  readonly recentAuthorizations: number;
}

export interface RiskAssessment {
  readonly score: number;
  readonly rules: FraudRule[];
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return 0;
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** The amount above which a payment is unusual for this customer. */
export function unusualAbove(recentSpendMinor: readonly number[]): number {
  return recentSpendMinor.length < minimumHistory ? unusualWithoutHistoryMinor : unusualMultiple * median(recentSpendMinor);
}

/** Score an authorization against the customer's own history; pure, so each rule is testable alone. */
export function assessRisk(input: RiskInput): RiskAssessment {
  const rules: FraudRule[] = [];
  if (input.amountMinor > unusualAbove(input.recentSpendMinor)) rules.push('unusual_amount');
  if (!input.knownCountries.includes(input.country)) rules.push('new_country');
  if (input.recentAuthorizations + 1 >= velocityCount) rules.push('velocity');
  if (input.mcc in riskyMerchantCategories) rules.push('risky_merchant');
  return { score: rules.reduce((sum, rule) => sum + ruleWeights[rule], 0), rules };
}
