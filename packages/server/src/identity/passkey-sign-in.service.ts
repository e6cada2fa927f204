import type { PasskeyOptionsReply, PasskeyVerifyBody } from '@parley/protocol';
import {
  generateAuthenticationOptions,
  verifyAuthenticationResponse,
  type AuthenticationResponseJSON,
} from '@simplewebauthn/server';
import type { ServerContext } from '../context';
import { AppError } from '../platform/errors';
import { challengeTtlMs, issueChallenge, newChallengeBytes, spendChallenge } from './challenge.service';
import type { PasskeyRow } from './identity.table';
import * as passkeys from './passkey.repository';
import { relyingParty, transportsOf } from './passkey.service';

/** Step 1 of a passkey sign-in: a challenge for any discoverable passkey of this site (no allowCredentials). */
export async function startPasskeySignIn(ctx: ServerContext): Promise<PasskeyOptionsReply> {
  const options = await generateAuthenticationOptions({
    rpID: relyingParty(ctx.config).rpID,
    challenge: newChallengeBytes(ctx),
    timeout: challengeTtlMs,
    userVerification: 'preferred',
  });
  const challengeId = await issueChallenge(ctx, { purpose: 'signin', challenge: options.challenge });
  return { challengeId, options: { ...options } };
}

/** Step 2: verify the assertion, move the passkey's counter on. Returns the person's id. */
export async function finishPasskeySignIn(ctx: ServerContext, body: PasskeyVerifyBody): Promise<string> {
  const challenge = await spendChallenge(ctx, { id: body.challengeId, purpose: 'signin' });
  const passkey = await passkeys.findPasskey(ctx.db, body.response.id);
  if (!passkey) throw new AppError('ERR_PASSKEY_FAILED');
  const userHandle = body.response.response.userHandle;
  if (userHandle !== undefined && Buffer.from(userHandle, 'base64url').toString('utf8') !== passkey.person_id) {
    throw new AppError('ERR_PASSKEY_FAILED');
  }
  const newCounter = await verifyAssertion(ctx, { body, passkey, expectedChallenge: challenge.challenge });
  const recorded = await passkeys.recordPasskeyUse(ctx.db, { id: passkey.id, counter: newCounter, usedAt: ctx.clock.now() });
  if (!recorded) throw new AppError('ERR_PASSKEY_FAILED');
  return passkey.person_id;
}

async function verifyAssertion(
  ctx: ServerContext,
  input: { body: PasskeyVerifyBody; passkey: PasskeyRow; expectedChallenge: string },
): Promise<number> {
  const rp = relyingParty(ctx.config);
  try {
    const result = await verifyAuthenticationResponse({
      // The schema checked the envelope; SimpleWebAuthn checks the rest and throws on anything malformed.
      response: input.body.response as AuthenticationResponseJSON,
      expectedChallenge: input.expectedChallenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.rpID,
      requireUserVerification: false,
      credential: {
        id: input.passkey.id,
        publicKey: Uint8Array.from(input.passkey.public_key),
        counter: input.passkey.counter,
        transports: transportsOf(input.passkey),
      },
    });
    if (result.verified) return result.authenticationInfo.newCounter;
  } catch (cause) {
    throw new AppError('ERR_PASSKEY_FAILED', { cause });
  }
  throw new AppError('ERR_PASSKEY_FAILED');
}
