/** Messaging: conversations, messages, the group committer and the WebSocket gateway. */
import type { FastifyPluginAsync } from 'fastify';
import type { ServerContext } from '../context';

export interface Messaging {
  /** HTTP routes: conversations, history, send. */
  readonly routes: FastifyPluginAsync;
  /** The WebSocket gateway at /v1/ws. */
  readonly gateway: FastifyPluginAsync;
  /** Flush pending writes, close sockets. */
  close(): Promise<void>;
}

export function createMessaging(_ctx: ServerContext): Messaging {
  return { routes: async () => {}, gateway: async () => {}, close: async () => {} };
}
