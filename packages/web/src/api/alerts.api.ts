/** Alerts from banks over HTTP: the history, the per-bank switches, answers, and passkey step-up. */
import type {
  AlertAnswerResult,
  AlertBusinessPreferences,
  AlertList,
  AlertListQuery,
  AlertPreferences,
  AlertPreferencesUpdate,
  SendPostbackBody,
  StepUpAssertion,
  StepUpFor,
  StepUpOptions,
} from '@parley/protocol';
import { startAuthentication, type PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/browser';
import { ApiError, request } from './http.client';

export function listAlerts(query: AlertListQuery = {}): Promise<AlertList> {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
  const search = params.size > 0 ? `?${params}` : '';
  return request<AlertList>('GET', `/v1/alerts${search}`);
}

export function fetchAlertPreferences(): Promise<AlertPreferences> {
  return request<AlertPreferences>('GET', '/v1/alert-preferences');
}

export function updateAlertPreferences(businessId: string, kinds: AlertPreferencesUpdate['kinds']): Promise<AlertBusinessPreferences> {
  return request<AlertBusinessPreferences>('PUT', `/v1/alert-preferences/${encodeURIComponent(businessId)}`, { body: { kinds } });
}

/** Answer an alert; `stepUp` for an action that requires the person's passkey. */
export function answerAlert(alertId: string, body: { actionId: string; stepUp?: StepUpAssertion }): Promise<AlertAnswerResult> {
  return request<AlertAnswerResult>('POST', `/v1/alerts/${encodeURIComponent(alertId)}/answers`, { body });
}

/** Tap a postback button that requires step-up: the tap goes over HTTP with the passkey's assertion (answered like a send). */
export function postbackWithStepUp(conversationId: string, body: SendPostbackBody): Promise<unknown> {
  return request<unknown>('POST', `/v1/conversations/${encodeURIComponent(conversationId)}/postbacks`, { body });
}

// The browser's own refusals, in words for a step-up (the person is signed in; "use your password" does not apply).
const browserRefusals: Record<string, string> = {
  NotAllowedError: 'Your passkey was not used: the request was cancelled or timed out. Nothing was sent; you can try again.',
  NotSupportedError: 'This browser or device cannot use passkeys, so this choice cannot be confirmed here. Try on the device where you made your passkey.',
  SecurityError: 'Passkeys only work on the address Parley is configured for.',
  AbortError: 'Your passkey was not used: the request was cancelled. Nothing was sent.',
};

/**
 * Ask the person's passkey to confirm one choice: Parley makes a challenge bound to `target`
 * (this alert and action, or this postback), the authenticator signs it with user verification.
 */
export async function confirmWithPasskey(target: StepUpFor): Promise<StepUpAssertion> {
  const { challengeId, publicKey } = await request<StepUpOptions>('POST', '/v1/step-up/options', { body: { for: target } });
  try {
    const response = await startAuthentication({ optionsJSON: publicKey as unknown as PublicKeyCredentialRequestOptionsJSON });
    return { challengeId, response: response as unknown as StepUpAssertion['response'] };
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    throw new ApiError(0, 'ERR_PASSKEY_BROWSER', browserRefusals[name] ?? 'Your passkey could not be used. Nothing was sent; you can try again.');
  }
}
