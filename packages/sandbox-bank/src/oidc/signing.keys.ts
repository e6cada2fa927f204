import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { loadOrCreateJson } from '../platform/secrets';

type Jwk = Record<string, unknown> & { kid: string };

/** The provider's private signing keys: made on first start, kept (0600) in the data folder, never in the repository. */
export function loadSigningKeys(dataDir: string): { keys: Jwk[] } {
  return loadOrCreateJson(dataDir, 'oidc-signing-keys.json', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
    // PS256 first: FAPI 2.0 allows PS256 and ES256, and the first key is the default signer.
    return {
      keys: [
        Object.assign({}, rsa, { kid: randomUUID(), alg: 'PS256', use: 'sig' }),
        Object.assign({}, ec, { kid: randomUUID(), alg: 'ES256', use: 'sig' }),
      ],
    };
  });
}
