import type { FastifyInstance } from 'fastify';
import type { Provider } from 'oidc-provider';

/** oidc-provider's endpoints (its default routes), each handed to the provider as is. */
const providerPaths = [
  '/.well-known/openid-configuration',
  '/jwks',
  '/request',
  '/auth',
  '/auth/:uid',
  '/token',
  '/token/revocation',
  '/token/introspection',
  '/me',
  '/session/end',
  '/session/end/confirm',
  '/session/end/success',
];

/**
 * Mount the Koa-based provider inside Fastify: these routes hand the raw request and response to
 * `provider.callback()`. Their scope parses no body, so the provider reads the untouched stream
 * itself (it rejects bodies parsed upstream as a weaker, ambiguous input).
 */
export async function mountProvider(app: FastifyInstance, provider: Provider): Promise<void> {
  const handle = provider.callback();
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
    for (const url of providerPaths) {
      scope.all(url, (request, reply) => {
        reply.hijack();
        handle(request.raw, reply.raw);
      });
    }
  });
}
