/**
 * The closed list of error codes Parley ever returns, over HTTP and WebSocket alike.
 * A code is never reused or renamed; `status` is the HTTP status the edge answers with,
 * `message` the default sentence a client may show.
 *
 * @example
 * if (body.error.code === 'ERR_RATE_LIMITED') retryLater();
 */
export const errorCatalog = {
  ERR_VALIDATION: { status: 400, message: 'The request does not match its schema.' },
  ERR_BAD_JSON: { status: 400, message: 'The body is not valid JSON.' },
  ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Send the body as application/json.' },
  ERR_PAYLOAD_TOO_LARGE: { status: 413, message: 'The request or frame is larger than allowed.' },
  ERR_NOT_FOUND: { status: 404, message: 'There is nothing here, or it is not yours.' },
  ERR_METHOD_NOT_ALLOWED: { status: 405, message: 'This method is not allowed here.' },
  ERR_UNAUTHENTICATED: { status: 401, message: 'Sign in first.' },
  ERR_SESSION_EXPIRED: { status: 401, message: 'Your session has ended; sign in again.' },
  ERR_FORBIDDEN: { status: 403, message: 'You may not do this.' },
  ERR_CSRF: { status: 403, message: 'The request lacks a valid CSRF token or comes from another origin.' },
  ERR_INVALID_CREDENTIALS: { status: 401, message: 'The email or password is not right.' },
  ERR_EMAIL_TAKEN: { status: 409, message: 'An account with this email already exists.' },
  ERR_WEAK_PASSWORD: { status: 400, message: 'Choose a password of at least 12 characters.' },
  ERR_PASSKEY_FAILED: { status: 400, message: 'The passkey could not be verified.' },
  ERR_CHALLENGE_EXPIRED: { status: 400, message: 'The sign-in attempt took too long; start again.' },
  ERR_STEP_UP_FAILED: { status: 403, message: 'Your passkey could not confirm this; try again.' },
  ERR_STEP_UP_REQUIRED: { status: 403, message: 'Confirm this choice with your passkey first.' },
  ERR_LAST_SIGN_IN_METHOD: { status: 409, message: 'This is your last way to sign in; add another first.' },
  ERR_TICKET_INVALID: { status: 401, message: 'The WebSocket ticket is unknown, used or expired.' },
  ERR_RATE_LIMITED: { status: 429, message: 'Too many attempts; wait a moment and try again.' },
  ERR_CONFLICT: { status: 409, message: 'This conflicts with the current state.' },
  ERR_FRAME_INVALID: { status: 400, message: 'The frame does not match any known frame type.' },
  ERR_SLOW_CONSUMER: { status: 429, message: 'The connection is not reading fast enough and was closed.' },
  ERR_SCOPE_MISSING: { status: 403, message: 'This API key lacks the scope this route needs.' },
  ERR_LAST_OWNER: { status: 409, message: 'A business needs at least one owner; add another owner first.' },
  ERR_WEBHOOK_VERIFY_FAILED: { status: 422, message: 'The endpoint did not echo hub.challenge to the Messenger verification request.' },
  ERR_WEBHOOK_URL_FORBIDDEN: { status: 422, message: 'Webhook endpoints must be public https URLs; this one is not allowed.' },
  ERR_PUSH_ENDPOINT_FORBIDDEN: { status: 422, message: 'A push endpoint must be an https URL of a push service on the public internet.' },
  ERR_NO_CONVERSATION: { status: 403, message: 'This person has not started a conversation with your business; a business cannot start one.' },
  ERR_OUTSIDE_WINDOW: {
    status: 403,
    message: 'RESPONSE and UPDATE messages may be sent only within 24 hours of the person\'s last message.',
  },
  ERR_ALERTS_NOT_ENABLED: { status: 403, message: 'ALERT messages are not enabled for this person and business.' },
  ERR_NOTICE_LIMIT: { status: 429, message: 'This business has sent as many notices as it may in 24 hours.' },
  ERR_ALERT_EXPIRED: { status: 410, message: 'This alert has expired and takes no answer.' },
  ERR_ALERT_ANSWERED: { status: 409, message: 'This alert was already answered.' },
  ERR_ALERT_ACTION_UNKNOWN: { status: 422, message: 'This alert offers no such action.' },
  ERR_IDEMPOTENCY_MISMATCH: { status: 422, message: 'This Idempotency-Key was used with a different request body.' },
  ERR_IDEMPOTENCY_IN_PROGRESS: { status: 409, message: 'A request with this Idempotency-Key is still being processed; retry shortly.' },
  ERR_DATA_KEY_DESTROYED: { status: 410, message: 'This data was erased: the key that protected it was destroyed.' },
  ERR_SEAL_BROKEN: { status: 500, message: 'Stored data failed its integrity check and was not used.' },
  ERR_MASTER_KEY_MISSING: { status: 503, message: 'A master key this data needs is not loaded on this server.' },
  ERR_LINK_EXPIRED: { status: 400, message: 'This bank link took longer than 10 minutes or was already used; start linking again.' },
  ERR_LINK_SESSION_MISMATCH: { status: 403, message: 'This bank link was started in another session; start linking again from this one.' },
  ERR_LINK_CANCELLED: { status: 400, message: 'You cancelled at your bank; nothing was linked.' },
  ERR_LINK_FAILED: { status: 502, message: 'Your bank could not complete the link; nothing was linked. Try again.' },
  ERR_CONSENT_NOT_ACTIVE: { status: 403, message: 'There is no active consent for this data: it was never given, was revoked or has expired.' },
  ERR_PURPOSE_DENIED: { status: 403, message: 'Parley reads financial data only to show it to you, deliver an alert you enabled, or give support context.' },
  ERR_BANK_UNAVAILABLE: { status: 502, message: 'Your bank did not answer; try again shortly.' },
  ERR_BANK_BAD_RESPONSE: { status: 502, message: 'Your bank answered with data Parley could not accept.' },
  ERR_INVITE_INVALID: { status: 410, message: 'This invite link is unknown, already used, revoked or expired; ask for a new one.' },
  ERR_UNAVAILABLE: { status: 503, message: 'Parley cannot do this right now; try again shortly.' },
  ERR_INTERNAL: { status: 500, message: 'Something went wrong on our side.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof errorCatalog;
export const errorCodes = Object.keys(errorCatalog) as ErrorCode[];
