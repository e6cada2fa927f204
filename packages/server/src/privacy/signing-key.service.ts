import type { Jwks } from '@parley/protocol';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { dataKeyOf, openText, seal, type PrivacyContext } from './data-key.service';
import * as signingKeys from './signing-key.repository';
import type { SigningKeyRow, SigningKeyUse } from './privacy.table';

/**
 * Parley's own signing keys: one active ES256 key per use — `receipts` signs consent receipts,
 * `bank-client` is Parley's `private_key_jwt` client key at banks, `step-up` signs the step-up
 * proofs banks get with a passkey-confirmed answer — with different kids, so a bank never sees
 * the receipts key. Private JWKs are sealed under a service data key, so master key rotation
 * re-wraps them with everything else.
 */
export const signingKeyUses: readonly SigningKeyUse[] = ['receipts', 'bank-client', 'step-up'];
export const signingAlg = 'ES256';

/** The private half, ready for jose (`SignJWT#sign`) or openid-client (`PrivateKeyJwt`). */
export interface SigningKey {
  readonly kid: string;
  readonly alg: typeof signingAlg;
  readonly use: SigningKeyUse;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

const owner = { kind: 'service', id: 'signing-keys' } as const;
const aadOf = (kid: string) => ({ table: 'signing_keys', rowId: kid, owner: 'service:signing-keys' });

async function makeKey(ctx: PrivacyContext, use: SigningKeyUse): Promise<SigningKeyRow> {
  const { publicKey, privateKey } = await generateKeyPair(signingAlg, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = `${use}-${(await calculateJwkThumbprint(publicJwk)).slice(0, 22)}`;
  const keyId = await dataKeyOf(ctx, owner);
  const privateJwk = await exportJWK(privateKey);
  return {
    kid,
    use,
    alg: signingAlg,
    public_jwk: JSON.stringify(Object.assign({}, publicJwk, { kid, alg: signingAlg, use: 'sig' })),
    private_sealed: await seal(ctx, { keyId, aad: aadOf(kid) }, JSON.stringify(Object.assign({}, privateJwk, { kid, alg: signingAlg }))),
    created_at: ctx.clock.now(),
    retired_at: null,
  };
}

/** Make the signing keys that do not exist yet; buildApp calls it on every start. */
export async function ensureSigningKeys(ctx: PrivacyContext): Promise<void> {
  for (const use of signingKeyUses) {
    if (await signingKeys.findActiveKey(ctx.db, use)) continue;
    await signingKeys.insertActiveKey(ctx.db, await makeKey(ctx, use));
  }
}

/**
 * The current private signing key for a use (made if missing).
 *
 * @example
 * const { privateKey, kid } = await currentSigningKey(ctx, 'bank-client');
 * const auth = client.PrivateKeyJwt({ key: privateKey, kid });
 */
export async function currentSigningKey(ctx: PrivacyContext, use: SigningKeyUse): Promise<SigningKey> {
  let row = await signingKeys.findActiveKey(ctx.db, use);
  if (!row) {
    await ensureSigningKeys(ctx);
    row = await signingKeys.findActiveKey(ctx.db, use);
  }
  if (!row) throw new Error(`No ${use} signing key could be made.`);
  const privateJwk = JSON.parse(await openText(ctx, { aad: aadOf(row.kid) }, row.private_sealed)) as JWK;
  const privateKey = (await importJWK(privateJwk, signingAlg)) as CryptoKey;
  return { kid: row.kid, alg: signingAlg, use, privateKey, publicJwk: JSON.parse(row.public_jwk) as JWK };
}

/**
 * A new key for a use takes over signing at once; the old one is retired but stays in the JWKS,
 * so everything it signed (receipts are kept for years) still verifies.
 */
export async function rotateSigningKey(ctx: PrivacyContext, use: SigningKeyUse): Promise<string> {
  const next = await makeKey(ctx, use);
  await signingKeys.replaceActiveKey(ctx.db, next);
  return next.kid;
}

/** Every public key, current and retired, as `/.well-known/jwks.json` serves it. */
export async function publicJwks(ctx: PrivacyContext): Promise<Jwks> {
  const rows = await signingKeys.listKeys(ctx.db);
  return { keys: rows.map((row) => JSON.parse(row.public_jwk) as Jwks['keys'][number]) };
}

/**
 * Sign claims as a compact JWS (ES256) with the current key of `use`, header `{alg, kid, typ}`.
 * For domains that sign but cannot hold keys themselves (identity's step-up proofs).
 *
 * @example
 * const jws = await signJws(ctx, { use: 'step-up', typ: stepUpProofType, claims });
 */
export async function signJws(ctx: PrivacyContext, input: { use: SigningKeyUse; typ: string; claims: JWTPayload }): Promise<string> {
  const key = await currentSigningKey(ctx, input.use);
  return new SignJWT(input.claims).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: input.typ }).sign(key.privateKey);
}
