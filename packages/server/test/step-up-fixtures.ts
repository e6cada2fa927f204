import type { StepUpAssertion, StepUpFor, StepUpOptions } from '@parley/protocol';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { PasskeyPerson } from './identity-fixtures';
import type { TestPerson } from './people';
import type { RequestOptions, SoftwareAuthenticator, WebAuthnResponseJson } from './webauthn-authenticator';

/** A passkey person as the messaging fixtures take them. */
export function asTestPerson(person: PasskeyPerson): TestPerson {
  return { ...person, csrfToken: person.me.csrfToken };
}

/** POST /v1/step-up/options; the raw answer. */
export function askStepUp(app: FastifyInstance, person: Pick<TestPerson, 'headers'>, target: StepUpFor): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'POST', url: '/v1/step-up/options', headers: person.headers, payload: { for: target } });
}

/** The passkey prompt for `target`, checked to carry what an authenticator reads. */
export async function stepUpOptions(app: FastifyInstance, person: Pick<TestPerson, 'headers'>, target: StepUpFor): Promise<StepUpOptions> {
  const response = await askStepUp(app, person, target);
  if (response.statusCode !== 200) throw new Error(`step-up options: ${response.statusCode} ${response.body}`);
  const options = response.json<StepUpOptions>();
  if (typeof options.publicKey.challenge !== 'string' || typeof options.publicKey.rpId !== 'string') throw new Error('not request options');
  return options;
}

export function requestOptionsOf(options: StepUpOptions): RequestOptions {
  return options.publicKey as unknown as RequestOptions;
}

/** The authenticator's answer as the web app sends it with a step-up. */
export function assertionOf(challengeId: string, response: WebAuthnResponseJson): StepUpAssertion {
  // The software authenticator types its answer loosely; it has exactly the fields WebAuthnResponse names.
  return { challengeId, response: response as unknown as StepUpAssertion['response'] };
}

/** Ask for a prompt for `target` and answer it with the authenticator: the assertion the web app would send. */
export async function stepUpAssertion(
  app: FastifyInstance,
  person: Pick<TestPerson, 'headers'>,
  authenticator: SoftwareAuthenticator,
  target: StepUpFor,
): Promise<StepUpAssertion> {
  const options = await stepUpOptions(app, person, target);
  return assertionOf(options.challengeId, authenticator.authenticate(requestOptionsOf(options)));
}
