import { Agent, request } from 'undici';
import { AppError } from '../platform/errors';
import { guardedConnector } from './url.guard';

/** Longest answer read from the verification GET: a challenge is short. */
const maxAnswerBytes = 1024;

async function readAnswer(body: AsyncIterable<Buffer> & { destroy(): void }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size > maxAnswerBytes) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Messenger's subscription handshake, before a `messenger`-mode endpoint is registered: GET the
 * URL with `hub.mode=subscribe`, the bank's `hub.verify_token` and a random `hub.challenge`; the
 * endpoint must answer 2xx with exactly the challenge (as a Messenger bot's webhook already does).
 * Through the same address guard as deliveries; redirects are not followed.
 */
export async function verifyMessengerEndpoint(
  url: URL,
  options: { verifyToken: string; challenge: string; timeoutMs: number; allowPrivate: boolean },
): Promise<void> {
  const target = new URL(url.href);
  target.searchParams.set('hub.mode', 'subscribe');
  target.searchParams.set('hub.verify_token', options.verifyToken);
  target.searchParams.set('hub.challenge', options.challenge);
  const connect = options.allowPrivate ? { timeout: options.timeoutMs } : guardedConnector({ timeoutMs: options.timeoutMs });
  const agent = new Agent({ connect, headersTimeout: options.timeoutMs, bodyTimeout: options.timeoutMs });
  let why: string;
  try {
    const response = await request(target, { method: 'GET', dispatcher: agent, headers: { 'user-agent': 'Parley-Webhooks/1' }, signal: AbortSignal.timeout(options.timeoutMs) });
    const answer = (await readAnswer(response.body)).trim();
    if (response.statusCode >= 200 && response.statusCode < 300 && answer === options.challenge) return;
    why = `it answered ${response.statusCode} without the challenge`;
  } catch {
    why = 'it could not be reached';
  } finally {
    await agent.close().catch(() => agent.destroy());
  }
  throw new AppError('ERR_WEBHOOK_VERIFY_FAILED', {
    message: `The endpoint did not pass Messenger verification: ${why}. Answer GET hub.mode=subscribe with status 200 and the hub.challenge value as the body.`,
  });
}
