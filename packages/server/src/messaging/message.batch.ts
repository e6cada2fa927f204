import type { Message, MessageContent, SenderKind } from '@parley/protocol';
import type { Db } from '../database';
import type { AppError } from '../platform/errors';
import type { BodySealer } from './message.body';
import type { ReservedSeqs, StoredMessageRow } from './message.repository';

// The pure part of a group commit: what a batch of sends is (new, resent, refused), the seqs
// the new ones get and the rows to insert. No I/O here; message.committer.ts runs it.

export type SendResult =
  | { readonly ok: true; readonly message: Message; readonly duplicate: boolean }
  | { readonly ok: false; readonly error: AppError };

/** One message to store. Person sends carry `personId` and must be in that person's conversation. */
export interface SendRequest {
  readonly conversationId: string;
  /** The sending person, who must own the conversation; null for business and system messages. */
  readonly personId: string | null;
  readonly sender: SenderKind;
  readonly content: MessageContent;
  readonly clientId: string | null;
  /** A postback's step-up proof (a JWS), for the `postback` webhook only: it is not stored with the message. */
  readonly stepUp?: string;
  /** The socket the send came from: it gets the ack, the person's other sockets the message. */
  readonly origin?: string;
  /** A business message written by a human agent (agent console): the name the person sees. */
  readonly agent?: { readonly displayName: string };
  /** Writes that belong with this message (AppendMessageInput.alongside): run in its transaction, only if the message is new. */
  readonly alongside?: (trx: Db) => Promise<void>;
  /** Called once, after the transaction committed (or failed). */
  readonly done: (result: SendResult) => void;
}


export type Outcome =
  | { kind: 'new'; seq: number }
  | { kind: 'stored'; row: StoredMessageRow }
  | { kind: 'same'; index: number }
  | { kind: 'failed'; code: 'ERR_NOT_FOUND' | 'ERR_CONFLICT' | 'ERR_UNAVAILABLE' };

export function keyOf(request: SendRequest): string {
  return `${request.conversationId} ${request.clientId}`;
}

export function settle(request: SendRequest, result: SendResult): void {
  try {
    request.done(result);
  } catch {
    // A sender that went away (closed socket, aborted request) must not stop the others' acks.
  }
}

export function toWire(request: SendRequest, seq: number, sentAt: number): Message {
  const message: Message = { conversationId: request.conversationId, seq, clientId: request.clientId, sender: request.sender, content: request.content, sentAt };
  if (request.agent) message.agent = { displayName: request.agent.displayName };
  return message;
}

/** The new messages of a batch that human agents wrote (rare: the hot path of people's sends skips it). */
export function agentNamesOf(batch: SendRequest[], outcomes: Outcome[]): { conversationId: string; seq: number; name: string }[] {
  const named: { conversationId: string; seq: number; name: string }[] = [];
  for (let i = 0; i < batch.length; i++) {
    const request = batch[i]!;
    const outcome = outcomes[i]!;
    if (request.agent && outcome.kind === 'new') named.push({ conversationId: request.conversationId, seq: outcome.seq, name: request.agent.displayName });
  }
  return named;
}

export function fromStored(conversationId: string, row: StoredMessageRow): Message {
  return {
    conversationId,
    seq: Number(row.seq),
    clientId: row.client_id,
    sender: row.sender,
    content: JSON.parse(row.body) as MessageContent,
    sentAt: Number(row.created_at),
  };
}

/** Which sends are resends (of a stored message or of one earlier in the batch) and how many new per conversation. */
export function planBatch(batch: SendRequest[], stored: Map<string, StoredMessageRow>): { outcomes: Outcome[]; counts: Map<string, number> } {
  const outcomes: Outcome[] = new Array(batch.length);
  const counts = new Map<string, number>();
  const firstInBatch = new Map<string, number>();
  for (let i = 0; i < batch.length; i++) {
    const request = batch[i]!;
    if (request.clientId !== null) {
      const key = keyOf(request);
      const row = stored.get(key);
      if (row) {
        // A clientId names one message: reusing it for another sender is refused, not merged.
        outcomes[i] = row.sender === request.sender ? { kind: 'stored', row } : { kind: 'failed', code: 'ERR_CONFLICT' };
        continue;
      }
      const first = firstInBatch.get(key);
      if (first !== undefined) {
        outcomes[i] = batch[first]!.sender === request.sender ? { kind: 'same', index: first } : { kind: 'failed', code: 'ERR_CONFLICT' };
        continue;
      }
      firstInBatch.set(key, i);
    }
    counts.set(request.conversationId, (counts.get(request.conversationId) ?? 0) + 1);
    outcomes[i] = { kind: 'new', seq: 0 };
  }
  return { outcomes, counts };
}

/** Give each new message the next seq of its conversation, in queue order; returns the insert parameters. */
export function assignSeqs(options: {
  batch: SendRequest[];
  outcomes: Outcome[];
  counts: Map<string, number>;
  reserved: Map<string, ReservedSeqs>;
  sentAt: number;
  sealer: BodySealer;
}): unknown[] {
  const { batch, outcomes, counts, reserved, sentAt, sealer } = options;
  const next = new Map<string, number>();
  for (const [conversationId, { last }] of reserved) next.set(conversationId, last - counts.get(conversationId)! + 1);
  const params: unknown[] = [];
  for (let i = 0; i < batch.length; i++) {
    const outcome = outcomes[i]!;
    if (outcome.kind !== 'new') continue;
    const request = batch[i]!;
    const seq = next.get(request.conversationId);
    if (seq === undefined) {
      // The conversation was deleted after its owner was cached.
      outcomes[i] = { kind: 'failed', code: 'ERR_NOT_FOUND' };
      continue;
    }
    next.set(request.conversationId, seq + 1);
    outcome.seq = seq;
    const body = sealer.seal({ conversationId: request.conversationId, seq }, request.content);
    params.push(request.conversationId, seq, request.clientId, request.sender, request.content.contentType, body, sentAt);
  }
  return params;
}
