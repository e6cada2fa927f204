/** Identity over HTTP: sign-up and sign-in (passkey first, password as fallback), sessions, passkeys. */
import type { Me, PasskeyOptionsReply, SessionList } from '@parley/protocol';
import { startAuthentication, startRegistration } from '@simplewebauthn/browser';
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/browser';
import { ApiError, request } from './http.client';

/** Who is signed in, or null when nobody is. */
export async function fetchMe(): Promise<Me | null> {
  try {
    return await request<Me>('GET', '/v1/me', { anonymous: true });
  } catch (error) {
    if (error instanceof ApiError && error.signedOut) return null;
    throw error;
  }
}

export function signUpWithPassword(body: { email: string; password: string; displayName: string }): Promise<Me> {
  return request<Me>('POST', '/v1/auth/password/sign-up', { body, anonymous: true });
}

export function signInWithPassword(body: { email: string; password: string }): Promise<Me> {
  return request<Me>('POST', '/v1/auth/password/sign-in', { body, anonymous: true });
}

/** Create an account whose first way to sign in is a passkey made on this device. */
export async function signUpWithPasskey(body: { displayName: string; email?: string }): Promise<Me> {
  const { challengeId, options } = await request<PasskeyOptionsReply>('POST', '/v1/auth/passkey/sign-up/options', { body, anonymous: true });
  const response = await createPasskey(options);
  return request<Me>('POST', '/v1/auth/passkey/sign-up/verify', { body: { challengeId, response }, anonymous: true });
}

export async function signInWithPasskey(): Promise<Me> {
  const { challengeId, options } = await request<PasskeyOptionsReply>('POST', '/v1/auth/passkey/sign-in/options', { body: {}, anonymous: true });
  let response;
  try {
    response = await startAuthentication({ optionsJSON: options as unknown as PublicKeyCredentialRequestOptionsJSON });
  } catch (error) {
    throw passkeyError(error);
  }
  return request<Me>('POST', '/v1/auth/passkey/sign-in/verify', { body: { challengeId, response }, anonymous: true });
}

/** Add another passkey (another device, or a security key) to the signed-in account. */
export async function addPasskey(name: string | undefined): Promise<void> {
  const { challengeId, options } = await request<PasskeyOptionsReply>('POST', '/v1/me/passkeys/options', { body: {} });
  const response = await createPasskey(options);
  await request<unknown>('POST', '/v1/me/passkeys', { body: name ? { challengeId, response, name } : { challengeId, response } });
}

/** Refused with ERR_LAST_SIGN_IN_METHOD when it is the last way to sign in. */
export function removePasskey(passkeyId: string): Promise<void> {
  return request<void>('DELETE', `/v1/me/passkeys/${encodeURIComponent(passkeyId)}`);
}

export function signOut(): Promise<void> {
  return request<void>('POST', '/v1/auth/sign-out');
}

export function signOutEverywhere(): Promise<void> {
  return request<void>('POST', '/v1/auth/sign-out-everywhere');
}

export function listSessions(): Promise<SessionList> {
  return request<SessionList>('GET', '/v1/sessions');
}

export function endSession(sessionId: string): Promise<void> {
  return request<void>('DELETE', `/v1/sessions/${encodeURIComponent(sessionId)}`);
}

async function createPasskey(options: PasskeyOptionsReply['options']) {
  try {
    return await startRegistration({ optionsJSON: options as unknown as PublicKeyCredentialCreationOptionsJSON });
  } catch (error) {
    throw passkeyError(error);
  }
}

/** The browser's WebAuthn errors, as sentences a person can act on. */
export function passkeyError(error: unknown): ApiError {
  const name = error instanceof Error ? error.name : '';
  const sentences: Record<string, string> = {
    NotAllowedError: 'The passkey request was cancelled or timed out. Try again, or use your email and password.',
    InvalidStateError: 'This device already holds a passkey for this account.',
    NotSupportedError: 'This browser or device cannot use passkeys. Use your email and password instead.',
    SecurityError: 'Passkeys only work on the address Parley is configured for.',
    AbortError: 'The passkey request was cancelled.',
  };
  return new ApiError(0, 'ERR_PASSKEY_BROWSER', sentences[name] ?? 'The passkey could not be used. Try again, or use your email and password.');
}
