import type { PasskeyVerifyBody } from '@parley/protocol';
import {
  verifyRegistrationResponse,
  type RegistrationResponseJSON,
  type VerifiedRegistrationResponse,
} from '@simplewebauthn/server';
import type { ServerContext } from '../context';
import type { Config } from '../platform/config';
import { AppError } from '../platform/errors';
import type { PasskeyRow } from './identity.table';
import * as passkeys from './passkey.repository';
import * as people from './person.repository';

/** Who the passkeys are for: this Parley's host name and origin (from PUBLIC_URL). */
export interface RelyingParty {
  readonly rpID: string;
  readonly rpName: string;
  readonly origin: string;
}

export function relyingParty(config: Pick<Config, 'publicUrl'>): RelyingParty {
  return { rpID: config.publicUrl.hostname, rpName: 'Parley', origin: config.publicUrl.origin };
}

/** WebAuthn's user handle for a person: the bytes of their id, never their email. */
export function userHandleOf(personId: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(Buffer.from(personId, 'utf8'));
}

export function transportsOf(passkey: PasskeyRow): string[] {
  const parsed: unknown = JSON.parse(passkey.transports);
  return Array.isArray(parsed) ? parsed.filter((t): t is string => typeof t === 'string') : [];
}

export type RegisteredPasskey = Extract<VerifiedRegistrationResponse, { verified: true }>['registrationInfo'];

/** Check a registration against the challenge; ERR_PASSKEY_FAILED for anything wrong with it. */
export async function verifyRegistration(
  ctx: ServerContext,
  body: PasskeyVerifyBody,
  expectedChallenge: string,
): Promise<RegisteredPasskey> {
  const rp = relyingParty(ctx.config);
  try {
    const result = await verifyRegistrationResponse({
      // The schema checked the envelope; SimpleWebAuthn checks the rest and throws on anything malformed.
      response: body.response as RegistrationResponseJSON,
      expectedChallenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.rpID,
      requireUserVerification: false,
    });
    if (result.verified) return result.registrationInfo;
  } catch (cause) {
    throw new AppError('ERR_PASSKEY_FAILED', { cause });
  }
  throw new AppError('ERR_PASSKEY_FAILED');
}

/** The row to store for a verified registration. */
export function passkeyRowOf(registered: RegisteredPasskey, owner: { personId: string; name?: string; now: number }): PasskeyRow {
  return {
    id: registered.credential.id,
    person_id: owner.personId,
    public_key: Buffer.from(registered.credential.publicKey),
    counter: registered.credential.counter,
    transports: JSON.stringify(registered.credential.transports ?? []),
    device_type: registered.credentialDeviceType,
    backed_up: registered.credentialBackedUp ? 1 : 0,
    name: owner.name?.trim() || 'Passkey',
    created_at: owner.now,
    last_used_at: null,
  };
}

/** Remove one of the person's passkeys, unless it is their last way to sign in. */
export async function removePasskey(ctx: ServerContext, personId: string, passkeyId: string): Promise<void> {
  await people.withPersonLocked(ctx.db, personId, async (trx, person) => {
    if (!person) throw new AppError('ERR_UNAUTHENTICATED');
    if ((await passkeys.deletePasskeyOfPerson(trx, personId, passkeyId)) === 0) throw new AppError('ERR_NOT_FOUND');
    // Throwing rolls the delete back.
    if (person.password_hash === null && (await passkeys.countPasskeysOfPerson(trx, personId)) === 0) {
      throw new AppError('ERR_LAST_SIGN_IN_METHOD');
    }
  });
}
