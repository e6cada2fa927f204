import { generateKeyPairSync, hash, type KeyObject, randomBytes, sign } from 'node:crypto';

/** The CBOR values a 'none' attestation needs: unsigned and negative integers, text, bytes, maps. */
export type Cbor = number | string | Uint8Array | Map<Cbor, Cbor>;

function cborHead(major: number, length: number): Buffer {
  if (length < 24) return Buffer.from([(major << 5) | length]);
  if (length < 0x100) return Buffer.from([(major << 5) | 24, length]);
  if (length < 0x10000) {
    const head = Buffer.alloc(3);
    head[0] = (major << 5) | 25;
    head.writeUInt16BE(length, 1);
    return head;
  }
  const head = Buffer.alloc(5);
  head[0] = (major << 5) | 26;
  head.writeUInt32BE(length, 1);
  return head;
}

/** A minimal CBOR (RFC 8949) encoder, enough for attestation objects and COSE keys. */
export function encodeCbor(value: Cbor): Buffer {
  if (typeof value === 'number') return value >= 0 ? cborHead(0, value) : cborHead(1, -1 - value);
  if (typeof value === 'string') {
    const text = Buffer.from(value, 'utf8');
    return Buffer.concat([cborHead(3, text.length), text]);
  }
  if (value instanceof Uint8Array) return Buffer.concat([cborHead(2, value.length), value]);
  const parts = [cborHead(5, value.size)];
  for (const [key, item] of value) parts.push(encodeCbor(key), encodeCbor(item));
  return Buffer.concat(parts);
}

const sha256 = (data: string | Uint8Array): Buffer => hash('sha256', data, 'buffer');
const uint16 = (n: number): Buffer => Buffer.from([n >> 8, n & 0xff]);
function uint32(n: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(n);
  return bytes;
}

/** The part of PublicKeyCredentialCreationOptionsJSON an authenticator reads. */
export interface CreationOptions {
  challenge: string;
  rp: { id: string };
  user: { id: string };
  excludeCredentials?: { id: string }[];
}
/** The part of PublicKeyCredentialRequestOptionsJSON an authenticator reads. */
export interface RequestOptions {
  challenge: string;
  rpId: string;
  allowCredentials?: { id: string }[];
}

export interface SoftwareCredential {
  /** base64url credential id. */
  readonly id: string;
  readonly rpId: string;
  /** base64url user handle (the server's user.id). */
  readonly userHandle: string;
  readonly privateKey: KeyObject;
  signCount: number;
}

/** What `navigator.credentials.create/get` would resolve to, as SimpleWebAuthn's browser side sends it. */
export interface WebAuthnResponseJson {
  id: string;
  rawId: string;
  type: 'public-key';
  response: Record<string, string | string[]>;
  clientExtensionResults: Record<string, never>;
  authenticatorAttachment: 'platform';
}

/**
 * A software passkey authenticator: ES256 keys from node:crypto, 'none' attestation,
 * user presence and verification always given. It signs whatever origin it is told to,
 * so tests can also play a phishing page.
 */
export class SoftwareAuthenticator {
  readonly credentials: SoftwareCredential[] = [];

  constructor(private readonly origin: string) {}

  /** Answer creation options with a new resident credential. */
  register(options: CreationOptions, overrides: { origin?: string } = {}): WebAuthnResponseJson {
    const excluded = new Set((options.excludeCredentials ?? []).map((c) => c.id));
    if (this.credentials.some((c) => excluded.has(c.id))) throw new Error('InvalidStateError: already registered here');
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const coseKey = encodeCbor(
      new Map<Cbor, Cbor>([
        [1, 2], // kty: EC2
        [3, -7], // alg: ES256
        [-1, 1], // crv: P-256
        [-2, Buffer.from(String(jwk.x), 'base64url')],
        [-3, Buffer.from(String(jwk.y), 'base64url')],
      ]),
    );
    const credentialId = randomBytes(16);
    const authData = Buffer.concat([
      sha256(options.rp.id),
      Buffer.from([0x45]), // UP | UV | AT
      uint32(0),
      Buffer.alloc(16), // aaguid
      uint16(credentialId.length),
      credentialId,
      coseKey,
    ]);
    const attestationObject = encodeCbor(
      new Map<Cbor, Cbor>([
        ['fmt', 'none'],
        ['attStmt', new Map()],
        ['authData', authData],
      ]),
    );
    const id = credentialId.toString('base64url');
    this.credentials.push({ id, rpId: options.rp.id, userHandle: options.user.id, privateKey, signCount: 0 });
    const clientData = { type: 'webauthn.create', challenge: options.challenge, origin: overrides.origin ?? this.origin, crossOrigin: false };
    return this.answer(id, {
      clientDataJSON: Buffer.from(JSON.stringify(clientData)).toString('base64url'),
      attestationObject: attestationObject.toString('base64url'),
      transports: ['internal'],
    });
  }

  /** Sign the challenge with a credential for the site: the one named, else the first allowed, else the newest. */
  authenticate(
    options: RequestOptions,
    overrides: { origin?: string; credentialId?: string; signCount?: number } = {},
  ): WebAuthnResponseJson {
    const allowed = new Set((options.allowCredentials ?? []).map((c) => c.id));
    const candidates = this.credentials.filter(
      (c) => c.rpId === options.rpId && (overrides.credentialId ? c.id === overrides.credentialId : allowed.size === 0 || allowed.has(c.id)),
    );
    const credential = candidates.at(-1);
    if (!credential) throw new Error('NotAllowedError: no credential for this site');
    credential.signCount = overrides.signCount ?? credential.signCount + 1;
    const authData = Buffer.concat([sha256(options.rpId), Buffer.from([0x05]), uint32(credential.signCount)]); // UP | UV
    const clientDataJSON = Buffer.from(
      JSON.stringify({ type: 'webauthn.get', challenge: options.challenge, origin: overrides.origin ?? this.origin, crossOrigin: false }),
    );
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), credential.privateKey);
    return this.answer(credential.id, {
      clientDataJSON: clientDataJSON.toString('base64url'),
      authenticatorData: authData.toString('base64url'),
      signature: signature.toString('base64url'),
      userHandle: credential.userHandle,
    });
  }

  private answer(id: string, response: Record<string, string | string[]>): WebAuthnResponseJson {
    return { id, rawId: id, type: 'public-key', response, clientExtensionResults: {}, authenticatorAttachment: 'platform' };
  }
}
