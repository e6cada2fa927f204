import { hash, randomBytes } from 'node:crypto';
import type { BankContext } from '../context';
import { deleteLink, deleteLinkTokensBefore, findLink, findLiveLinkToken, insertLinkToken, saveLink, useLinkToken } from './bot.repository';

// Account linking: which bank customer a Parley BSID is.
//
// The limit, said plainly: the bank trusts whoever opens the link. The token is bound to the BSID
// it was offered to, single-use and short-lived, but the bank cannot tell whether the person
// signing in at /link is the person in that chat: anyone who gets the URL (forwarded, shoulder-
// surfed, or sent by someone who wants a victim's data in *their* chat) and signs in as themself
// links their account to that chat. The confirm page says what is about to happen and is only
// accepted from the bank's own origin, which stops a silent cross-site link, not a persuaded one.
// Messenger closes this gap with its account_linking_token: the flow ends with a redirect back
// to Messenger in the same browser, where Messenger checks that its own signed-in user is the
// one the chat belongs to. Parley has no such step yet; it would need Parley's help (a redirect
// endpoint that confirms the person to the bank), which is out of scope here.

/** How long an offered link stays usable. */
export const linkTokenTtlMs = 10 * 60 * 1000;

const hashOf = (token: string): string => hash('sha256', token, 'base64url');

/** A token is 32 random bytes in base64url: 43 characters. Anything else is not ours. */
export const isLinkTokenShape = (token: unknown): token is string => typeof token === 'string' && /^[A-Za-z0-9_-]{43}$/.test(token);

/** Make a single-use link for this BSID and return the URL of the bank's /link page with it. */
export async function offerLink(ctx: BankContext, bsid: string): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  const now = ctx.clock.now();
  await insertLinkToken(ctx.db, { tokenHash: hashOf(token), bsid, createdAt: now, expiresAt: now + linkTokenTtlMs });
  return new URL(`/link?token=${token}`, ctx.config.publicUrl).href;
}

/** Whether the token can still be used (the /link page asks before it shows anything). */
export async function isLinkTokenLive(ctx: BankContext, token: string): Promise<boolean> {
  return (await findLiveLinkToken(ctx.db, hashOf(token), ctx.clock.now())) !== undefined;
}

/** Use the token up and link its BSID to the customer. Returns the BSID, or null when the token is spent or expired. */
export async function completeLink(ctx: BankContext, input: { token: string; customerId: string }): Promise<string | null> {
  const now = ctx.clock.now();
  const bsid = await useLinkToken(ctx.db, hashOf(input.token), now);
  if (bsid === undefined) return null;
  await saveLink(ctx.db, { bsid, customer_id: input.customerId, linked_at: now });
  return bsid;
}

/** The customer this BSID is linked to, or null. */
export async function linkedCustomerId(ctx: BankContext, bsid: string): Promise<string | null> {
  return (await findLink(ctx.db, bsid))?.customer_id ?? null;
}

export async function unlink(ctx: BankContext, bsid: string): Promise<boolean> {
  return deleteLink(ctx.db, bsid);
}

export async function forgetExpiredLinkTokens(ctx: BankContext): Promise<void> {
  await deleteLinkTokensBefore(ctx.db, ctx.clock.now() - 24 * 60 * 60 * 1000);
}

/** How the bot names a customer in chat: "Alice Example" → "Alice E.". */
export function shortName(displayName: string): string {
  const words = displayName.trim().split(/\s+/);
  const first = words[0] ?? displayName;
  const last = words.length > 1 ? words[words.length - 1] : undefined;
  return last ? `${first} ${last.charAt(0).toUpperCase()}.` : first;
}
