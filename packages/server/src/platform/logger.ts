import pino, { type Logger } from 'pino';
import type { Config } from './config';

/**
 * Paths pino blanks before a line is written: credentials, tokens, cookies and message
 * bodies never reach a log.
 */
export const redactedPaths = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
  '*.ticket',
  '*.secret',
  '*.text',
  '*.content',
  '*.body',
];

/** A URL with the values of credential-bearing query parameters (`access_token`, Messenger-style) blanked. */
export function redactUrl(url: string): string {
  return url.replace(/([?&](?:access_token|appsecret_proof)=)[^&#]*/gi, '$1[redacted]');
}

interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/** Fastify's request serializer, but Messenger clients put their API key in the query: never log it. */
function serializeRequest(req: LoggedRequest): Record<string, unknown> {
  return { method: req.method, url: req.url === undefined ? undefined : redactUrl(req.url), host: req.host, remoteAddress: req.ip, remotePort: req.socket?.remotePort };
}

export function createLogger(config: Pick<Config, 'logLevel'>, destination?: pino.DestinationStream): Logger {
  return pino({ level: config.logLevel, redact: { paths: redactedPaths, censor: '[redacted]' }, serializers: { req: serializeRequest } }, destination);
}
