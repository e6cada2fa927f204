import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { BankContext } from '../context';
import { listAccounts, type AccountRow } from '../customers';
import { listConsentsOfCustomer } from '../open-banking/consent.repository';
import type { ConsentRow, ConsentStatus } from '../open-banking/consent.table';
import { accountIdsOf, expireIfDue, permissionsOf } from '../open-banking/consent.service';
import { revokeConsentByCustomer, type RevocationDeps } from '../open-banking/consent-revocation.service';
import { describePermission } from '../open-banking/permissions';
import { html, page, type SafeHtml } from './html';

const statusWords: Record<ConsentStatus, string> = {
  AUTH: 'Active',
  AWAU: 'Waiting for you to answer',
  RJCT: 'You said no',
  EXPD: 'Expired',
  CANC: 'Revoked',
};

const dateOf = (ms: number | null): string => (ms === null ? 'never' : new Date(ms).toUTCString().replace(/:\d\d GMT$/, ' UTC'));

function consentItem(ctx: BankContext, consent: ConsentRow, accounts: readonly AccountRow[]): SafeHtml {
  const client = ctx.config.clients.find((candidate) => candidate.clientId === consent.client_id);
  const shared = accounts.filter((account) => accountIdsOf(consent).includes(account.id));
  return html`<li data-consent-id="${consent.id}">
    <strong>${client?.name ?? consent.client_id}</strong> · <span class="status">${statusWords[consent.status]}</span>
    <ul>${permissionsOf(consent).map((permission) => html`<li style="border:0;padding:2px 0">${describePermission(permission)}</li>`)}</ul>
    <p class="muted">Accounts: ${shared.length > 0 ? shared.map((account) => `${account.name} ····${account.mask}`).join(', ') : 'none'}<br>
      ${consent.status === 'AUTH' ? html`Granted ${dateOf(consent.status_updated_at)}<br>Expires ${dateOf(consent.expires_at)}` : html`Asked ${dateOf(consent.created_at)}; ${statusWords[consent.status].toLowerCase()} ${dateOf(consent.status_updated_at)}`}</p>
    ${consent.status === 'AUTH' ? html`<form method="post" action="/connected-apps/${encodeURIComponent(consent.id)}/revoke"><button type="submit" class="secondary">Revoke access</button></form>` : ''}
  </li>`;
}

async function connectedAppsPage(ctx: BankContext, deps: RevocationDeps, input: { customerId: string; notice: string | null }): Promise<string> {
  const { customerId, notice } = input;
  const [listed, accounts] = await Promise.all([listConsentsOfCustomer(ctx.db, customerId), listAccounts(ctx, customerId)]);
  // A consent past its expiry is shown (and becomes) Expired, not Active, even if no client asked since.
  const all = await Promise.all(listed.map((consent) => expireIfDue(ctx, deps.oidc, consent)));
  // What can still see the customer's money comes first; ended consents below, newest first.
  const consents = [...all.filter((consent) => consent.status === 'AUTH'), ...all.filter((consent) => consent.status !== 'AUTH')];
  return page({
    title: 'Connected apps',
    body: html`<h1>Connected apps</h1>
      <p class="muted">Apps you have let see your accounts. Revoke one and it loses access at once.</p>
      ${notice ? html`<p role="status">${notice}</p>` : ''}
      ${consents.length === 0 ? html`<p>No app has access to your accounts.</p>` : html`<ul class="plain">${consents.map((consent) => consentItem(ctx, consent, accounts))}</ul>`}
      <form method="post" action="/logout"><button type="submit" class="secondary">Sign out</button></form>`,
  });
}

function signedIn(ctx: BankContext, request: FastifyRequest, reply: FastifyReply): string | null {
  const customerId = ctx.sessions.read(request);
  if (!customerId) void reply.redirect('/login?next=/connected-apps', 303);
  return customerId;
}

/** The customer's Connected apps page: every consent they gave, and a Revoke button for the active ones. */
export function registerConnectedApps(app: FastifyInstance, ctx: BankContext, deps: RevocationDeps): void {
  app.get<{ Querystring: { revoked?: string } }>('/connected-apps', async (request, reply) => {
    const customerId = signedIn(ctx, request, reply);
    if (!customerId) return reply;
    const notice = request.query.revoked === '1' ? 'Access revoked: that app can no longer see your accounts.' : null;
    return reply.type('text/html').header('cache-control', 'no-store').send(await connectedAppsPage(ctx, deps, { customerId, notice }));
  });

  app.post<{ Params: { consentId: string } }>('/connected-apps/:consentId/revoke', async (request, reply) => {
    // A form post from another site must not revoke anything: the browser's Origin must be the bank's.
    if (request.headers.origin !== ctx.config.publicUrl.origin) return reply.code(403).type('text/html').send(page({ title: 'Not allowed', body: html`<h1>Not allowed</h1><p>Revoke from the Connected apps page.</p>` }));
    const customerId = signedIn(ctx, request, reply);
    if (!customerId) return reply;
    const revoked = await revokeConsentByCustomer(ctx, deps, { customerId, consentId: request.params.consentId });
    if (!revoked) return reply.code(404).type('text/html').send(page({ title: 'Not found', body: html`<h1>Nothing to revoke</h1><p>That app has no active access. <a href="/connected-apps">Back to Connected apps</a></p>` }));
    return reply.redirect('/connected-apps?revoked=1', 303);
  });
}
