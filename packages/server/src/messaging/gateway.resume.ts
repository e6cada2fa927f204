import type { ErrorCode, Message, ServerFrame } from '@parley/protocol';
import { lastSeqsOf, readMissed, type MessagingCore } from './conversation.service';
import type { DeliveryEvent } from './delivery.hub';

/**
 * The seqs of one conversation a socket already holds, as the contiguous range
 * [first, last]: once subscribed, every later commit reaches it (as a message or an ack).
 */
export interface HeldRange {
  first: number;
  last: number;
}

/** The socket a replay writes to (a gateway Connection). */
export interface ReplayTarget {
  readonly personId: string;
  readonly closing: boolean;
  readonly held: Map<string, HeldRange>;
  /** Conversations being replayed: their live messages wait here until the replay is sent. */
  readonly parked: Map<string, { event: DeliveryEvent; render: () => string }[]>;
  deliverLive(event: DeliveryEvent, render: () => string): void;
  sendFrame(frame: ServerFrame): void;
  /** What the rest of this turn writes leaves in one syscall. */
  corkTurn(): void;
  sendError(code: ErrorCode, options: { ref?: string }): void;
  /** Resolves once the socket has written out most of what is queued. */
  drained(): Promise<void>;
  /** Whether the replay should wait for `drained()` before writing more. */
  readonly congested: boolean;
}

/** Messages read per query during a replay. */
const pageSize = 500;

/** Send the parked live messages of a conversation that the replay did not already cover, then stop parking. */
function unpark(connection: ReplayTarget, conversationId: string): void {
  const parked = connection.parked.get(conversationId);
  connection.parked.delete(conversationId);
  for (const { event, render } of parked ?? []) connection.deliverLive(event, render);
}

/**
 * Replay what a reconnecting client missed: for each conversation, every message above the
 * client's lastSeq, in seq order, skipping what this socket already holds; then `resumed`.
 * Live messages of those conversations are parked meanwhile, so none overtakes the replay
 * and none comes twice. A conversation that is not the person's gets ERR_NOT_FOUND (ref = its id).
 */
export async function replayMissed(
  connection: ReplayTarget,
  core: MessagingCore,
  requested: readonly { conversationId: string; lastSeq: number }[],
): Promise<void> {
  const wanted = new Map<string, number>();
  for (const { conversationId, lastSeq } of requested) {
    wanted.set(conversationId, Math.min(wanted.get(conversationId) ?? lastSeq, lastSeq));
  }
  for (const conversationId of wanted.keys()) connection.parked.set(conversationId, []);
  try {
    const lastSeqs = await lastSeqsOf(core, connection.personId, [...wanted.keys()]);
    const resumed: { conversationId: string; lastSeq: number }[] = [];
    for (const [conversationId, after] of wanted) {
      if (connection.closing) return;
      const newest = lastSeqs.get(conversationId);
      if (newest === undefined) {
        connection.sendError('ERR_NOT_FOUND', { ref: conversationId });
        continue;
      }
      const lastSeq = await replayConversation(connection, core, { conversationId, after, newest });
      unpark(connection, conversationId);
      resumed.push({ conversationId, lastSeq: Math.max(lastSeq, connection.held.get(conversationId)?.last ?? 0) });
    }
    connection.sendFrame({ type: 'resumed', conversations: resumed });
  } finally {
    for (const conversationId of wanted.keys()) unpark(connection, conversationId);
  }
}

/** Returns the highest seq the socket now holds for the conversation. */
async function replayConversation(
  connection: ReplayTarget,
  core: MessagingCore,
  options: { conversationId: string; after: number; newest: number },
): Promise<number> {
  const { conversationId, newest } = options;
  // A client claiming more than exists holds what exists: later messages must still reach it.
  const after = Math.min(options.after, newest);
  const held = connection.held.get(conversationId);
  let cursor = after;
  while (cursor < newest && !connection.closing) {
    const page: Message[] = await readMissed(core, { conversationId, after: cursor, limit: pageSize });
    // The page, and for the last page the `resumed` after it, in one write.
    if (page.length > 0) connection.corkTurn();
    for (const message of page) {
      cursor = message.seq;
      if (held && message.seq >= held.first && message.seq <= held.last) continue;
      // A replay can be far larger than the socket may buffer: it waits for the reader instead.
      if (connection.congested) await connection.drained();
      connection.sendFrame({ type: 'message', message });
    }
    if (page.length < pageSize) break;
  }
  const last = Math.max(held?.last ?? 0, cursor);
  connection.held.set(conversationId, { first: Math.min(held?.first ?? after + 1, after + 1), last });
  return last;
}
