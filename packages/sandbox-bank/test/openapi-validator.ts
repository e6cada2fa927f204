import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

// The official Open Banking UK Account and Transaction API v4.0 document, as published: the
// bank's responses are checked against it, never against schemas written here.
// The official document, kept unchanged in the repository (spec/SOURCE.md).
const specFile = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../spec/account-info-openapi.json');

type Json = Record<string, unknown>;
interface Operation {
  readonly responses: Record<string, Json>;
}

const document = JSON.parse(fs.readFileSync(specFile, 'utf8')) as { servers: { url: string }[]; paths: Record<string, Record<string, Operation>>; components: Json };
const basePath = document.servers[0]?.url ?? '';

// OpenAPI 3.0 schemas carry keywords JSON Schema does not know (`example`, `x-namespaced-enum`,
// `nullable`); strict: false lets ajv ignore what is not validation, and ajv knows `nullable`.
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats.default(ajv);
for (const format of ['int32', 'int64', 'float', 'double', 'base64', 'byte']) ajv.addFormat(format, true);
ajv.addSchema(document, 'ob');
const compiled = new Map<string, ValidateFunction>();

function validatorFor(pointer: string): ValidateFunction {
  let validate = compiled.get(pointer);
  if (!validate) {
    validate = ajv.compile({ $ref: `ob${pointer}` });
    compiled.set(pointer, validate);
  }
  return validate;
}

function deref(value: Json): Json {
  const ref = value.$ref;
  if (typeof ref !== 'string') return value;
  return ref
    .slice(2)
    .split('/')
    .reduce<Json>((node, key) => node[key] as Json, document as unknown as Json);
}

function templateFor(urlPath: string): string {
  const relative = urlPath.startsWith(basePath) ? urlPath.slice(basePath.length) : urlPath;
  const template = Object.keys(document.paths).find((candidate) => new RegExp(`^${candidate.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(relative));
  if (!template) throw new Error(`${urlPath} is not an operation of the Open Banking document.`);
  return template;
}

function describe(errors: ValidateFunction['errors']): string {
  return (errors ?? []).map((error) => `${error.instancePath || '(root)'} ${error.message ?? ''} ${JSON.stringify(error.params)}`).join('; ');
}

/** Check a value against one named schema of the document, e.g. `OBTransaction6Basic`. Throws with ajv's errors. */
export function assertMatchesSchema(name: string, value: unknown): void {
  const validate = validatorFor(`#/components/schemas/${name}`);
  if (!validate(value)) throw new Error(`Not a valid ${name}: ${describe(validate.errors)}`);
}

/**
 * Check one HTTP response of the bank against the official document: the status must be one the
 * operation (path, method) documents, the `x-fapi-interaction-id` header it requires must be
 * there, and the body must match the documented schema — or be empty where the document gives
 * none (401, 404, 204). Returns the parsed body (undefined when empty).
 */
export async function expectOpenBankingResponse(method: string, url: string, response: Response): Promise<unknown> {
  const template = templateFor(new URL(url).pathname);
  const operation = document.paths[template]?.[method.toLowerCase()];
  if (!operation) throw new Error(`${method} ${template} is not in the Open Banking document.`);
  const documented = operation.responses[String(response.status)];
  const text = await response.text();
  if (!documented) throw new Error(`${method} ${template} answered ${response.status}, which the document does not list (body: ${text.slice(0, 300)}).`);
  const spec = deref(documented);
  const headers = (spec.headers ?? {}) as Record<string, { required?: boolean }>;
  for (const [name, header] of Object.entries(headers)) {
    if (header.required && !response.headers.get(name)) throw new Error(`${method} ${template} ${response.status} lacks the required header ${name}.`);
  }
  const content = spec.content as Record<string, { schema: Json }> | undefined;
  if (!content) {
    if (text !== '') throw new Error(`${method} ${template} ${response.status} must have no body, got: ${text.slice(0, 300)}`);
    return undefined;
  }
  const mediaType = (response.headers.get('content-type') ?? '').split(';')[0]?.trim();
  if (mediaType !== 'application/json') throw new Error(`${method} ${template} ${response.status} is ${mediaType}, not JSON.`);
  const schema = content['application/json; charset=utf-8']?.schema ?? content['application/json']?.schema;
  const ref = schema?.$ref;
  if (typeof ref !== 'string') throw new Error(`${method} ${template} ${response.status}: the document gives no schema reference.`);
  const body: unknown = JSON.parse(text);
  const validate = validatorFor(ref);
  if (!validate(body)) throw new Error(`${method} ${template} ${response.status} does not match ${ref}: ${describe(validate.errors)}\n${text.slice(0, 500)}`);
  return body;
}

/** An Open Banking response after validation: status, headers and the parsed body. */
export interface CheckedResponse {
  readonly status: number;
  readonly headers: Headers;
  // Bodies are asserted on field by field in tests; their shape was just checked against the document.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
  readonly body: any;
}

/** What the tests' AISP client offers (test/aisp-client.ts AispConnection.fetchAisp). */
export interface AispFetcher {
  fetchAisp(path: string, options?: { accessToken?: string; method?: string; body?: unknown }): Promise<Response>;
}

/**
 * Call the bank's AISP API as the client does and check the answer against the official
 * document. A 401 with a challenge reaches tests as a response, not openid-client's error.
 */
export async function obCall(client: AispFetcher, path: string, options: { accessToken?: string; method?: string; body?: unknown } = {}): Promise<CheckedResponse> {
  let response: Response;
  try {
    response = await client.fetchAisp(path, options);
  } catch (error) {
    const challenged = (error as { response?: unknown }).response;
    if (!(challenged instanceof Response)) throw error;
    response = challenged;
  }
  const body = await expectOpenBankingResponse(options.method ?? 'GET', response.url, response);
  return { status: response.status, headers: response.headers, body };
}

/**
 * POST /account-access-consents with the client's client-credentials token, the answer checked
 * like every other (the AISP helper's own createConsent does not check it). Returns the ConsentId.
 */
export async function obCreateConsent(
  client: AispFetcher & { clientCredentialsToken(): Promise<string> },
  permissions: readonly string[],
  options: { ExpirationDateTime?: string; TransactionFromDateTime?: string; TransactionToDateTime?: string } = {},
): Promise<string> {
  const created = await obCall(client, '/account-access-consents', {
    accessToken: await client.clientCredentialsToken(),
    method: 'POST',
    body: { Data: { Permissions: permissions, ...options }, Risk: {} },
  });
  if (created.status !== 201) throw new Error(`POST /account-access-consents answered ${created.status}: ${JSON.stringify(created.body) ?? created.headers.get('www-authenticate')}`);
  return created.body.Data.ConsentId as string;
}

/** A checked consent, then the customer's authorisation of it through the client (the AISP helper's authorize). */
export async function obLink<Customer extends object, Tokens>(
  client: AispFetcher & { clientCredentialsToken(): Promise<string>; authorize(input: Customer & { consentId: string }): Promise<Tokens> },
  customer: Customer,
  permissions: readonly string[],
  options: { ExpirationDateTime?: string; TransactionFromDateTime?: string; TransactionToDateTime?: string } = {},
): Promise<Tokens> {
  const consentId = await obCreateConsent(client, permissions, options);
  return client.authorize({ ...customer, consentId });
}
