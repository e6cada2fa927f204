import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Interaction, Provider } from 'oidc-provider';
import type { BankContext } from '../context';
import { findCustomerByUsername, listAccountsOfCustomer } from '../customers/customer.repository';
import { verifyPassword } from '../customers/password';
import { authoriseConsent, endConsent } from '../open-banking/consent.repository';
import { loadOrCreateSecret } from '../platform/secrets';
import { awaitingConsentOf, IntentError, readIntentId } from './intent.service';
import { consentPage, loginPage, messagePage } from './interaction.pages';
import { recordConsentGrant } from './oidc.repository';

type UidRequest = FastifyRequest<{ Params: { uid: string }; Body: Record<string, unknown> }>;

const formSchema = {
  params: { type: 'object', required: ['uid'], properties: { uid: { type: 'string', maxLength: 100 } } },
  body: {
    type: 'object',
    required: ['csrf'],
    properties: {
      csrf: { type: 'string', maxLength: 100 },
      username: { type: 'string', maxLength: 100 },
      password: { type: 'string', maxLength: 200 },
      decision: { type: 'string', enum: ['allow', 'refuse'] },
      account: { anyOf: [{ type: 'string', maxLength: 100 }, { type: 'array', maxItems: 50, items: { type: 'string', maxLength: 100 } }] },
    },
  },
};

/**
 * The login and consent pages oidc-provider sends the customer to (/interaction/:uid). Forms
 * carry a CSRF token bound to the interaction; oidc-provider's own interaction cookie
 * (SameSite=Lax, path-scoped) ties the page to the browser that started the authorization.
 */
