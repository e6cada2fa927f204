import { accessPurposes, dataCategories, type AccessPurpose, type DataCategory, type Receipt, type ReceiptSummary } from '@parley/protocol';
import { SignJWT, type JWTPayload } from 'jose';
import type { ServerContext } from '../context';
import { AppError } from '../platform/errors';
import type { PrivacyContext } from './data-key.service';
import type { ConsentReceiptRow } from './privacy.table';
import * as receipts from './receipt.repository';
import { currentSigningKey } from './signing-key.service';

/** Receipts need the issuer (Parley's public URL) besides the privacy context. */
export type ReceiptContext = PrivacyContext & Pick<ServerContext, 'config'>;

export interface Institution {
  readonly id: string;
  readonly name: string;
}

export interface ConsentReceiptInput {
  readonly personId: string;
  readonly institution: Institution;
  readonly consentId: string;
  readonly permissions: readonly DataCategory[];
  readonly purposes: readonly AccessPurpose[];
  readonly grantedAt: number;
  readonly expiresAt: number;
}

export interface RevocationReceiptInput {
  readonly personId: string;
  readonly institution: Institution;
  readonly consentId: string;
  readonly revokedAt: number;
  /** Who ended it: the person in Parley, the bank, expiry, or the person deleting their account. */
  readonly revokedBy: 'person' | 'institution' | 'expiry' | 'account_deletion';
  /** Whether the consent's tokens were deleted and its data key destroyed. */
  readonly erased: { readonly tokens: boolean; readonly dataKey: boolean };
}

export const consentReceiptType = 'consent-receipt+jwt';
export const revocationReceiptType = 'revocation-receipt+jwt';

/** The promises, as claims: the same words on every consent receipt. */
const promises = {
  advertising: false,
  thirdPartySharing: false,
  statement: 'Parley reads this data only for the purposes listed, never for advertising or profiling, and never shares it with third parties.',
} as const;

const iso = (ms: number) => new Date(ms).toISOString();

async function signAndStore(
  ctx: ReceiptContext,
  input: { kind: ConsentReceiptRow['kind']; personId: string; consentId: string; institution: Institution; claims: JWTPayload },
): Promise<Receipt> {
  const key = await currentSigningKey(ctx, 'receipts');
  const id = ctx.random.uuid();
  const now = ctx.clock.now();
  const jws = await new SignJWT(input.claims)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: input.kind === 'consent' ? consentReceiptType : revocationReceiptType })
    .setIssuer(ctx.config.publicUrl.origin)
    .setSubject(input.personId)
    .setJti(id)
    .setIssuedAt(Math.floor(now / 1000))
    .sign(key.privateKey);
  const row: ConsentReceiptRow = {
    id,
    person_id: input.personId,
    consent_id: input.consentId,
    kind: input.kind,
    institution_id: input.institution.id,
    institution_name: input.institution.name,
    jws,
    created_at: now,
  };
  await receipts.insertReceipt(ctx.db, row);
  return toReceipt(row);
}

/**
 * Sign and keep a consent receipt: a compact JWS (typ `consent-receipt+jwt`, ES256, key in
 * `/.well-known/jwks.json`) naming the bank, permissions, purposes, expiry and the promises.
 */
export async function signConsentReceipt(ctx: ReceiptContext, input: ConsentReceiptInput): Promise<Receipt> {
  const badPurpose = input.purposes.find((purpose) => !accessPurposes.includes(purpose));
  const badCategory = input.permissions.find((category) => !dataCategories.includes(category));
  if (badPurpose || badCategory || input.purposes.length === 0 || input.permissions.length === 0) {
    throw new AppError('ERR_VALIDATION', { message: 'A receipt names at least one permission and one purpose, each from the closed lists.' });
  }
  const claims = {
    receipt: 'consent',
    consent: {
      id: input.consentId,
      institution: { id: input.institution.id, name: input.institution.name },
      permissions: [...input.permissions],
      purposes: [...input.purposes],
      grantedAt: iso(input.grantedAt),
      expiresAt: iso(input.expiresAt),
    },
    promises: Object.assign({}, promises, { purposes: [...input.purposes] }),
  };
  return signAndStore(ctx, { kind: 'consent', personId: input.personId, consentId: input.consentId, institution: input.institution, claims });
}

/** Sign and keep the receipt that ends a consent (typ `revocation-receipt+jwt`). */
export async function signRevocationReceipt(ctx: ReceiptContext, input: RevocationReceiptInput): Promise<Receipt> {
  const claims = {
    receipt: 'revocation',
    consent: { id: input.consentId, institution: { id: input.institution.id, name: input.institution.name } },
    revokedAt: iso(input.revokedAt),
    revokedBy: input.revokedBy,
    erased: { tokens: input.erased.tokens, dataKey: input.erased.dataKey },
  };
  return signAndStore(ctx, { kind: 'revocation', personId: input.personId, consentId: input.consentId, institution: input.institution, claims });
}

function toSummary(row: ConsentReceiptRow): ReceiptSummary {
  return { id: row.id, kind: row.kind, consentId: row.consent_id, institution: { id: row.institution_id, name: row.institution_name }, createdAt: row.created_at };
}

function toReceipt(row: ConsentReceiptRow): Receipt {
  return Object.assign(toSummary(row), { jws: row.jws });
}

export async function listReceipts(ctx: PrivacyContext, personId: string): Promise<ReceiptSummary[]> {
  return (await receipts.listReceipts(ctx.db, personId)).map(toSummary);
}

/** One of the person's receipts; another person's answers ERR_NOT_FOUND, like one that does not exist. */
export async function getReceipt(ctx: PrivacyContext, input: { personId: string; receiptId: string }): Promise<Receipt> {
  const row = await receipts.findReceipt(ctx.db, input);
  if (!row) throw new AppError('ERR_NOT_FOUND');
  return toReceipt(row);
}
