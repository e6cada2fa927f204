import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { verifyWebhook, WebhookVerificationError, type WebhookVerificationReason } from './webhook.verify';

// Requests are signed here by the `standardwebhooks` package, not by our own code, so the SDK is
// checked against an implementation of the spec nobody here wrote.

const newSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;
const now = 1_795_000_000_000;
const body = JSON.stringify({
  type: 'postback',
  timestamp: new Date(now).toISOString(),
  data: { bsid: 'bsid_abcdefgh', conversationId: '3f1c2b1e-8a9d-4c51-9b7e-3c2d1f0a9b8c', seq: 4, title: 'Lock my card', payload: 'LOCK' },
});

function signed(secret: string, options: { id?: string; at?: number; payload?: string } = {}): Record<string, string> {
  const id = options.id ?? 'msg_01JD3Y5C9Q8WZK2QX7RVTB0M4S';
  const at = options.at ?? now;
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, new Date(at), options.payload ?? body),
  };
}

function reasonOf(run: () => unknown): WebhookVerificationReason | 'no error' {
  try {
    run();
    return 'no error';
  } catch (error) {
    if (error instanceof WebhookVerificationError) return error.reason;
    throw error;
  }
}

describe('verifyWebhook', () => {
  const secret = newSecret();

  it('returns the typed event for a request signed by a Standard Webhooks implementation', () => {
    const event = verifyWebhook(signed(secret), body, [secret], { now });
    expect(event.type).toBe('postback');
    if (event.type !== 'postback') throw new Error('narrowing');
    expect(event.data.payload).toBe('LOCK');
  });

  it('takes a Buffer body, a fetch Headers object, mixed-case and array headers, and a single secret', () => {
    expect(verifyWebhook(new Headers(signed(secret)), Buffer.from(body), secret, { now }).type).toBe('postback');
    const upper = Object.fromEntries(Object.entries(signed(secret)).map(([k, v]) => [k.toUpperCase(), [v]]));
    expect(verifyWebhook(upper, body, [secret], { now }).type).toBe('postback');
  });

  it('refuses a forged signature', () => {
    const headers = { ...signed(secret), 'webhook-signature': `v1,${randomBytes(32).toString('base64')}` };
    expect(reasonOf(() => verifyWebhook(headers, body, [secret], { now }))).toBe('no_matching_signature');
  });

  it('refuses an altered body, even by one space', () => {
    expect(reasonOf(() => verifyWebhook(signed(secret), body.replace('LOCK', 'UNLOCK'), [secret], { now }))).toBe('no_matching_signature');
    expect(reasonOf(() => verifyWebhook(signed(secret), `${body} `, [secret], { now }))).toBe('no_matching_signature');
  });

  it('refuses a changed webhook-id or timestamp (they are signed too)', () => {
    const headers = signed(secret);
    expect(reasonOf(() => verifyWebhook({ ...headers, 'webhook-id': 'msg_other' }, body, [secret], { now }))).toBe('no_matching_signature');
    const shifted = String(Number(headers['webhook-timestamp']) + 1);
    expect(reasonOf(() => verifyWebhook({ ...headers, 'webhook-timestamp': shifted }, body, [secret], { now }))).toBe('no_matching_signature');
  });

  it('refuses the wrong secret', () => {
    expect(reasonOf(() => verifyWebhook(signed(secret), body, [newSecret()], { now }))).toBe('no_matching_signature');
  });

  it('refuses a timestamp outside the tolerance either way, and honours a custom tolerance', () => {
    const old = signed(secret, { at: now - 301_000 });
    expect(reasonOf(() => verifyWebhook(old, body, [secret], { now }))).toBe('timestamp_too_old');
    expect(reasonOf(() => verifyWebhook(signed(secret, { at: now + 301_000 }), body, [secret], { now }))).toBe('timestamp_too_new');
    expect(verifyWebhook(old, body, [secret], { now, toleranceSeconds: 600 }).type).toBe('postback');
    expect(reasonOf(() => verifyWebhook({ ...signed(secret), 'webhook-timestamp': 'yesterday' }, body, [secret], { now }))).toBe('invalid_timestamp');
  });

  it('uses the real clock by default', () => {
    expect(reasonOf(() => verifyWebhook(signed(secret), body, [secret]))).toBe('timestamp_too_old');
    expect(verifyWebhook(signed(secret, { at: Date.now() }), body, [secret]).type).toBe('postback');
  });

  it.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'])('refuses a request without %s', (name) => {
    const headers: Record<string, string> = signed(secret);
    delete headers[name];
    expect(reasonOf(() => verifyWebhook(headers, body, [secret], { now }))).toBe('missing_headers');
  });

  it('accepts any of several secrets and any of several signatures (rotation)', () => {
    const oldSecret = newSecret();
    const both = `${signed(oldSecret)['webhook-signature']} ${signed(secret)['webhook-signature']}`;
    const headers = { ...signed(secret), 'webhook-signature': both };
    expect(verifyWebhook(headers, body, [oldSecret], { now }).type).toBe('postback');
    expect(verifyWebhook(headers, body, [secret], { now }).type).toBe('postback');
    expect(verifyWebhook(signed(secret), body, [oldSecret, secret], { now }).type).toBe('postback');
  });

  it('skips signature schemes it does not know (v1a) and malformed entries', () => {
    const headers = { ...signed(secret) };
    headers['webhook-signature'] = `v1a,${randomBytes(64).toString('base64')} v1, garbage ${headers['webhook-signature']}`;
    expect(verifyWebhook(headers, body, [secret], { now }).type).toBe('postback');
  });

  it('refuses an empty secret list or a secret that is not one', () => {
    expect(reasonOf(() => verifyWebhook(signed(secret), body, [], { now }))).toBe('invalid_secret');
    expect(reasonOf(() => verifyWebhook(signed(secret), body, ['whsec_'], { now }))).toBe('invalid_secret');
  });

  it('refuses a signed body that is not a Parley event', () => {
    expect(reasonOf(() => verifyWebhook(signed(secret, { payload: 'hello' }), 'hello', [secret], { now }))).toBe('invalid_payload');
    expect(reasonOf(() => verifyWebhook(signed(secret, { payload: '{"type":1}' }), '{"type":1}', [secret], { now }))).toBe('invalid_payload');
  });
});
