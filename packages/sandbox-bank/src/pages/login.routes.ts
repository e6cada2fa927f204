import type { FastifyInstance } from 'fastify';
import type { BankContext } from '../context';
import { findCustomerByUsername } from '../customers/customer.repository';
import { verifyPassword } from '../customers/password';
import { html, page } from './html';

/** Only a path on this site: never `//evil.example` or an absolute URL (no open redirect). */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])/.test(next) ? next : '/';
}

function loginPage(next: string, error?: string): string {
  return page({
    title: 'Sign in',
    body: html`<h1>Sign in to Sandbox Bank</h1>
      ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
      <form method="post" action="/login">
        <input type="hidden" name="next" value="${next}">
        <label for="username">Username</label><input id="username" name="username" type="text" autocomplete="username" required>
        <label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
        <button type="submit">Sign in</button>
      </form>
      <p class="muted">Demo customers are listed in Parley's README.</p>`,
  });
}

/** The bank website's own sign-in (Connected apps, account linking, the demo page). */
export function registerLoginRoutes(app: FastifyInstance, ctx: BankContext): void {
  app.get<{ Querystring: { next?: string } }>('/login', async (request, reply) => reply.type('text/html').send(loginPage(safeNext(request.query.next))));

  app.post<{ Body: { username?: unknown; password?: unknown; next?: unknown } }>('/login', async (request, reply) => {
    const { username, password } = request.body ?? {};
    const next = safeNext(request.body?.next);
    const customer = typeof username === 'string' ? await findCustomerByUsername(ctx.db, username.trim().toLowerCase()) : undefined;
    // Same answer for an unknown name and a wrong password.
    const ok = customer !== undefined && typeof password === 'string' && (await verifyPassword(password, customer.password_hash));
    if (!ok) return reply.code(401).type('text/html').send(loginPage(next, 'That username and password do not match.'));
    ctx.sessions.start(reply, customer.id);
    return reply.redirect(next, 303);
  });

  app.post('/logout', async (_request, reply) => {
    ctx.sessions.end(reply);
    return reply.redirect('/', 303);
  });
}
