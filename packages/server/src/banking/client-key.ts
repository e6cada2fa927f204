import type { CryptoKey } from 'jose';
import type { ServerContext } from '../context';
import { currentSigningKey } from '../privacy';

/**
 * Parley's private_key_jwt key at banks: privacy's `bank-client` signing key (its public half is
 * in /.well-known/jwks.json, which banks fetch as Parley's jwks_uri).
 */
export async function bankClientKey(ctx: ServerContext): Promise<{ kid: string; privateKey: CryptoKey }> {
  const key = await currentSigningKey(ctx, 'bank-client');
  return { kid: key.kid, privateKey: key.privateKey };
}
