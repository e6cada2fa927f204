import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance, FastifySchema } from 'fastify';

const options = (coerceTypes: Options['coerceTypes']): Options => ({ allErrors: false, removeAdditional: false, useDefaults: true, strict: false, coerceTypes });

/**
 * Bodies are validated as sent: `"password": 5` is refused, not quietly turned into "5".
 * Query strings and path params arrive as text, so only they are coerced to the schema's types.
 */
export function installValidators(app: FastifyInstance): void {
  const bodyAjv = addFormats.default(new Ajv(options(false)));
  const textAjv = addFormats.default(new Ajv(options('array')));
  app.setValidatorCompiler<FastifySchema>(({ schema, httpPart }) =>
    (httpPart === 'body' ? bodyAjv : textAjv).compile(schema as object),
  );
  // Only JSON bodies exist in this API; without this Fastify would accept text/plain.
  app.removeContentTypeParser('text/plain');
}
