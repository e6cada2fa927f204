import type { BankContext } from '../context';
import type { BankOidc } from '../oidc';
import { findConsent } from './consent.repository';
import type { EventDelivery } from './event-delivery';
import { endConsentWithEvent } from './event-outbox.repository';
import { consentRevokedClaims, type EventSigner } from './event-signing';

export interface RevocationDeps {
  readonly oidc: BankOidc;
  readonly signer: EventSigner;
  readonly delivery: EventDelivery;
}

/** The issuer, the same as the OpenID provider's (the bank's public origin). */
export function issuerOf(ctx: BankContext): string {
  return ctx.config.publicUrl.origin;
}

export function consentUrl(ctx: BankContext, consentId: string): string {
  return `${issuerOf(ctx)}/open-banking/v4.0/aisp/account-access-consents/${encodeURIComponent(consentId)}`;
}

/**
 * The customer revokes a consent at the bank (Connected apps): CANC, every token of it revoked,
 * and the client told by a signed event. The event is written to the outbox in the same
 * transaction as the status, so it is delivered even if the bank stops right after. Returns
 * false when the consent is not this customer's or has already ended.
 */
export async function revokeConsentByCustomer(ctx: BankContext, deps: RevocationDeps, input: { customerId: string; consentId: string }): Promise<boolean> {
  const consent = await findConsent(ctx.db, input.consentId);
  if (!consent || consent.customer_id !== input.customerId) return false;
  const at = ctx.clock.now();
  const client = ctx.config.clients.find((candidate) => candidate.clientId === consent.client_id);
  const claims = consentRevokedClaims({ issuer: issuerOf(ctx), clientId: consent.client_id, consentId: consent.id, consentUrl: consentUrl(ctx, consent.id), at });
  const token = client?.eventsUrl ? await deps.signer.sign(claims) : null;
  const event = client?.eventsUrl && token
    ? { id: String(claims.jti), consent_id: consent.id, client_id: consent.client_id, events_url: client.eventsUrl, token, attempts: 0, next_attempt_at: at, delivered_at: null, last_error: null, created_at: at }
    : null;
  const moved = await endConsentWithEvent(ctx.db, { consentId: consent.id, at, event });
  if (!moved) return false;
  await deps.oidc.revokeConsentGrants(consent.id);
  ctx.events.emit('consent.revoked', { consentId: consent.id, clientId: consent.client_id, by: 'customer' });
  deps.delivery.kick();
  return true;
}
