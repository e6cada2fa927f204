import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import type { Static, TSchema } from '@sinclair/typebox';
import { AppError } from '../platform/errors';

// The same protocol schemas and the same strictness as the HTTP edge (no coercion), so the
// CLI accepts exactly what the admin API accepts.
const ajv = addFormats.default(new Ajv({ allErrors: false, coerceTypes: false, strict: false }));

/** `value` as `schema` describes it, or ERR_VALIDATION naming the field at fault. */
export function validated<S extends TSchema>(schema: S, value: unknown): Static<S> {
  const check = ajv.compile(schema);
  if (check(value)) return value as Static<S>;
  const error = check.errors?.[0];
  const missing = error?.keyword === 'required' ? String(error.params.missingProperty) : undefined;
  if (missing) throw new AppError('ERR_VALIDATION', { message: `Give --${missing}.` });
  // Body fields are named like the flags that fill them: /scopes/0 is --scopes.
  const field = error?.instancePath.split('/')[1] ?? 'input';
  throw new AppError('ERR_VALIDATION', { message: `--${field} ${error?.message ?? 'is not valid'}.` });
}
