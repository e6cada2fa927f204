import type { AccountKind } from './customers.table';
import { airlines, destinations, eatingOut, groceries, shopping, subscriptions, transport, utilities, type Merchant } from './merchants';
import type { Random } from './random';

export const dayMs = 86_400_000;
const hourMs = 3_600_000;

/** Who a demo customer is and how they live: the generator's only input besides the seed. */
export interface CustomerProfile {
  readonly username: string;
  readonly displayName: string;
  /** Demo password, documented in the README. */
  readonly password: string;
  readonly homeCountry: string;
  readonly employer: string;
  readonly salaryMinor: number;
  readonly landlord: string;
  readonly rentMinor: number;
  readonly savingsMonthlyMinor: number;
  readonly creditLimitMinor: number;
}

/** Running booked balances when a planned entry is applied (dynamic amounts read them). */
export type Balances = Record<AccountKind, number>;

/** One planned money movement; `counter` makes it a transfer with a mirrored second leg. */
export interface Planned {
  readonly at: number;
  readonly account: AccountKind;
  readonly amount: number | ((balances: Balances) => number);
  readonly description: string;
  readonly category: string;
  readonly merchant?: string;
  /** Set only on card transactions (the fraud rules read card history by it). */
  readonly mcc?: string;
  readonly country?: string;
  readonly counter?: { readonly account: AccountKind; readonly description: string };
}

export interface Window {
  readonly start: number;
  readonly end: number;
}

const upper = (text: string): string => text.toUpperCase();

function card(input: { at: number; account: AccountKind; merchant: Merchant | { name: string; mcc: string; category: string }; amount: number; country?: string; city?: string }): Planned {
  const where = input.city ? `, ${upper(input.city)} ${input.country}` : '';
  return {
    at: input.at,
    account: input.account,
    amount: -input.amount,
    description: `CARD PAYMENT TO ${upper(input.merchant.name)}${where}`,
    category: input.merchant.category,
    merchant: input.merchant.name,
    mcc: input.merchant.mcc,
    country: input.country ?? 'GB',
  };
}

const spend = (rng: Random, merchant: Merchant): number => rng.int(merchant.minMinor, merchant.maxMinor);
const timeOfDay = (rng: Random, fromHour: number, toHour: number): number => rng.int(fromHour * hourMs, toHour * hourMs);

/** The months touched by the window, as UTC month starts. */
function monthStarts(window: Window): number[] {
  const first = new Date(window.start);
  const months: number[] = [];
  for (let i = 0; ; i++) {
    const at = Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + i, 1);
    if (at >= window.end) return months;
    months.push(at);
  }
}

/** Salary, rent, bills, subscriptions, saving, interest and the card repayment: what happens every month. */
export function planMonthly(profile: CustomerProfile, rng: Random, window: Window): Planned[] {
  const plans: Planned[] = [];
  const bonusMonth = rng.int(0, 11);
  for (const month of monthStarts(window)) {
    const day = (n: number, from = 8, to = 11): number => month + (n - 1) * dayMs + timeOfDay(rng, from, to);
    const bonus = new Date(month).getUTCMonth() === bonusMonth ? Math.round(profile.salaryMinor * 0.4) : 0;
    plans.push({ at: day(25, 6, 8), account: 'checking', amount: profile.salaryMinor + bonus, description: `BACS CREDIT ${upper(profile.employer)} SALARY`, category: 'salary', merchant: profile.employer });
    plans.push({ at: day(1, 6, 8), account: 'checking', amount: -profile.rentMinor, description: `STANDING ORDER ${upper(profile.landlord)} RENT`, category: 'rent', merchant: profile.landlord });
    utilities.forEach((bill, index) => {
      plans.push({ at: day(3 + index * 5), account: 'checking', amount: -spend(rng, bill), description: `DIRECT DEBIT ${upper(bill.name)}`, category: bill.category, merchant: bill.name });
    });
    subscriptions.forEach((service, index) => {
      plans.push(card({ at: day(6 + index * 4, 0, 6), account: 'credit_card', merchant: service, amount: spend(rng, service) }));
    });
    plans.push({
      at: day(26, 9, 10),
      account: 'checking',
      amount: -profile.savingsMonthlyMinor,
      description: 'TRANSFER TO EASY SAVER',
      category: 'transfer',
      counter: { account: 'savings', description: 'TRANSFER FROM EVERYDAY CURRENT ACCOUNT' },
    });
    // 3.5% AER, paid monthly on the balance at the end of the month.
    const lastDay = Date.UTC(new Date(month).getUTCFullYear(), new Date(month).getUTCMonth() + 1, 0);
    plans.push({ at: lastDay + 23 * hourMs, account: 'savings', amount: (b) => Math.round((b.savings * 0.035) / 12), description: 'INTEREST PAID', category: 'interest' });
    // The card statement is settled in full from the current account.
    plans.push({
      at: day(20, 7, 8),
      account: 'credit_card',
      amount: (b) => Math.max(0, -b.credit_card),
      description: 'PAYMENT RECEIVED - THANK YOU',
      category: 'card_repayment',
      counter: { account: 'checking', description: 'CREDIT CARD REPAYMENT SANDBOX REWARDS' },
    });
  }
  return plans;
}

