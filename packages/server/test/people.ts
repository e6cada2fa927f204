import type { FastifyInstance } from 'fastify';
import type { Me } from '@parley/protocol';

/** A signed-in person as a test holds them: the cookie header and the CSRF token. */
export interface TestPerson {
  readonly me: Me;
  readonly cookie: string;
  readonly csrfToken: string;
  /** Headers for an authenticated unsafe request. */
  readonly headers: Record<string, string>;
}

let counter = 0;

/** Sign up a new person with email and password through the real route. */
export async function signUpPerson(app: FastifyInstance, name = `Person ${++counter}`): Promise<TestPerson> {
  const email = `p${process.pid}-${Date.now()}-${++counter}@example.com`;
  const response = await app.inject({
    method: 'POST',
    url: '/v1/auth/password/sign-up',
    payload: { email, password: 'correct horse battery staple', displayName: name },
  });
  if (response.statusCode !== 201) throw new Error(`sign-up failed: ${response.statusCode} ${response.body}`);
  const setCookie = response.headers['set-cookie'];
  const raw = Array.isArray(setCookie) ? setCookie[0] : setCookie;
  const cookie = String(raw).split(';')[0] ?? '';
  const me = response.json() as Me;
  return { me, cookie, csrfToken: me.csrfToken, headers: { cookie, 'x-csrf-token': me.csrfToken } };
}
