// A browser at the bank's login and consent pages, for aisp-client.ts (which re-exports it). No vitest imports.

/** Where a test client's authorization responses go: never fetched, the browser stops at the redirect. */
export const testRedirectUri = 'https://parley.test/v1/links/callback';

/** A customer at the bank's login and consent pages. */
export interface CustomerAtBank {
  readonly username: string;
  readonly password: string;
  /** Account ids to tick on the consent page; `all` (the default) keeps every box ticked, `[]` unticks all. */
  readonly accountIds?: readonly string[] | 'all';
  /** Press Refuse instead of Allow. */
  readonly refuse?: boolean;
}

/** What the browser saw: the pages it was shown and where the bank finally sent it. */
export interface BrowserVisit {
  readonly callbackUrl: URL;
  readonly pages: readonly { readonly url: string; readonly status: number; readonly body: string }[];
}

/**
 * A browser, reduced to what the bank's pages need: cookies, redirects by hand, two forms. It
 * stops at the first redirect to `stopAt` (default: the test clients' redirect URI).
 */
export async function visitBank(start: URL, customer: CustomerAtBank, options: { stopAt?: string } = {}): Promise<BrowserVisit> {
  const stopAt = options.stopAt ?? testRedirectUri;
  const jar = new Map<string, string>();
  const pages: { url: string; status: number; body: string }[] = [];
  let request: { url: URL; form?: URLSearchParams } = { url: start };
  for (let step = 0; step < 20; step += 1) {
    const response = await fetch(request.url, {
      method: request.form ? 'POST' : 'GET',
      redirect: 'manual',
      headers: { cookie: [...jar].map(([name, value]) => `${name}=${value}`).join('; '), ...(request.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      ...(request.form ? { body: request.form.toString() } : {}),
    });
    keepCookies(jar, response);
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      const next = new URL(location, request.url);
      if (next.href.startsWith(stopAt)) return { callbackUrl: next, pages };
      request = { url: next };
      continue;
    }
    const body = await response.text();
    pages.push({ url: request.url.href, status: response.status, body });
    const form = nextForm(body, customer);
    if (!form || response.status >= 400) throw new BankPageError(`The bank answered ${response.status} at ${request.url.pathname}`, pages);
    request = { url: new URL(form.action, request.url), form: form.fields };
  }
  throw new BankPageError('Too many redirects at the bank', pages);
}

/** The bank showed a page the helper cannot get past (an error page, a re-shown form). */
export class BankPageError extends Error {
  override readonly name = 'BankPageError';
  constructor(
    message: string,
    readonly pages: readonly { readonly url: string; readonly status: number; readonly body: string }[],
  ) {
    super(message);
  }
}

function keepCookies(jar: Map<string, string>, response: Response): void {
  for (const line of response.headers.getSetCookie()) {
    const [pair = '', ...attributes] = line.split(';');
    const separator = pair.indexOf('=');
    const name = pair.slice(0, separator).trim();
    const value = pair.slice(separator + 1).trim();
    const cleared = value === '' || attributes.some((attribute) => /^\s*(max-age=0|expires=Thu, 01 Jan 1970)/i.test(attribute));
    if (cleared) jar.delete(name);
    else jar.set(name, value);
  }
}

function nextForm(body: string, customer: CustomerAtBank): { action: string; fields: URLSearchParams } | null {
  const csrf = /name="csrf" value="([^"]+)"/.exec(body)?.[1] ?? '';
  const login = /<form method="post" action="([^"]+\/login)"/.exec(body);
  if (login?.[1]) return { action: login[1], fields: new URLSearchParams({ csrf, username: customer.username, password: customer.password }) };
  const confirm = /<form method="post" action="([^"]+\/confirm)"/.exec(body);
  if (!confirm?.[1]) return null;
  const fields = new URLSearchParams({ csrf, decision: customer.refuse ? 'refuse' : 'allow' });
  const offered = [...body.matchAll(/name="account" value="([^"]+)"/g)].map((match) => match[1] ?? '');
  const chosen = customer.accountIds === undefined || customer.accountIds === 'all' ? offered : customer.accountIds;
  for (const id of chosen) fields.append('account', id);
  return { action: confirm[1], fields };
}

/** The OAuth error the bank answered an authorization request with: in the redirect to the client, or on its error page. */
export interface AuthorizationError {
  readonly error: string;
  readonly description: string;
  /** Where it was said: `redirect` (to the client, with `iss`) or `page` (the bank could not trust the redirect). */
  readonly via: 'redirect' | 'page';
  readonly iss: string | null;
}

/** Open an authorization URL as a fresh browser and read the error the bank answers with (or null if it shows a page without one). */
export async function authorizationErrorAt(url: URL): Promise<AuthorizationError | null> {
  const response = await fetch(url, { redirect: 'manual' });
  const location = response.headers.get('location');
  if (location) {
    const target = new URL(location, url);
    const error = target.searchParams.get('error');
    return error ? { error, description: target.searchParams.get('error_description') ?? '', via: 'redirect', iss: target.searchParams.get('iss') } : null;
  }
  const body = await response.text();
  const match = /data-error="([^"]+)">[^:]*: ([^<]*)</.exec(body);
  return match?.[1] ? { error: match[1], description: match[2] ?? '', via: 'page', iss: null } : null;
}