export function registerInteractionRoutes(app: FastifyInstance, ctx: BankContext, provider: Provider): void {
  const csrfKey = loadOrCreateSecret(ctx.config.dataDir, 'oidc-csrf.key');
  const csrfFor = (uid: string) => createHmac('sha256', csrfKey).update(uid).digest('base64url');
  const csrfOk = (uid: string, token: unknown) => {
    const expected = Buffer.from(csrfFor(uid));
    const actual = Buffer.from(typeof token === 'string' ? token : '');
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  };
  const clientName = (interaction: Interaction) => {
    const clientId = interaction.params.client_id;
    return ctx.config.clients.find((client) => client.clientId === clientId)?.name ?? String(clientId);
  };
  const details = async (request: FastifyRequest, reply: FastifyReply): Promise<Interaction | null> => {
    try {
      return await provider.interactionDetails(request.raw, reply.raw);
    } catch {
      return null;
    }
  };
  const expired = (reply: FastifyReply) =>
    reply.code(400).type('text/html').send(messagePage('This sign-in has expired', 'Go back to the app you came from and start again.'));
  const finish = async (request: FastifyRequest, reply: FastifyReply, result: Record<string, unknown>) =>
    reply.redirect(await provider.interactionResult(request.raw, reply.raw, result, { mergeWithLastSubmission: false }), 303);

  const showConsent = async (reply: FastifyReply, interaction: Interaction, error?: string) => {
    const consent = await awaitingConsentOf(ctx.db, { clientId: String(interaction.params.client_id), consentId: readIntentId(interaction.params.claims) });
    const accounts = await listAccountsOfCustomer(ctx.db, interaction.session?.accountId ?? '');
    return reply
      .code(error ? 400 : 200)
      .type('text/html')
      .send(
        consentPage({
          uid: interaction.uid,
          csrf: csrfFor(interaction.uid),
          clientName: clientName(interaction),
          permissions: JSON.parse(consent.permissions) as string[],
          expiresAt: consent.expires_at,
          accounts,
          ...(error ? { error } : {}),
        }),
      );
  };

  app.get<{ Params: { uid: string } }>('/interaction/:uid', { schema: { params: formSchema.params } }, async (request, reply) => {
    const interaction = await details(request, reply);
    if (!interaction || interaction.uid !== request.params.uid) return expired(reply);
    reply.header('cache-control', 'no-store');
    if (interaction.prompt.name === 'login') {
      return reply.type('text/html').send(loginPage({ uid: interaction.uid, csrf: csrfFor(interaction.uid), clientName: clientName(interaction) }));
    }
    try {
      return await showConsent(reply, interaction);
    } catch (error) {
      if (!(error instanceof IntentError)) throw error;
      return finish(request, reply, { error: 'access_denied', error_description: error.message });
    }
  });

  app.post('/interaction/:uid/login', { schema: formSchema }, async (request: UidRequest, reply) => {
    const interaction = await details(request, reply);
    if (!interaction || interaction.uid !== request.params.uid || interaction.prompt.name !== 'login') return expired(reply);
    if (!csrfOk(interaction.uid, request.body.csrf)) return reply.code(403).type('text/html').send(messagePage('Please try again', 'This form has expired.'));
    const { username, password } = request.body;
    const customer = typeof username === 'string' ? await findCustomerByUsername(ctx.db, username.trim().toLowerCase()) : undefined;
    // Same answer for an unknown name and a wrong password.
    const ok = customer !== undefined && typeof password === 'string' && (await verifyPassword(password, customer.password_hash));
    if (!ok) {
      const error = 'That username and password do not match.';
      return reply.code(401).type('text/html').send(loginPage({ uid: interaction.uid, csrf: csrfFor(interaction.uid), clientName: clientName(interaction), error }));
    }
    return finish(request, reply, { login: { accountId: customer.id } });
  });

  app.post('/interaction/:uid/confirm', { schema: formSchema }, async (request: UidRequest, reply) => {
    const interaction = await details(request, reply);
    if (!interaction || interaction.uid !== request.params.uid || interaction.prompt.name !== 'consent' || !interaction.session) return expired(reply);
    if (!csrfOk(interaction.uid, request.body.csrf)) return reply.code(403).type('text/html').send(messagePage('Please try again', 'This form has expired.'));
    const clientId = String(interaction.params.client_id);
    const customerId = interaction.session.accountId;
    let consentId: string;
    try {
      consentId = (await awaitingConsentOf(ctx.db, { clientId, consentId: readIntentId(interaction.params.claims) })).id;
    } catch (error) {
      if (!(error instanceof IntentError)) throw error;
      return finish(request, reply, { error: 'access_denied', error_description: error.message });
    }
    if (request.body.decision !== 'allow') {
      await endConsent(ctx.db, { id: consentId, status: 'RJCT', at: ctx.clock.now() });
      return finish(request, reply, { error: 'access_denied', error_description: 'The customer refused to share their data.' });
    }
    const chosen = new Set([request.body.account ?? []].flat() as string[]);
    const accountIds = (await listAccountsOfCustomer(ctx.db, customerId)).map((account) => account.id).filter((id) => chosen.has(id));
    if (accountIds.length === 0) return showConsent(reply, interaction, 'Choose at least one account to share, or refuse.');
    if (!(await authoriseConsent(ctx.db, { id: consentId, customerId, accountIds, at: ctx.clock.now() }))) return expired(reply);
    const grant = new provider.Grant({ accountId: customerId, clientId });
    grant.addOIDCScope(String(interaction.params.scope ?? 'openid'));
    const missingClaims = interaction.prompt.details.missingOIDCClaims;
    if (Array.isArray(missingClaims)) grant.addOIDCClaims(missingClaims as string[]);
    const grantId = await grant.save();
    await recordConsentGrant(ctx.db, { grantId, consentId, at: ctx.clock.now() });
    return finish(request, reply, { consent: { grantId } });
  });

  app.post('/interaction/:uid/abort', { schema: formSchema }, async (request: UidRequest, reply) => {
    const interaction = await details(request, reply);
    if (!interaction || interaction.uid !== request.params.uid) return expired(reply);
    if (!csrfOk(interaction.uid, request.body.csrf)) return reply.code(403).type('text/html').send(messagePage('Please try again', 'This form has expired.'));
    return finish(request, reply, { error: 'access_denied', error_description: 'The customer cancelled the sign-in.' });
  });
}
