import { ClientFrame, ClientId, MessageContent, maxFrameBytes, type ErrorCode } from '@parley/protocol';
import { FormatRegistry, type TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// TypeBox refuses unknown formats; Fastify's Ajv knows 'uuid', the compiled checkers must too.
if (!FormatRegistry.Has('uuid')) FormatRegistry.Set('uuid', (value) => uuidPattern.test(value));

/** A frame refused at the edge: the code for the error frame and, for a send, its clientId. */
export interface FrameRejection {
  readonly ok: false;
  readonly code: ErrorCode;
  readonly message: string;
  readonly ref?: string;
}
export type ParsedFrame = { readonly ok: true; readonly frame: ClientFrame } | FrameRejection;

type FrameType = ClientFrame['type'];

/**
 * One compiled checker per member of the ClientFrame union, keyed by its `type` literal, so
 * a frame is checked against exactly the schema it claims and the error names the field.
 */
const checkers: ReadonlyMap<string, TypeCheck<TSchema>> = new Map(
  (ClientFrame.anyOf as TSchema[]).map((member) => {
    const literal = (member.properties as { type: { const: FrameType } }).type.const;
    return [literal, TypeCompiler.Compile(member)] as const;
  }),
);

function reject(code: ErrorCode, message: string, ref?: string): FrameRejection {
  return ref === undefined ? { ok: false, code, message } : { ok: false, code, message, ref };
}

function refOf(value: Record<string, unknown>): string | undefined {
  const clientId = value.clientId;
  return value.type === 'send' && typeof clientId === 'string' && clientId.length <= 64 ? clientId : undefined;
}

/**
 * Size-check, parse and validate one incoming WebSocket frame. Never throws; a refused frame
 * yields the code the error frame carries (ERR_PAYLOAD_TOO_LARGE, ERR_BAD_JSON,
 * ERR_FRAME_INVALID, ERR_VALIDATION).
 */
export function parseClientFrame(data: Buffer, isBinary: boolean): ParsedFrame {
  if (isBinary) return reject('ERR_FRAME_INVALID', 'Frames are JSON text, not binary.');
  if (data.length > maxFrameBytes) return reject('ERR_PAYLOAD_TOO_LARGE', `A frame may be at most ${maxFrameBytes} bytes.`);
  let value: unknown;
  try {
    value = JSON.parse(data.toString('utf8'));
  } catch {
    return reject('ERR_BAD_JSON', 'The frame is not valid JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return reject('ERR_FRAME_INVALID', 'A frame is a JSON object with a "type".');
  }
  const record = value as Record<string, unknown>;
  const checker = typeof record.type === 'string' ? checkers.get(record.type) : undefined;
  if (!checker) return reject('ERR_FRAME_INVALID', `Unknown frame type; expected one of ${[...checkers.keys()].join(', ')}.`);
  if (checker.Check(value)) return { ok: true, frame: value as ClientFrame };
  const first = checker.Errors(value).First();
  // The message names the field and the rule, never the value sent.
  const where = first?.path ? first.path : '/';
  return reject('ERR_VALIDATION', `${where}: ${first?.message ?? 'does not match the schema'}`, refOf(record));
}

const contentChecker = TypeCompiler.Compile(MessageContent);
const clientIdChecker = TypeCompiler.Compile(ClientId);

/** Why a message from a service (not a socket) is refused, or undefined when it is valid. */
export function messageProblem(message: { content: unknown; clientId?: unknown }): string | undefined {
  if (!contentChecker.Check(message.content)) {
    const first = contentChecker.Errors(message.content).First();
    return `/content${first?.path ?? ''}: ${first?.message ?? 'does not match the schema'}`;
  }
  if (message.clientId !== undefined && !clientIdChecker.Check(message.clientId)) return '/clientId: does not match the schema';
  return undefined;
}
