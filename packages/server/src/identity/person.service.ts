import type { Me } from '@parley/protocol';
import type { ServerContext } from '../context';
import { AppError } from '../platform/errors';
import * as passkeys from './passkey.repository';
import * as people from './person.repository';

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The signed-in person as `/v1/me` shows them, with their passkeys and the session's CSRF token. */
export async function describePerson(ctx: ServerContext, personId: string, csrfToken: string): Promise<Me> {
  const person = await people.findPersonById(ctx.db, personId);
  if (!person) throw new AppError('ERR_UNAUTHENTICATED');
  const keys = await passkeys.listPasskeysOfPerson(ctx.db, personId);
  return {
    id: person.id,
    displayName: person.display_name,
    email: person.email,
    hasPassword: person.password_hash !== null,
    passkeys: keys.map((key) => ({ id: key.id, name: key.name, createdAt: key.created_at, lastUsedAt: key.last_used_at })),
    csrfToken,
  };
}
