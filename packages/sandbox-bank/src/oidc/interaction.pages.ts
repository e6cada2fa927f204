import type { AccountRow } from '../customers/customers.table';
import { html, page } from '../pages/html';
import { permissionInWords } from './permission.words';

const kindWords: Record<AccountRow['kind'], string> = { checking: 'Current account', savings: 'Savings account', credit_card: 'Credit card' };

export function loginPage(input: { uid: string; csrf: string; clientName: string; error?: string }): string {
  return page({
    title: 'Sign in',
    body: html`<h1>Sign in to Sandbox Bank</h1>
      <p><strong>${input.clientName}</strong> wants to connect to your bank. Sign in to continue.</p>
      ${input.error ? html`<p class="error" role="alert">${input.error}</p>` : ''}
      <form method="post" action="/interaction/${input.uid}/login">
        <input type="hidden" name="csrf" value="${input.csrf}">
        <label for="username">Username</label><input id="username" name="username" type="text" autocomplete="username" required>
        <label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
        <button type="submit">Sign in</button>
      </form>
      <form method="post" action="/interaction/${input.uid}/abort"><input type="hidden" name="csrf" value="${input.csrf}"><button class="secondary" type="submit">Cancel</button></form>`,
  });
}

function expiryWords(expiresAt: number | null): string {
  if (expiresAt === null) return 'Until you revoke it';
  return `Until ${new Date(expiresAt).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })}, or until you revoke it`;
}

export function consentPage(input: {
  uid: string;
  csrf: string;
  clientName: string;
  permissions: readonly string[];
  expiresAt: number | null;
  accounts: readonly AccountRow[];
  error?: string;
}): string {
  return page({
    title: 'Share your data',
    body: html`<h1>${input.clientName} is asking to see your data</h1>
      ${input.error ? html`<p class="error" role="alert">${input.error}</p>` : ''}
      <p>If you allow it, <strong>${input.clientName}</strong> will be able to see:</p>
      <ul class="permissions">${input.permissions.map((code) => html`<li data-permission="${code}">${permissionInWords(code)}</li>`)}</ul>
      <p><strong>For how long:</strong> <span class="expiry">${expiryWords(input.expiresAt)}</span></p>
      <form method="post" action="/interaction/${input.uid}/confirm">
        <input type="hidden" name="csrf" value="${input.csrf}">
        <fieldset><legend>Which accounts to share</legend>
          <ul class="plain">${input.accounts.map(
            (account) =>
              html`<li><label><input type="checkbox" name="account" value="${account.id}" checked> ${account.name} · ${kindWords[account.kind]} ending ${account.mask}</label></li>`,
          )}</ul>
        </fieldset>
        <button type="submit" name="decision" value="allow">Allow</button>
        <button class="secondary" type="submit" name="decision" value="refuse" formnovalidate>Refuse</button>
      </form>
      <p class="muted">You can revoke this at any time under Connected apps.</p>`,
  });
}

export function messagePage(title: string, message: string): string {
  return page({ title, body: html`<h1>${title}</h1><p>${message}</p>` });
}

/** oidc-provider's error page, in the bank's look; never shows a stack trace. */
export async function renderOidcError(koa: { type: string; body: unknown }, out: Record<string, unknown>): Promise<void> {
  koa.type = 'html';
  koa.body = page({
    title: 'Something went wrong',
    body: html`<h1>Something went wrong</h1>
      <p class="error" role="alert" data-error="${String(out.error ?? 'server_error')}">${String(out.error ?? 'server_error')}: ${String(out.error_description ?? '')}</p>
      <p class="muted">Go back to the app you came from and try again.</p>`,
  });
}
