import type { PasskeyOptionsReply, PasskeySignUpOptionsBody, PasskeyVerifyBody } from '@parley/protocol';
import { generateRegistrationOptions, type PublicKeyCredentialCreationOptionsJSON } from '@simplewebauthn/server';
import type { ServerContext } from '../context';
import { AppError } from '../platform/errors';
import { challengeTtlMs, issueChallenge, newChallengeBytes, spendChallenge } from './challenge.service';
import type { PasskeyRow } from './identity.table';
import * as passkeys from './passkey.repository';
import { passkeyRowOf, relyingParty, transportsOf, userHandleOf, verifyRegistration } from './passkey.service';
import * as people from './person.repository';
import { normaliseEmail } from './person.service';

/** The person-to-be, kept with the sign-up challenge until the passkey is verified. */
interface PendingPerson {
  personId: string;
  displayName: string;
  email: string | null;
}

async function creationOptions(
  ctx: ServerContext,
  user: { personId: string; userName: string; displayName: string; existing: PasskeyRow[] },
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const rp = relyingParty(ctx.config);
  return generateRegistrationOptions({
    rpName: rp.rpName,
    rpID: rp.rpID,
    userID: userHandleOf(user.personId),
    userName: user.userName,
    userDisplayName: user.displayName,
    challenge: newChallengeBytes(ctx),
    timeout: challengeTtlMs,
    attestationType: 'none',
    excludeCredentials: user.existing.map((key) => ({ id: key.id, transports: transportsOf(key) })),
    // Discoverable, so sign-in needs no username.
    authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
  });
}

/** Step 1 of a passkey sign-up: options for `navigator.credentials.create`. */
export async function startPasskeySignUp(ctx: ServerContext, input: PasskeySignUpOptionsBody): Promise<PasskeyOptionsReply> {
  const email = input.email === undefined ? null : normaliseEmail(input.email);
  if (email !== null && (await people.findPersonByEmail(ctx.db, email))) throw new AppError('ERR_EMAIL_TAKEN');
  const pending: PendingPerson = { personId: ctx.random.uuid(), displayName: input.displayName.trim(), email };
  const options = await creationOptions(ctx, {
    personId: pending.personId,
    userName: email ?? pending.displayName,
    displayName: pending.displayName,
    existing: [],
  });
  const challengeId = await issueChallenge(ctx, { purpose: 'signup', challenge: options.challenge, pending: JSON.stringify(pending) });
  return { challengeId, options: { ...options } };
}

function parsePending(raw: string | null): PendingPerson {
  if (raw === null) throw new AppError('ERR_CHALLENGE_EXPIRED');
  // Written by startPasskeySignUp above, never by a client.
  return JSON.parse(raw) as PendingPerson;
}

/** Step 2: verify the new passkey, then create the person and the passkey together. Returns the person's id. */
export async function finishPasskeySignUp(ctx: ServerContext, body: PasskeyVerifyBody): Promise<string> {
  const challenge = await spendChallenge(ctx, { id: body.challengeId, purpose: 'signup' });
  const pending = parsePending(challenge.pending);
  const registered = await verifyRegistration(ctx, body, challenge.challenge);
  const now = ctx.clock.now();
  const passkey = passkeyRowOf(registered, { personId: pending.personId, name: body.name, now });
  const person = { id: pending.personId, email: pending.email, display_name: pending.displayName, password_hash: null, created_at: now };
  try {
    await passkeys.insertPersonWithPasskey(ctx.db, { person, passkey });
  } catch (cause) {
    throw await explainConflict(ctx, { email: pending.email, passkeyId: passkey.id, cause });
  }
  return pending.personId;
}

/** Step 1 of adding a passkey for a signed-in person; their existing passkeys are excluded. */
export async function startAddingPasskey(ctx: ServerContext, personId: string): Promise<PasskeyOptionsReply> {
  const person = await people.findPersonById(ctx.db, personId);
  if (!person) throw new AppError('ERR_UNAUTHENTICATED');
  const existing = await passkeys.listPasskeysOfPerson(ctx.db, personId);
  const options = await creationOptions(ctx, {
    personId,
    userName: person.email ?? person.display_name,
    displayName: person.display_name,
    existing,
  });
  const challengeId = await issueChallenge(ctx, { purpose: 'add-passkey', challenge: options.challenge, personId });
  return { challengeId, options: { ...options } };
}

/** Step 2: verify and store the extra passkey. Only the person who asked for the challenge may answer it. */
export async function finishAddingPasskey(ctx: ServerContext, personId: string, body: PasskeyVerifyBody): Promise<void> {
  const challenge = await spendChallenge(ctx, { id: body.challengeId, purpose: 'add-passkey', personId });
  const registered = await verifyRegistration(ctx, body, challenge.challenge);
  const passkey = passkeyRowOf(registered, { personId, name: body.name, now: ctx.clock.now() });
  try {
    await passkeys.insertPasskey(ctx.db, passkey);
  } catch (cause) {
    throw await explainConflict(ctx, { email: null, passkeyId: passkey.id, cause });
  }
}

/** Name the rule a failed insert broke: the email or the credential was taken (maybe by a parallel request). */
async function explainConflict(
  ctx: ServerContext,
  attempt: { email: string | null; passkeyId: string; cause: unknown },
): Promise<unknown> {
  if (attempt.email !== null && (await people.findPersonByEmail(ctx.db, attempt.email))) {
    return new AppError('ERR_EMAIL_TAKEN', { cause: attempt.cause });
  }
  if (await passkeys.findPasskey(ctx.db, attempt.passkeyId)) {
    return new AppError('ERR_PASSKEY_FAILED', { message: 'This passkey is already registered.', cause: attempt.cause });
  }
  return attempt.cause;
}
