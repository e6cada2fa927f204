import type { FastifyBaseLogger } from 'fastify';
import pino, { type Bindings, type ChildLoggerOptions, type Level, type LogFn, type Logger } from 'pino';
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

/**
 * A request's logger, made only when the request logs something at an enabled level. Fastify
 * gives every request a child logger bound to its id; pino makes each child by running the
 * redaction over its bindings, about 2 KB of garbage and a few microseconds per request, for a
 * logger that at the usual `warn` level writes nothing. The line it writes, when it does, is the
 * same: the child is made then, from the same parent, bindings and options.
 *
 * @example
 * Fastify({ loggerInstance: log, childLoggerFactory: requestLogger });
 */
export function requestLogger(parent: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  // A route's own level or serializers change what is enabled: make that child at once.
  if (options.level !== undefined || options.serializers !== undefined) return parent.child(bindings, options);
  return new LazyChild(parent as unknown as Logger, bindings, options);
}

class LazyChild implements FastifyBaseLogger {
  #child: Logger | undefined;

  constructor(
    private readonly parent: Logger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  get level(): string {
    return (this.#child ?? this.parent).level;
  }

  set level(level: string) {
    this.#made().level = level;
  }

  fatal(...args: Parameters<LogFn>): void {
    this.#log('fatal', args);
  }

  error(...args: Parameters<LogFn>): void {
    this.#log('error', args);
  }

  warn(...args: Parameters<LogFn>): void {
    this.#log('warn', args);
  }

  info(...args: Parameters<LogFn>): void {
    this.#log('info', args);
  }

  debug(...args: Parameters<LogFn>): void {
    this.#log('debug', args);
  }

  trace(...args: Parameters<LogFn>): void {
    this.#log('trace', args);
  }

  silent(): void {}

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.#made().child(bindings, options) as unknown as FastifyBaseLogger;
  }

  #made(): Logger {
    return (this.#child ??= this.parent.child(this.bindings, this.options));
  }

  #log(level: Level, args: Parameters<LogFn>): void {
    if (!(this.#child ?? this.parent).isLevelEnabled(level)) return;
    const logger = this.#made();
    Reflect.apply(logger[level], logger, args);
  }
}
