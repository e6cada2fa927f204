import { categoryPurposes, type Consent, type DataCategory } from '@parley/protocol';
import * as oidc from 'openid-client';
import type { ServerContext } from '../context';
import { AppError } from '../platform/errors';
import { destroyKeysOfOwner, signRevocationReceipt } from '../privacy';
import type { ConsentRow } from './banking.table';
import * as consents from './consent.repository';
import type { ConsentWithInstitution } from './consent.repository';
import { findInstitution } from './institution.service';
import { connectorOf } from './ob.connector';
import { refreshTokenOf } from './token.service';

/** Who ended a consent, as the consent row and the revocation receipt say it. */
export type EndedBy = 'person' | 'bank' | 'expiry';
const receiptBy = { person: 'person', bank: 'institution', expiry: 'expiry' } as const;

export function categoriesOf(consent: Pick<ConsentRow, 'categories'>): DataCategory[] {
  return JSON.parse(consent.categories) as DataCategory[];
}

function toConsent(row: ConsentWithInstitution): Consent {
  return {
    id: row.id,
    institution: { id: row.institution_id, name: row.institution_name },
    status: row.status,
    permissions: categoriesOf(row).map((category) => ({ category, purpose: categoryPurposes[category] })),
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    endedAt: row.ended_at === null ? null : Number(row.ended_at),
    endedBy: row.ended_by,
    lastAccessAt: row.last_access_at === null ? null : Number(row.last_access_at),
  };
}

/**
 * End a consent and erase what it protected: the status changes once (a second caller finds it
 * ended and only re-runs the idempotent erasure), the tokens and cached data are deleted, the
 * consent's data key is destroyed, and a revocation receipt is signed.
 */
export async function endConsent(ctx: ServerContext, consent: ConsentRow, by: EndedBy): Promise<void> {
  const at = ctx.clock.now();
  const changed = await consents.endConsentRow(ctx.db, { id: consent.id, status: by === 'expiry' ? 'expired' : 'revoked', at, by });
  const { tokens } = await consents.deleteConsentSecrets(ctx.db, consent.id);
  const shred = await destroyKeysOfOwner(ctx, { kind: 'consent', id: consent.id });
  if (!changed) return;
  const institution = await findInstitution(ctx.db, consent.institution_id);
  await signRevocationReceipt(ctx, {
    personId: consent.person_id,
    institution: { id: consent.institution_id, name: institution?.name ?? 'a bank' },
    consentId: consent.id,
    revokedAt: at,
    revokedBy: receiptBy[by],
    erased: { tokens: tokens || consent.status !== 'active', dataKey: shred.destroyed.length > 0 || consent.status !== 'active' },
  });
}

/** A consent as it stands now: an active one past its expiry is expired (and erased) on read. */
export async function currentConsent<T extends ConsentRow>(ctx: ServerContext, row: T): Promise<T> {
  if (row.status !== 'active' || Number(row.expires_at) > ctx.clock.now()) return row;
  await endConsent(ctx, row, 'expiry');
  return Object.assign({}, row, { status: 'expired' as const, ended_at: ctx.clock.now(), ended_by: 'expiry' as const });
}

export async function listConsents(ctx: ServerContext, personId: string): Promise<Consent[]> {
  const rows = await consents.listConsentsOfPerson(ctx.db, personId);
  return Promise.all(rows.map(async (row) => toConsent(await currentConsent(ctx, row))));
}

/** Tell the bank: delete the consent there and revoke the refresh token. Best effort: the person's revocation never waits on the bank. */
async function revokeAtBank(ctx: ServerContext, consent: ConsentRow): Promise<void> {
  const institution = await findInstitution(ctx.db, consent.institution_id);
  if (!institution) return;
  const connector = connectorOf(ctx);
  try {
    const refreshToken = await refreshTokenOf(ctx, consent);
    const service = await connector.clientCredentialsToken(institution);
    const deleted = await connector.obRequest(institution, { path: `/account-access-consents/${encodeURIComponent(consent.bank_consent_id)}`, method: 'DELETE', accessToken: service.token, dpop: service.dpop });
    if (deleted.status !== 204 && deleted.status !== 400) ctx.log.warn({ consentId: consent.id, status: deleted.status }, 'the bank did not delete the consent');
    if (refreshToken) await oidc.tokenRevocation(await connector.configFor(institution), refreshToken).catch(() => undefined);
  } catch (error) {
    ctx.log.warn({ err: error, consentId: consent.id }, 'could not revoke the consent at the bank; revoked at Parley anyway');
  }
}

/** The person revokes a consent of theirs: at the bank, then erased at Parley. Another person's → 404. */
export async function revokeConsent(ctx: ServerContext, input: { personId: string; consentId: string }): Promise<Consent> {
  const row = await consents.findConsentOfPerson(ctx.db, input.personId, input.consentId);
  if (!row) throw new AppError('ERR_NOT_FOUND');
  const current = await currentConsent(ctx, row);
  if (current.status === 'active') {
    await revokeAtBank(ctx, current);
    await endConsent(ctx, current, 'person');
  }
  const after = await consents.findConsentOfPerson(ctx.db, input.personId, input.consentId);
  return toConsent(after ?? row);
}

/** The bank ended a consent (its event, an invalid_grant or a 403): mark it revoked and erase. */
export async function endConsentAtBank(ctx: ServerContext, input: { institutionId: string; bankConsentId: string }): Promise<boolean> {
  const row = await consents.findConsentByBankId(ctx.db, input.institutionId, input.bankConsentId);
  if (!row) return false;
  await endConsent(ctx, row, 'bank');
  return true;
}
