import argon2 from 'argon2';
import type { ServerContext } from '../context';
import { AppError } from '../platform/errors';
import * as people from './person.repository';
import { normaliseEmail } from './person.service';

export const minPasswordLength = 12;

// Verified against when the email is unknown, so both answers take the same time.
let dummyHash: Promise<string> | undefined;
function getDummyHash(): Promise<string> {
  dummyHash ??= argon2.hash('parley-timing-equaliser', { type: argon2.argon2id });
  return dummyHash;
}

export async function signUpWithPassword(
  ctx: ServerContext,
  input: { email: string; password: string; displayName: string },
): Promise<string> {
  if (input.password.length < minPasswordLength) throw new AppError('ERR_WEAK_PASSWORD');
  const email = normaliseEmail(input.email);
  if (await people.findPersonByEmail(ctx.db, email)) throw new AppError('ERR_EMAIL_TAKEN');
  const id = ctx.random.uuid();
  const passwordHash = await argon2.hash(input.password, { type: argon2.argon2id });
  try {
    await people.insertPerson(ctx.db, {
      id,
      email,
      display_name: input.displayName.trim(),
      password_hash: passwordHash,
      created_at: ctx.clock.now(),
    });
  } catch (cause) {
    // Two sign-ups raced for the same email; the unique index let one through.
    throw new AppError('ERR_EMAIL_TAKEN', { cause });
  }
  return id;
}

/** The person's id, or ERR_INVALID_CREDENTIALS for an unknown email and a wrong password alike. */
export async function verifyPassword(ctx: ServerContext, input: { email: string; password: string }): Promise<string> {
  const person = await people.findPersonByEmail(ctx.db, normaliseEmail(input.email));
  if (!person?.password_hash) {
    await argon2.verify(await getDummyHash(), input.password);
    throw new AppError('ERR_INVALID_CREDENTIALS');
  }
  if (!(await argon2.verify(person.password_hash, input.password))) throw new AppError('ERR_INVALID_CREDENTIALS');
  return person.id;
}
