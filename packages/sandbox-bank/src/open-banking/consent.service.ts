import { randomUUID } from 'node:crypto';
import type { BankContext } from '../context';
import type { BankOidc, VerifiedAccessToken } from '../oidc';
import { endConsent, findConsent, insertConsent } from './consent.repository';
import type { ConsentRow } from './consent.table';
import { badRequest, forbidden, obErrorCodes } from './ob-error';
import { obDateTime } from './ob-resources';
import { accessOf, checkRequestedPermissions, type Access } from './permissions';

/** A valid OBReadConsent1 body (checked against consentRequestSchema at the edge). */
export interface ConsentRequest {
  readonly Data: {
    readonly Permissions: readonly string[];
    readonly ExpirationDateTime?: string;
    readonly TransactionFromDateTime?: string;
    readonly TransactionToDateTime?: string;
  };
  readonly Risk: Record<string, never>;
}

const parseInstant = (value: string | undefined): number | null => (value === undefined ? null : Date.parse(value));

/** POST /account-access-consents: the client's request, awaiting the customer's answer (AWAU). */
export async function createConsent(ctx: BankContext, input: { clientId: string; request: ConsentRequest }): Promise<ConsentRow> {
  const { Data } = input.request;
  const permissions = checkRequestedPermissions(Data.Permissions);
  const now = ctx.clock.now();
  const expiresAt = parseInstant(Data.ExpirationDateTime);
  const from = parseInstant(Data.TransactionFromDateTime);
  const to = parseInstant(Data.TransactionToDateTime);
  if (expiresAt !== null && expiresAt <= now) throw badRequest(obErrorCodes.invalidDate, 'ExpirationDateTime must be in the future.', 'Data.ExpirationDateTime');
  if (from !== null && to !== null && from > to) throw badRequest(obErrorCodes.invalidDate, 'TransactionFromDateTime must not be after TransactionToDateTime.', 'Data.TransactionFromDateTime');
  const consent: ConsentRow = {
    id: `aac-${randomUUID()}`,
    client_id: input.clientId,
    status: 'AWAU',
    permissions: JSON.stringify(permissions),
    expires_at: expiresAt,
    transaction_from: from,
    transaction_to: to,
    customer_id: null,
    account_ids: '[]',
    created_at: now,
    status_updated_at: now,
  };
  await insertConsent(ctx.db, consent);
  return consent;
}

export function permissionsOf(consent: ConsentRow): string[] {
  return JSON.parse(consent.permissions) as string[];
}

export function accountIdsOf(consent: ConsentRow): string[] {
  return JSON.parse(consent.account_ids) as string[];
}

/** The OBReadConsentResponse1 of a consent. */
export function consentResource(consent: ConsentRow, selfUrl: string): Record<string, unknown> {
  return {
    Data: {
      ConsentId: consent.id,
      CreationDateTime: obDateTime(consent.created_at),
      Status: consent.status,
      StatusUpdateDateTime: obDateTime(consent.status_updated_at),
      Permissions: permissionsOf(consent),
      ...(consent.expires_at !== null ? { ExpirationDateTime: obDateTime(consent.expires_at) } : {}),
      ...(consent.transaction_from !== null ? { TransactionFromDateTime: obDateTime(consent.transaction_from) } : {}),
      ...(consent.transaction_to !== null ? { TransactionToDateTime: obDateTime(consent.transaction_to) } : {}),
    },
    Risk: {},
    Links: { Self: selfUrl },
    Meta: {},
  };
}

/**
 * A consent past its ExpirationDateTime becomes EXPD the first time anyone looks at it, and
 * its tokens are revoked. Returns the consent as it now is.
 */
export async function expireIfDue(ctx: BankContext, oidc: BankOidc, consent: ConsentRow): Promise<ConsentRow> {
  const now = ctx.clock.now();
  if (consent.expires_at === null || consent.expires_at > now || (consent.status !== 'AUTH' && consent.status !== 'AWAU')) return consent;
  if (await endConsent(ctx.db, { id: consent.id, status: 'EXPD', at: now })) await oidc.revokeConsentGrants(consent.id);
  return (await findConsent(ctx.db, consent.id)) ?? consent;
}

/**
 * A consent the client asks about by id: unknown → 400 Resource.NotFound (the OB profile answers
 * 400, not 404, for an unknown id); another client's → 403.
 */
export async function consentOfClient(ctx: BankContext, oidc: BankOidc, input: { clientId: string; consentId: string }): Promise<ConsentRow> {
  const consent = await findConsent(ctx.db, input.consentId);
  if (!consent) throw badRequest(obErrorCodes.notFound, 'No account-access-consent has this ConsentId.', 'ConsentId');
  if (consent.client_id !== input.clientId) throw forbidden(obErrorCodes.forbidden, 'This consent was not made by this client.');
  return expireIfDue(ctx, oidc, consent);
}

/** DELETE by the client: CANC, its tokens revoked. Deleting an ended consent changes nothing. */
export async function deleteConsentByClient(ctx: BankContext, oidc: BankOidc, input: { clientId: string; consentId: string }): Promise<void> {
  const consent = await consentOfClient(ctx, oidc, input);
  if (!(await endConsent(ctx.db, { id: consent.id, status: 'CANC', at: ctx.clock.now() }))) return;
  await oidc.revokeConsentGrants(consent.id);
  ctx.events.emit('consent.revoked', { consentId: consent.id, clientId: consent.client_id, by: 'client' });
}

/** What an access token may read: its authorised consent, the accounts the customer chose, and the permissions. */
export interface ConsentGrant {
  readonly consent: ConsentRow;
  readonly customerId: string;
  readonly accountIds: readonly string[];
  readonly access: Access;
}

/**
 * The consent behind an access token presented to the data endpoints. A client-credentials
 * token has none; the consent must be AUTH (AWAU, RJCT, CANC, EXPD → 403) and the client's own.
 */
export async function grantOfToken(ctx: BankContext, oidc: BankOidc, token: VerifiedAccessToken): Promise<ConsentGrant> {
  if (!token.consentId) throw forbidden(obErrorCodes.forbidden, 'This access token was not granted by a customer for an account-access-consent.');
  const found = await findConsent(ctx.db, token.consentId);
  if (!found || found.client_id !== token.clientId) throw forbidden(obErrorCodes.forbidden, 'This access token has no consent of this client behind it.');
  const consent = await expireIfDue(ctx, oidc, found);
  if (consent.status !== 'AUTH' || !consent.customer_id) throw forbidden(obErrorCodes.invalidConsentStatus, `The consent is ${consent.status}, not AUTH (authorised).`);
  return { consent, customerId: consent.customer_id, accountIds: accountIdsOf(consent), access: accessOf(permissionsOf(consent)) };
}
