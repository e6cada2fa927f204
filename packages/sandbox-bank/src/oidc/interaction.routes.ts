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

type FormRequest = FastifyRequest<{ Params: { uid: string }; Body: InteractionForm }>;

interface InteractionForm {
  csrf: string;
  username?: string;
  password?: string;
  decision?: 'allow' | 'refuse';
  account?: string | string[];
}

const paramsSchema = { type: 'object', required: ['uid'], properties: { uid: { type: 'string', maxLength: 100 } } };
const formSchema = {
  params: paramsSchema,
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

/** What every interaction handler needs. */
interface Interactions {
  readonly ctx: BankContext;
  readonly provider: Provider;
  /** The CSRF token of an interaction's forms: an HMAC of its uid under a key of the bank's. */
  csrfFor(uid: string): string;
}

function csrfMatches(interactions: Interactions, uid: string, token: string): boolean {
  const expected = Buffer.from(interactions.csrfFor(uid));
  const actual = Buffer.from(token);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

function clientName(interactions: Interactions, interaction: Interaction): string {
  const clientId = interaction.params.client_id;
  return interactions.ctx.config.clients.find((client) => client.clientId === clientId)?.name ?? String(clientId);
}

/** The interaction behind this browser's cookie, if it is the one in the URL and still live. */
async function currentInteraction(interactions: Interactions, request: FastifyRequest<{ Params: { uid: string } }>, reply: FastifyReply) {
  try {
    const interaction = await interactions.provider.interactionDetails(request.raw, reply.raw);
    return interaction.uid === request.params.uid ? interaction : null;
  } catch {
    return null;
  }
}

const expired = (reply: FastifyReply) =>
  reply.code(400).type('text/html').send(messagePage('This sign-in has expired', 'Go back to the app you came from and start again.'));
const forged = (reply: FastifyReply) => reply.code(403).type('text/html').send(messagePage('Please try again', 'This form has expired.'));

/** Hand the result to oidc-provider and send the browser back to /auth to carry on. */
async function finish(interactions: Interactions, request: FastifyRequest, reply: FastifyReply, result: Record<string, unknown>) {
  const returnTo = await interactions.provider.interactionResult(request.raw, reply.raw, result, { mergeWithLastSubmission: false });
  return reply.redirect(returnTo, 303);
}

/** The consent this authorization is for, still awaiting the customer's answer (else IntentError). */
function consentOf(interactions: Interactions, interaction: Interaction) {
  const { ctx } = interactions;
  return awaitingConsentOf(ctx.db, { clientId: String(interaction.params.client_id), consentId: readIntentId(interaction.params.claims), now: ctx.clock.now() });
}

async function showConsent(interactions: Interactions, reply: FastifyReply, interaction: Interaction, error?: string) {
  const { ctx } = interactions;
  const consent = await consentOf(interactions, interaction);
  const accounts = await listAccountsOfCustomer(ctx.db, interaction.session?.accountId ?? '');
  const body = consentPage({
    uid: interaction.uid,
    csrf: interactions.csrfFor(interaction.uid),
    clientName: clientName(interactions, interaction),
    permissions: JSON.parse(consent.permissions) as string[],
    expiresAt: consent.expires_at,
    accounts,
    ...(error ? { error } : {}),
  });
  return reply
    .code(error ? 400 : 200)
    .type('text/html')
    .send(body);
}

async function show(interactions: Interactions, request: FastifyRequest<{ Params: { uid: string } }>, reply: FastifyReply) {
  const interaction = await currentInteraction(interactions, request, reply);
  if (!interaction) return expired(reply);
  reply.header('cache-control', 'no-store');
  if (interaction.prompt.name === 'login') {
    const body = loginPage({ uid: interaction.uid, csrf: interactions.csrfFor(interaction.uid), clientName: clientName(interactions, interaction) });
    return reply.type('text/html').send(body);
  }
  try {
    return await showConsent(interactions, reply, interaction);
  } catch (error) {
    // The consent was decided or withdrawn meanwhile: tell the client, not a dead end for the customer.
    if (!(error instanceof IntentError)) throw error;
    return finish(interactions, request, reply, { error: 'access_denied', error_description: error.message });
  }
}

async function login(interactions: Interactions, request: FormRequest, reply: FastifyReply) {
  const interaction = await currentInteraction(interactions, request, reply);
  if (!interaction || interaction.prompt.name !== 'login') return expired(reply);
  if (!csrfMatches(interactions, interaction.uid, request.body.csrf)) return forged(reply);
  const { username, password } = request.body;
  const customer = username ? await findCustomerByUsername(interactions.ctx.db, username.trim().toLowerCase()) : undefined;
  // Same answer for an unknown name and a wrong password.
  const ok = customer !== undefined && password !== undefined && (await verifyPassword(password, customer.password_hash));
  if (!ok) {
    const error = 'That username and password do not match.';
    const body = loginPage({ uid: interaction.uid, csrf: interactions.csrfFor(interaction.uid), clientName: clientName(interactions, interaction), error });
    return reply.code(401).type('text/html').send(body);
  }
  return finish(interactions, request, reply, { login: { accountId: customer.id } });
}

/** The customer allowed: authorise the consent for the chosen accounts and make the grant its tokens come from. */
async function allow(interactions: Interactions, input: { interaction: Interaction; consentId: string; accountIds: readonly string[] }): Promise<string | null> {
  const { ctx, provider } = interactions;
  const { interaction, consentId, accountIds } = input;
  const customerId = interaction.session?.accountId ?? '';
  if (!(await authoriseConsent(ctx.db, { id: consentId, customerId, accountIds, at: ctx.clock.now() }))) return null;
  const grant = new provider.Grant({ accountId: customerId, clientId: String(interaction.params.client_id) });
  grant.addOIDCScope(String(interaction.params.scope ?? 'openid'));
  const missingClaims = interaction.prompt.details.missingOIDCClaims;
  if (Array.isArray(missingClaims)) grant.addOIDCClaims(missingClaims as string[]);
  const grantId = await grant.save();
  await recordConsentGrant(ctx.db, { grantId, consentId, at: ctx.clock.now() });
  return grantId;
}

async function confirm(interactions: Interactions, request: FormRequest, reply: FastifyReply) {
  const { ctx } = interactions;
  const interaction = await currentInteraction(interactions, request, reply);
  if (!interaction || interaction.prompt.name !== 'consent' || !interaction.session) return expired(reply);
  if (!csrfMatches(interactions, interaction.uid, request.body.csrf)) return forged(reply);
  let consentId: string;
  try {
    consentId = (await consentOf(interactions, interaction)).id;
  } catch (error) {
    if (!(error instanceof IntentError)) throw error;
    return finish(interactions, request, reply, { error: 'access_denied', error_description: error.message });
  }
  if (request.body.decision !== 'allow') {
    await endConsent(ctx.db, { id: consentId, status: 'RJCT', at: ctx.clock.now() });
    return finish(interactions, request, reply, { error: 'access_denied', error_description: 'The customer refused to share their data.' });
  }
  // Only the customer's own accounts count, whatever the form says.
  const chosen = new Set([request.body.account ?? []].flat());
  const accountIds = (await listAccountsOfCustomer(ctx.db, interaction.session.accountId)).map((account) => account.id).filter((id) => chosen.has(id));
  if (accountIds.length === 0) return showConsent(interactions, reply, interaction, 'Choose at least one account to share, or refuse.');
  const grantId = await allow(interactions, { interaction, consentId, accountIds });
  return grantId ? finish(interactions, request, reply, { consent: { grantId } }) : expired(reply);
}

async function abort(interactions: Interactions, request: FormRequest, reply: FastifyReply) {
  const interaction = await currentInteraction(interactions, request, reply);
  if (!interaction) return expired(reply);
  if (!csrfMatches(interactions, interaction.uid, request.body.csrf)) return forged(reply);
  return finish(interactions, request, reply, { error: 'access_denied', error_description: 'The customer cancelled the sign-in.' });
}

/**
 * The login and consent pages oidc-provider sends the customer to (/interaction/:uid). Forms
 * carry a CSRF token bound to the interaction; oidc-provider's own interaction cookie
 * (SameSite=Lax, path-scoped) ties the page to the browser that started the authorization.
 */
export function registerInteractionRoutes(app: FastifyInstance, ctx: BankContext, provider: Provider): void {
  const csrfKey = loadOrCreateSecret(ctx.config.dataDir, 'oidc-csrf.key');
  const interactions: Interactions = { ctx, provider, csrfFor: (uid) => createHmac('sha256', csrfKey).update(uid).digest('base64url') };
  app.get<{ Params: { uid: string } }>('/interaction/:uid', { schema: { params: paramsSchema } }, (request, reply) => show(interactions, request, reply));
  app.post('/interaction/:uid/login', { schema: formSchema }, (request: FormRequest, reply) => login(interactions, request, reply));
  app.post('/interaction/:uid/confirm', { schema: formSchema }, (request: FormRequest, reply) => confirm(interactions, request, reply));
  app.post('/interaction/:uid/abort', { schema: formSchema }, (request: FormRequest, reply) => abort(interactions, request, reply));
}
