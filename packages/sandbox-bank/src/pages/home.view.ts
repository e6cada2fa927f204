import type { AuthorizationView } from '../cards/authorization.service';
import type { CardView } from '../cards/cards.service';
import { formatMinor, type AccountBalance, type CustomerRow } from '../customers';
import { html, page, type SafeHtml } from './html';

// For people: "£1,234.50" and "−£12.00"; Intl formats the decimal string formatMinor makes exactly.
const money = (amountMinor: number, currency: string): string =>
  new Intl.NumberFormat('en-GB', { style: 'currency', currency }).format(Number(formatMinor(amountMinor, currency))).replace(/^-/, '−');

const outcomeWords: Record<AuthorizationView['status'], string> = { approved: 'Approved', declined: 'Declined', held: 'Held — was this you?' };
const reasonWords: Record<string, string> = { card_locked: 'card locked', insufficient_funds: 'not enough money', customer_declined: 'you said it was not you' };
const ruleWords: Record<string, string> = { unusual_amount: 'unusual amount', new_country: 'new country', velocity: 'many payments in minutes', risky_merchant: 'risky kind of merchant' };

// Forms post back to this site only; the routes also check the Origin header.
const button = (action: string, label: string, secondary = false, fields: SafeHtml | string = ''): SafeHtml =>
  html`<form method="post" action="${action}" style="display:inline">${fields}<button type="submit" class="${secondary ? 'secondary' : ''}">${label}</button></form>`;

export function signedOutHome(): string {
  return page({
    title: 'Welcome',
    body: html`<h1>Welcome to Sandbox Bank</h1>
      <p>A pretend bank for trying Parley: demo customers, 18 months of made-up history, a card network with fraud checks, and a bot you can chat with.</p>
      <p><a href="/login?next=/">Sign in</a> as a demo customer (alice / alice-sandbox or bob / bob-sandbox).</p>`,
  });
}

function authorizationItem(auth: AuthorizationView): SafeHtml {
  const where = auth.country === 'GB' ? '' : ` · ${auth.city ? `${auth.city}, ` : ''}${auth.country}`;
  const why = auth.declineReason ? ` (${reasonWords[auth.declineReason] ?? auth.declineReason})` : '';
  const rules = auth.rules.length > 0 ? html`<br><span class="muted">Flags: ${auth.rules.map((rule) => ruleWords[rule] ?? rule).join(', ')} · score ${auth.riskScore}</span>` : '';
  const answer = auth.status === 'held' ? html`<br>${button(`/authorizations/${auth.id}/approve`, 'It was me')}${button(`/authorizations/${auth.id}/decline`, 'Not me', true)}` : '';
  return html`<li data-authorization="${auth.id}" data-status="${auth.status}"><strong>${money(auth.amountMinor, auth.currency)}</strong> at ${auth.merchantName}${where} · card ••${auth.cardLast4}<br>
    <span class="${auth.status === 'approved' ? '' : 'error'}">${outcomeWords[auth.status]}${why}</span>${rules}${answer}</li>`;
}

export function signedInHome(input: { customer: CustomerRow; balances: AccountBalance[]; cards: CardView[]; authorizations: AuthorizationView[] }): string {
  const accounts = input.balances.map(
    (balance) =>
      html`<li><strong>${balance.account.name}</strong> ••${balance.account.mask}<br>Balance ${money(balance.bookedMinor, balance.currency)} · ${balance.account.kind === 'credit_card' ? 'available credit' : 'available'} ${money(balance.availableMinor, balance.currency)}</li>`,
  );
  const cards = input.cards.map(
    (card) =>
      html`<li data-card="${card.id}" data-locked="${card.locked ? 'yes' : 'no'}">${card.kind === 'debit' ? 'Debit card' : 'Credit card'} ••${card.last4} on ${card.accountName} — <strong>${card.locked ? 'Locked' : 'Active'}</strong><br>
        ${card.locked ? button(`/cards/${card.id}/unlock`, 'Unlock') : button(`/cards/${card.id}/lock`, 'Lock', true)}</li>`,
  );
  return page({
    title: 'Your accounts',
    body: html`<h1>Hello, ${input.customer.display_name}</h1>
      <h2>Accounts</h2><ul class="plain">${accounts}</ul>
      <h2>Cards</h2><ul class="plain">${cards}</ul>
      <h2>Card payments</h2>
      <p class="muted">Pretend to be a shop: send a payment through the card network and watch the fraud rules.</p>
      ${button('/demo/simulate', 'Simulate a card payment', false, html`<input type="hidden" name="count" value="1">`)}
      ${button('/demo/simulate', 'Simulate a suspicious payment', true, html`<input type="hidden" name="count" value="0"><input type="hidden" name="suspicious" value="true">`)}
      ${input.authorizations.length > 0 ? html`<ul class="plain">${input.authorizations.map(authorizationItem)}</ul>` : html`<p class="muted">No card payments simulated yet.</p>`}
      <p><a href="/connected-apps">Connected apps</a></p>
      ${button('/logout', 'Sign out', true)}`,
  });
}
