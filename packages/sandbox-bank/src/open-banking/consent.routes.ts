import type { FastifyInstance } from 'fastify';
import type { BankContext } from '../context';
import type { BankOidc, VerifiedAccessToken } from '../oidc';
import { parseConsentRequest } from './consent.schema';
import { consentOfClient, consentResource, createConsent, deleteConsentByClient } from './consent.service';
import { forbidden, ObError, obErrorCodes } from './ob-error';
import { authenticate, selfUrl, sendOb } from './ob-http';
import { consentUrl } from './consent-revocation.service';

/** Consents are managed with the client's own client-credentials token, never a customer's. */
async function clientToken(oidc: BankOidc, request: Parameters<typeof authenticate>[1]): Promise<VerifiedAccessToken> {
  const token = await authenticate(oidc, request);
  if (token.consentId !== null) throw forbidden(obErrorCodes.forbidden, 'Manage account-access-consents with a client-credentials token.');
  return token;
}

/** POST, GET and DELETE /account-access-consents[/{ConsentId}] (inside the /open-banking/v4.0/aisp scope). */
export function registerConsentRoutes(app: FastifyInstance, ctx: BankContext, oidc: BankOidc): void {
  app.post('/account-access-consents', async (request, reply) => {
    // Fastify would hand a text/plain body over as a string; the API takes JSON only.
    if (!/^application\/json\s*(;|$)/i.test(request.headers['content-type'] ?? '')) throw new ObError(415, obErrorCodes.invalidFormat, 'Send the consent as application/json.');
    const token = await clientToken(oidc, request);
    const consent = await createConsent(ctx, { clientId: token.clientId, request: parseConsentRequest(request.body) });
    return sendOb(reply, 201, consentResource(consent, consentUrl(ctx, consent.id)));
  });

  app.get<{ Params: { ConsentId: string } }>('/account-access-consents/:ConsentId', async (request, reply) => {
    const token = await clientToken(oidc, request);
    const consent = await consentOfClient(ctx, oidc, { clientId: token.clientId, consentId: request.params.ConsentId });
    return sendOb(reply, 200, consentResource(consent, selfUrl(ctx, request)));
  });

  app.delete<{ Params: { ConsentId: string } }>('/account-access-consents/:ConsentId', async (request, reply) => {
    const token = await clientToken(oidc, request);
    await deleteConsentByClient(ctx, oidc, { clientId: token.clientId, consentId: request.params.ConsentId });
    return reply.code(204).send();
  });
}
