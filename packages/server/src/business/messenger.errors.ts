import type { ErrorCode, MessengerErrorBody } from '@parley/protocol';

/** Messenger's numeric code (and subcode) for each Parley code a Messenger client may meet. */
const messengerCodes: Partial<Record<ErrorCode, { code: number; subcode?: number }>> = {
  ERR_UNAUTHENTICATED: { code: 190 },
  ERR_SCOPE_MISSING: { code: 10 },
  ERR_FORBIDDEN: { code: 10 },
  ERR_NOT_FOUND: { code: 100, subcode: 2018001 },
  ERR_NO_CONVERSATION: { code: 551, subcode: 1545041 },
  ERR_OUTSIDE_WINDOW: { code: 10, subcode: 2018278 },
  ERR_ALERTS_NOT_ENABLED: { code: 10, subcode: 2018065 },
  ERR_RATE_LIMITED: { code: 613 },
  ERR_UNAVAILABLE: { code: 2 },
  ERR_INTERNAL: { code: 1 },
};

/**
 * Parley's `{"error":{"code","message"}}` in Messenger's shape, so a Messenger client's error
 * handling works: `type` OAuthException, a Graph API `code` (100, "invalid parameter", for
 * anything not in the table), the request id as `fbtrace_id`, and Parley's code as `parley_code`.
 */
export function toMessengerError(parley: { code: string; message: string }, traceId: string): MessengerErrorBody {
  const mapped = messengerCodes[parley.code as ErrorCode] ?? { code: 100 };
  return {
    error: {
      message: parley.message,
      type: 'OAuthException',
      code: mapped.code,
      ...(mapped.subcode === undefined ? {} : { error_subcode: mapped.subcode }),
      fbtrace_id: traceId,
      parley_code: parley.code,
    },
  };
}
