import type { AlertAction, AlertApiBody } from '@parley/protocol';
import { ParleyApiError } from '@parley/sdk';
import { getAuthorization, type AuthorizationView } from '../cards';
import { formatMinor } from '../customers';
import { listLinksOfCustomer, saveFraudAlert } from './bot.repository';
import type { FraudAlertStatus } from './bot.table';
import type { BotRuntime } from './bot.runtime';
import { spoken } from './card.answers';

const countryNames = new Intl.DisplayNames(['en-GB'], { type: 'region' });

function where(city: string | null, country: string): string {
  let name = country;
  try {
    name = countryNames.of(country) ?? country;
  } catch {
    // Not a region code Intl knows: say the code.
  }
  return city ? `${city}, ${name}` : name;
}

/** How long the customer has to answer; after that the alert shows as expired and the payment stays held. */
export const fraudAlertLifetimeMs = 60 * 60 * 1000;

/** The alert's action ids, as `alert.answered` brings them back. */
export const fraudActions = { confirm: 'confirm', lock: 'lock_card' } as const;

const actions: AlertAction[] = [
  { id: fraudActions.confirm, label: 'Yes, it was me', style: 'primary', requiresStepUp: false },
  // Locking the card declines the payment and stops the card: only the customer, with their passkey.
  { id: fraudActions.lock, label: 'No, lock my card', style: 'danger', requiresStepUp: true },
];

const clip = (value: string, max: number): string => (value.length <= max ? value : `${value.slice(0, max - 1)}…`);

/** The Alert API body for one held payment, to one BSID. */
export function fraudAlertBody(authorization: AuthorizationView, input: { bsid: string; now: number }): AlertApiBody {
  const amount = spoken(authorization.amountMinor, authorization.currency);
  const place = where(authorization.city, authorization.country);
  return {
    recipient: { bsid: input.bsid },
    kind: 'card_transaction_review',
    headline: clip(`Did you just spend ${amount} at ${authorization.merchantName} in ${authorization.city ?? place}?`, 140),
    facts: {
      amount: { amount: formatMinor(authorization.amountMinor, authorization.currency), currency: authorization.currency },
      merchant: clip(authorization.merchantName, 100),
      place: clip(place, 100),
      time: new Date(authorization.at).toISOString(),
      cardMask: authorization.cardLast4,
      detail: "We've held this payment until you answer. If it wasn't you, we'll decline it and lock your card.",
    },
    actions,
    expiresAt: input.now + fraudAlertLifetimeMs,
  };
}

/**
 * The card network held a suspicious payment: alert the customer in every chat linked to them,
 * through Parley's Alert API (a card with "Yes, it was me" and "No, lock my card"). Parley
 * accepts it only if the person switched on card alerts from the bank; otherwise it is recorded
 * as `not_enabled` and the payment stays held (the bank's own channels would take over).
 * The Idempotency-Key is per authorization and BSID, so a retry alerts once.
 */
export async function alertHeldAuthorization(bot: BotRuntime, held: { customerId: string; authorizationId: string }): Promise<void> {
  const { ctx } = bot;
  const record = (bsid: string, status: FraudAlertStatus, detail: string | null = null, alertId: string | null = null) =>
    saveFraudAlert(ctx.db, {
      authorization_id: held.authorizationId,
      customer_id: held.customerId,
      bsid,
      status,
      detail,
      alert_id: alertId,
      created_at: ctx.clock.now(),
      updated_at: ctx.clock.now(),
    });
  const authorization = await getAuthorization(ctx, held.authorizationId);
  if (!authorization || authorization.status !== 'held') return;
  const links = await listLinksOfCustomer(ctx.db, held.customerId);
  if (links.length === 0) {
    ctx.log.warn({ authorizationId: held.authorizationId }, 'bot: a held payment, and no linked chat to ask the customer in');
    return record('', 'not_linked');
  }
  for (const { bsid } of links) {
    try {
      const sent = await bot.parley.sendAlert(fraudAlertBody(authorization, { bsid, now: ctx.clock.now() }), { idempotencyKey: `alert-${authorization.id}-${bsid}` });
      await record(bsid, 'sent', null, sent.alertId);
    } catch (error) {
      if (!(error instanceof ParleyApiError && (error.status === 403 || error.status === 404))) throw error;
      // Alerts switched off (ERR_ALERTS_NOT_ENABLED), or the person left: not reached this way.
      const status: FraudAlertStatus = error.code === 'ERR_ALERTS_NOT_ENABLED' ? 'not_enabled' : 'unreachable';
      ctx.log.warn({ authorizationId: authorization.id, code: error.code }, 'bot: could not alert the customer about a held payment');
      await record(bsid, status, error.code);
    }
  }
}