/** Groceries several times a week, commuting, eating out and shopping; some purchases refunded. */
export function planDaily(rng: Random, window: Window): Planned[] {
  const plans: Planned[] = [];
  let purchases = 0;
  let refunds = 0;
  for (let dayStart = window.start; dayStart < window.end; dayStart += dayMs) {
    const weekday = new Date(dayStart).getUTCDay() % 6 !== 0;
    if (rng.chance(0.5)) {
      const shop = rng.pick(groceries);
      plans.push(card({ at: dayStart + timeOfDay(rng, 9, 20), account: 'checking', merchant: shop, amount: spend(rng, shop) }));
    }
    if (weekday && rng.chance(0.6)) {
      const ride = rng.pick(transport.slice(0, 2));
      plans.push(card({ at: dayStart + timeOfDay(rng, 7, 9), account: 'checking', merchant: ride, amount: spend(rng, ride) }));
    } else if (rng.chance(0.08)) {
      const trip = rng.pick(transport.slice(2));
      plans.push(card({ at: dayStart + timeOfDay(rng, 10, 16), account: 'checking', merchant: trip, amount: spend(rng, trip) }));
    }
    if (rng.chance(0.3)) {
      const place = rng.pick(eatingOut);
      plans.push(card({ at: dayStart + timeOfDay(rng, 12, 22), account: rng.chance(0.6) ? 'credit_card' : 'checking', merchant: place, amount: spend(rng, place) }));
    }
    if (rng.chance(0.12)) {
      const store = rng.pick(shopping);
      const amount = spend(rng, store);
      const at = dayStart + timeOfDay(rng, 10, 21);
      const account: AccountKind = rng.chance(0.7) ? 'credit_card' : 'checking';
      plans.push(card({ at, account, merchant: store, amount }));
      purchases++;
      // Every customer has at least one refund: the third purchase is returned if none was yet.
      const refundAt = at + rng.int(4, 12) * dayMs;
      if ((rng.chance(0.15) || (refunds === 0 && purchases >= 3)) && refundAt < window.end) {
        refunds++;
        plans.push({ at: refundAt, account, amount, description: `REFUND FROM ${upper(store.name)}`, category: 'refund', merchant: store.name, mcc: store.mcc, country: 'GB' });
      }
    }
  }
  return plans;
}

/** A trip abroad every few months: the flight booked weeks before, then hotel, meals and taxis in the country. */
export function planTravel(rng: Random, window: Window): Planned[] {
  const plans: Planned[] = [];
  for (let depart = window.start + rng.int(40, 70) * dayMs; depart < window.end; depart += rng.int(70, 110) * dayMs) {
    const place = rng.pick(destinations);
    const nights = rng.int(3, 6);
    const airline = rng.pick(airlines);
    const bookedAt = depart - rng.int(20, 40) * dayMs + timeOfDay(rng, 19, 23);
    if (bookedAt >= window.start) {
      plans.push(card({ at: bookedAt, account: 'credit_card', merchant: { name: airline, mcc: '4511', category: 'travel' }, amount: rng.int(8_000, 42_000) }));
    }
    plans.push(card({ at: depart + timeOfDay(rng, 15, 20), account: 'credit_card', merchant: { name: rng.pick(place.hotels), mcc: '7011', category: 'travel' }, amount: rng.int(9_000, 22_000) * nights, country: place.country, city: place.city }));
    for (let night = 0; night < nights; night++) {
      const evening = depart + night * dayMs;
      plans.push(card({ at: evening + timeOfDay(rng, 19, 22), account: 'credit_card', merchant: { name: rng.pick(place.restaurants), mcc: '5812', category: 'eating_out' }, amount: rng.int(2_400, 9_800), country: place.country, city: place.city }));
      if (rng.chance(0.5)) {
        plans.push(card({ at: evening + timeOfDay(rng, 10, 18), account: 'credit_card', merchant: { name: 'Uber', mcc: '4121', category: 'transport' }, amount: rng.int(700, 3_200), country: place.country, city: place.city }));
      }
    }
  }
  return plans.filter((plan) => plan.at >= window.start && plan.at < window.end);
}

/** A coffee and a takeaway in the last two days, so every customer has pending card payments. */
export function planRecent(rng: Random, window: Window): Planned[] {
  const coffee = eatingOut[0] as Merchant;
  const takeaway = eatingOut[5] as Merchant;
  return [
    card({ at: window.end - dayMs + timeOfDay(rng, 8, 9), account: 'checking', merchant: coffee, amount: spend(rng, coffee) }),
    card({ at: window.end - 2 * dayMs + timeOfDay(rng, 19, 21), account: 'credit_card', merchant: takeaway, amount: spend(rng, takeaway) }),
  ];
}
