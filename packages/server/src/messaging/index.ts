/** Messaging: conversations, messages, the group committer and the WebSocket gateway. Other domains import only from here. */
import type { Conversation, Message, MessageContent, ServerFrame } from '@parley/protocol';
import type { FastifyPluginAsync } from 'fastify';
import type { ServerContext } from '../context';
import type { Db } from '../database';
import { AppError } from '../platform/errors';
import { createBusinessSide, type BusinessSide } from './business-side.service';
import { ConversationOwners } from './conversation.owners';
import { openConversation, type MessagingCore } from './conversation.service';
import { gatewayRoutes } from './gateway.routes';
import { SocketRegistry } from './gateway.sockets';
import { messageProblem } from './frame.validator';
import { GroupCommitter } from './message.committer';
import { messagingRoutes } from './messaging.routes';

export { businessTopic, personTopic, type DeliveryEvent } from './delivery.hub';
export type { BusinessSide, BusinessThreadRow } from './business-side.service';
export { openBodies, openPreviews, erasedContent, sealPlainBodies, type StoredBody } from './message.body';

/** A message from the business side or Parley itself, stored and delivered like a person's. */
export interface AppendMessageInput {
  readonly conversationId: string;
  readonly sender: 'business' | 'system';
  readonly content: MessageContent;
  /** Makes the append idempotent: the same clientId in the same conversation stores nothing new. */
  readonly clientId?: string;
  /** A human agent wrote it (agent console): the name the person sees. */
  readonly agent?: { readonly displayName: string };
  /**
   * Rows that belong with this message, written in the transaction that stores it and only if
   * it is new (not a repeat of its clientId): the message and what it stands for are committed
   * together or not at all. It must not fail on a row that is already there (the batch's other
   * messages share the transaction) and may run again if PostgreSQL retries the transaction.
   */
  readonly alongside?: (trx: Db) => Promise<void>;
}

export interface Messaging {
  /** HTTP routes: conversations, history, send. */
  readonly routes: FastifyPluginAsync;
  /** The WebSocket gateway at /v1/ws. */
  readonly gateway: FastifyPluginAsync;
  /** Store a business or system message through the group committer; see `appendMessage`. */
  append(input: AppendMessageInput): Promise<Message>;
  /** Start (or find) a person's conversation with a business, as the person would (banking opens it on a link). */
  open(input: { personId: string; businessId: string }): Promise<{ conversation: Conversation; created: boolean }>;
  /** Whether the person has a socket open on this node now. */
  isConnected(personId: string): boolean;
  /** One frame, serialized once, to every socket on this node of each person named; answers how many had one. */
  deliverToPeople(personIds: Iterable<string>, frame: ServerFrame): number;
  /** Whether any socket is open on this node (a node with none skips a notice's follower read). */
  hasSockets(): boolean;
  /** The business side for the agent console: threads, history, read marks, typing, handover, presence. */
  readonly businessSide: BusinessSide;
  /** Flush pending writes (acking them), then close sockets with 1001. Safe to call twice. */
  close(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** This app's messaging, for services and tests that append business messages. */
    messaging: Messaging;
  }
}

const byContext = new WeakMap<ServerContext, Messaging>();

export function createMessaging(ctx: ServerContext): Messaging {
  const owners = new ConversationOwners(ctx);
  const threadMoved: NonNullable<MessagingCore['threadMoved']> = new Set();
  const core: MessagingCore = { ctx, owners, committer: new GroupCommitter(ctx, owners), threadMoved };
  const registry = new SocketRegistry(core);
  let closing: Promise<void> | undefined;
  const messaging: Messaging = {
    routes: withAppDecoration(messagingRoutes(core) as FastifyPluginAsync, () => messaging),
    gateway: gatewayRoutes(ctx, registry),
    async append(input) {
      const problem = messageProblem(input);
      if (problem) throw new AppError('ERR_VALIDATION', { message: problem });
      const result = await core.committer.send(Object.assign({}, input, { clientId: input.clientId ?? null, personId: null }));
      if (!result.ok) throw result.error;
      return result.message;
    },
    open: (input) => openConversation(core, input),
    businessSide: createBusinessSide(core, registry.presence, threadMoved),
    isConnected: (personId) => registry.isConnected(personId),
    deliverToPeople: (personIds, frame) => registry.deliverToPeople(personIds, frame),
    hasSockets: () => registry.size > 0,
    close() {
      closing ??= core.committer.close().then(() => registry.close());
      return closing;
    },
  };
  byContext.set(ctx, messaging);
  return messaging;
}

/**
 * The HTTP routes also put `messaging` on the app itself (not only inside the plugin's own
 * scope, which is what skip-override does; fastify-plugin sets the same symbol).
 */
function withAppDecoration(routes: FastifyPluginAsync, messaging: () => Messaging): FastifyPluginAsync {
  const plugin: FastifyPluginAsync = async (app, options) => {
    app.decorate('messaging', messaging());
    await app.register(routes, options);
  };
  Object.assign(plugin, { [Symbol.for('skip-override')]: true });
  return plugin;
}

/**
 * Store a message from the business (a bank's reply) or from Parley in a conversation, through
 * the same group committer as people's sends, and deliver it live to every socket of the
 * person. Resolves once committed; throws AppError ERR_NOT_FOUND for an unknown conversation,
 * ERR_VALIDATION for content that does not match MessageContent.
 *
 * @example
 * await appendMessage(ctx, { conversationId, sender: 'business', content: { contentType: 'text', text: 'Your card is locked.' } });
 */
export async function appendMessage(target: ServerContext | Messaging, input: AppendMessageInput): Promise<Message> {
  const messaging = 'append' in target ? target : byContext.get(target);
  if (!messaging) throw new AppError('ERR_UNAVAILABLE', { message: 'Messaging is not running in this server.' });
  return messaging.append(input);
}

/** Open (or find) the person's conversation with a business from another domain (banking, after a link). */
export async function openConversationOf(target: ServerContext, input: { personId: string; businessId: string }): Promise<{ conversation: Conversation; created: boolean }> {
  const messaging = byContext.get(target);
  if (!messaging) throw new AppError('ERR_UNAVAILABLE', { message: 'Messaging is not running in this server.' });
  return messaging.open(input);
}

/**
 * Whether the person has a WebSocket open on this node. With several nodes behind a balancer
 * each knows only its own sockets; Web Push then also reaches a person connected elsewhere, and
 * the service worker shows nothing while one of Parley's windows is visible.
 */
export function isPersonConnected(target: ServerContext, personId: string): boolean {
  return byContext.get(target)?.isConnected(personId) ?? false;
}
