/** How the app names and explains each kind of alert, in plain words. */
import type { AlertKind } from '@parley/protocol';

export interface AlertKindWords {
  /** A short name: a switch's label, a line in the history. */
  readonly title: string;
  /** What turning it on means, said to the person. */
  readonly description: string;
}

export const alertKindWords: Readonly<Record<AlertKind, AlertKindWords>> = {
  card_transaction_review: {
    title: 'Card payments to check',
    description: 'When your bank holds a card payment that looks unusual, it asks you here whether it was you. Answer in one tap; locking your card asks for your passkey.',
  },
  large_withdrawal: {
    title: 'Large withdrawals',
    description: 'When a large sum leaves one of your accounts, as cash or a transfer.',
  },
  low_balance: {
    title: 'Low balance',
    description: 'When an account falls below the level your bank warns at.',
  },
  new_device_login: {
    title: 'Sign-ins from a new device',
    description: 'When someone signs in to your bank from a phone or computer it has not seen before.',
  },
  consent_expiring: {
    title: 'Link about to end',
    description: 'A reminder from your bank before your link to Parley ends, so you can renew it in time.',
  },
};

/** The kinds in the order they are offered: the one that protects money first. */
export const offeredKinds: readonly AlertKind[] = ['card_transaction_review', 'large_withdrawal', 'low_balance', 'new_device_login', 'consent_expiring'];

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const dayTimeFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit' });

/** "09:14" today, "3 Nov, 21:14" on another day, in the person's time zone. */
export function formatWhen(ms: number, now = Date.now()): string {
  const sameDay = new Date(ms).toDateString() === new Date(now).toDateString();
  return sameDay ? timeFormat.format(ms) : dayTimeFormat.format(ms);
}
