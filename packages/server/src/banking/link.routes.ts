import { CreatedLink, CreateLinkBody, InstitutionList } from '@parley/protocol';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { ServerContext } from '../context';
import { authenticateToken, principalOf, readSessionCookie, requirePerson, type Principal } from '../identity';
import { isAppError } from '../platform/errors';
import { listLinkableInstitutions } from './institution.service';
import { completeLink } from './link.completion';
import { callbackPath, startLink } from './link.service';

const tags = ['banking'];

/** The caller's session if the cookie holds a live one; the callback redirects rather than answering 401. */
async function optionalPrincipal(ctx: ServerContext, token: string | undefined): Promise<Principal | null> {
  if (!token) return null;
  try {
    return await authenticateToken(ctx, token);
  } catch {
    return null;
  }
}

/** Linking a bank: what can be linked, starting a link, and the bank's redirect back. */
export function linkRoutes(ctx: ServerContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const preHandler = requirePerson(ctx);

    app.get(
      '/v1/links/institutions',
      { preHandler, schema: { tags, summary: 'Banks I can link', response: { 200: InstitutionList } } },
      async () => ({ institutions: await listLinkableInstitutions(ctx) }),
    );

    app.post(
      '/v1/links',
      {
        preHandler,
        schema: {
          tags,
          summary: 'Start linking a bank',
          description:
            'Creates the consent at the bank and a pushed authorization request; send the browser to `authorizationUrl` within 10 minutes. Each permission comes back with its purpose in plain words.',
          body: CreateLinkBody,
          response: { 201: CreatedLink },
        },
      },
      async (request, reply) => reply.code(201).send(await startLink(ctx, { principal: principalOf(request), body: request.body })),
    );

    app.get(
      callbackPath,
      {
        schema: {
          tags,
          summary: "The bank's redirect after sign-in and consent",
          description: 'Always redirects to the web app: `/?linked=<institutionId>` on success, `/?link_error=<ERR_…>` otherwise (nothing stored).',
          querystring: Type.Object({}, { additionalProperties: true }),
          response: { 303: Type.Null({ description: 'Back to the web app' }) },
        },
      },
      async (request, reply) => {
        const principal = await optionalPrincipal(ctx, readSessionCookie(ctx.config, request));
        const callbackUrl = new URL(request.url, ctx.config.publicUrl);
        try {
          const linked = await completeLink(ctx, { principal, callbackUrl });
          return reply.redirect(`/?linked=${encodeURIComponent(linked.institutionId)}`, 303);
        } catch (error) {
          const code = isAppError(error) && error.code.startsWith('ERR_LINK_') ? error.code : 'ERR_LINK_FAILED';
          request.log.warn({ err: error, code }, 'bank link not completed');
          return reply.redirect(`/?link_error=${code}`, 303);
        }
      },
    );
  };
}
