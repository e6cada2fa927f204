/** Messaging over HTTP: the business directory, conversations and history. Live traffic goes over the socket. */
import type { Business, Conversation, ConversationList, HistoryPage } from '@parley/protocol';
import { request } from './http.client';

export async function listBusinesses(): Promise<Business[]> {
  return (await request<{ businesses: Business[] }>('GET', '/v1/businesses')).businesses;
}

/** Open the conversation with a business, or find the one that exists. */
export function openConversation(businessId: string): Promise<Conversation> {
  return request<Conversation>('POST', '/v1/conversations', { body: { businessId } });
}

export async function listConversations(): Promise<Conversation[]> {
  return (await request<ConversationList>('GET', '/v1/conversations')).conversations;
}

/** A page of history, ascending by seq: the newest page, or the one just before `before`. */
export function fetchHistory(conversationId: string, options: { before?: number; limit?: number } = {}): Promise<HistoryPage> {
  const query = new URLSearchParams();
  if (options.before !== undefined) query.set('before', String(options.before));
  query.set('limit', String(options.limit ?? 50));
  return request<HistoryPage>('GET', `/v1/conversations/${encodeURIComponent(conversationId)}/messages?${query}`);
}
