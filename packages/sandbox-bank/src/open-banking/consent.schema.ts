import { Ajv, type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import type { ConsentRequest } from './consent.service';
import { badRequest, obErrorCodes, type ObError } from './ob-error';
import { allPermissions } from './permissions';

/**
 * OBReadConsent1 as the v4.0 document defines it (Data.Permissions, the three date-times, an
 * empty Risk), strict: a field the schema does not have is refused, not dropped.
 */
const consentRequestSchema = {
  type: 'object',
  required: ['Data', 'Risk'],
  additionalProperties: false,
  properties: {
    Data: {
      type: 'object',
      required: ['Permissions'],
      additionalProperties: false,
      properties: {
        Permissions: { type: 'array', minItems: 1, items: { type: 'string', enum: [...allPermissions] } },
        ExpirationDateTime: { type: 'string', format: 'date-time' },
        TransactionFromDateTime: { type: 'string', format: 'date-time' },
        TransactionToDateTime: { type: 'string', format: 'date-time' },
      },
    },
    Risk: { type: 'object', additionalProperties: false, properties: {} },
  },
} as const;

const ajv = new Ajv({ allErrors: false });
addFormats.default(ajv, ['date-time']);
const validate = ajv.compile<ConsentRequest>(consentRequestSchema);

/** `/Data/Permissions/0` → `Data.Permissions[0]`, the OB error Path. */
function obPath(error: ErrorObject): string {
  const base = error.instancePath.split('/').filter(Boolean).reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '');
  const child = (error.params as { missingProperty?: string; additionalProperty?: string }).missingProperty ?? (error.params as { additionalProperty?: string }).additionalProperty;
  return child ? (base ? `${base}.${child}` : child) : base || '(body)';
}

function toObError(error: ErrorObject): ObError {
  const path = obPath(error);
  switch (error.keyword) {
    case 'required':
      return badRequest(obErrorCodes.fieldMissing, `${path} is required.`, path);
    case 'additionalProperties':
      return badRequest(obErrorCodes.fieldUnexpected, `${path} is not a field of OBReadConsent1.`, path);
    case 'enum':
      return badRequest(obErrorCodes.fieldInvalid, `${path} is not an Open Banking permission.`, path);
    case 'format':
      return badRequest(obErrorCodes.invalidDate, `${path} must be an ISO 8601 date-time with a time zone, e.g. 2027-04-05T10:43:07+00:00.`, path);
    default:
      return badRequest(obErrorCodes.invalidFormat, `${path} ${error.message ?? 'is not valid'}.`, path);
  }
}

/** The body of POST /account-access-consents, or a 400 naming the first thing wrong. */
export function parseConsentRequest(body: unknown): ConsentRequest {
  if (validate(body)) return body;
  const first = validate.errors?.[0];
  throw first ? toObError(first) : badRequest(obErrorCodes.invalidFormat, 'The body is not an OBReadConsent1.');
}
