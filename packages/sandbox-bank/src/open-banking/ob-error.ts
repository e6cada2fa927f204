/**
 * Open Banking v4.0 error codes (OBExternalStatusReason1Code, the four-character codes of the
 * OB internal code set) this bank answers with, by what went wrong.
 */
export const obErrorCodes = {
  /** UK.OBIE.Field.Invalid: a value is not allowed (an unknown permission, a forbidden combination). */
  fieldInvalid: 'U002',
  /** UK.OBIE.Field.InvalidDate: an expiry in the past, a window that ends before it starts. */
  invalidDate: 'U003',
  /** UK.OBIE.Field.Missing. */
  fieldMissing: 'U004',
  /** UK.OBIE.Field.Unexpected: a field the schema does not have. */
  fieldUnexpected: 'U005',
  /** UK.OBIE.Header.Invalid: a header that is not of its documented form (x-fapi-auth-date). */
  headerInvalid: 'U006',
  /** UK.OBIE.Resource.InvalidConsentStatus: the consent is not authorised (AWAU, RJCT, CANC, EXPD). */
  invalidConsentStatus: 'U009',
  /** UK.OBIE.Resource.InvalidFormat: the body is not JSON or not the request schema. */
  invalidFormat: 'U010',
  /** UK.OBIE.Resource.NotFound: no resource with that id (the OB profile answers 400, not 404). */
  notFound: 'U011',
  /** UK.OBIE.OtherReason: refused without saying more (another client's consent, an account not shared). */
  forbidden: 'U042',
  /** UK.OBIE.UnexpectedError. */
  unexpected: 'U000',
} as const;

export type ObErrorCode = (typeof obErrorCodes)[keyof typeof obErrorCodes];

/** An error of the Open Banking API, answered as OBErrorResponse1 (or with no body where the spec gives none). */
export class ObError extends Error {
  override readonly name = 'ObError';
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 405 | 406 | 415 | 429 | 500,
    readonly code: ObErrorCode,
    message: string,
    readonly path?: string,
    /** For a 401: the WWW-Authenticate error (invalid_token, invalid_dpop_proof, missing_token). */
    readonly challenge?: string,
  ) {
    super(message);
  }
}

const statusNames: Record<number, string> = {
  400: '400 BadRequest',
  403: '403 Forbidden',
  405: '405 MethodNotAllowed',
  406: '406 NotAcceptable',
  415: '415 UnsupportedMediaType',
  429: '429 TooManyRequests',
  500: '500 InternalServerError',
};

/** The OBErrorResponse1 body of an error; `id` is the interaction id, for support. */
export function obErrorBody(error: ObError, id: string): Record<string, unknown> {
  return {
    Id: id.slice(0, 40),
    Code: statusNames[error.status] ?? String(error.status),
    Message: error.message.slice(0, 500),
    Errors: [{ ErrorCode: error.code, Message: error.message.slice(0, 500), ...(error.path ? { Path: error.path } : {}) }],
  };
}

export const badRequest = (code: ObErrorCode, message: string, path?: string): ObError => new ObError(400, code, message, path);
export const forbidden = (code: ObErrorCode, message: string): ObError => new ObError(403, code, message);
