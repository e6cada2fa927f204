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

export function createLogger(config: Pick<Config, 'logLevel'>, destination?: pino.DestinationStream): Logger {
  return pino({ level: config.logLevel, redact: { paths: redactedPaths, censor: '[redacted]' } }, destination);
}
