/**
 * The agent console's inbox and settings over HTTP (protocol/src/inbox.ts, docs/console.md):
 * session cookie and CSRF token like every person route, never an API key. Live changes come
 * over the WebSocket after `inbox.join` (see console/inbox/inbox.store.ts).
 */
import type {
  AcceptedInvite,
  AgentContent,
  AgentReplyAck,
  BusinessRole,
  BusinessSettings,
  CannedResponse,
  CannedResponseBody,
  CreatedInvite,
  CreatedWebhookEndpoint,
  CsatSurveyView,
  CreateRevealBody,
  CreateWebhookEndpointBody,
  HistoryPage,
  InboxAgent,
  InboxConversation,
  InboxConversationView,
  InboxList,
  InboxQuery,
  InboxStats,
  Invite,
  InvitePreview,
  Note,
  RevealRequest,
  UpdateBusinessSettingsBody,
  WebhookDelivery,
  WebhookDeliveryList,
  WebhookEndpoint,
} from '@parley/protocol';
import { request } from './http.client';

const base = (businessId: string) => `/v1/business/${encodeURIComponent(businessId)}`;
const conversation = (businessId: string, conversationId: string) => `${base(businessId)}/inbox/${encodeURIComponent(conversationId)}`;

function query(values: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value !== undefined && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

export function listInbox(businessId: string, filter: Omit<InboxQuery, 'limit'> & { limit?: number }): Promise<InboxList> {
  return request<InboxList>('GET', `${base(businessId)}/inbox${query({ ...filter })}`);
}

export async function listInboxAgents(businessId: string): Promise<InboxAgent[]> {
  return (await request<{ agents: InboxAgent[] }>('GET', `${base(businessId)}/inbox/agents`)).agents;
}

export function fetchInboxConversation(businessId: string, conversationId: string): Promise<InboxConversationView> {
  return request<InboxConversationView>('GET', conversation(businessId, conversationId));
}

export function fetchThread(businessId: string, conversationId: string, options: { before?: number; limit?: number } = {}): Promise<HistoryPage> {
  return request<HistoryPage>('GET', `${conversation(businessId, conversationId)}/messages${query({ before: options.before, limit: options.limit ?? 100 })}`);
}

export async function sendAgentReply(businessId: string, conversationId: string, body: { clientId: string; content: AgentContent }): Promise<AgentReplyAck> {
  return request<AgentReplyAck>('POST', `${conversation(businessId, conversationId)}/messages`, { body });
}

export function assignConversation(businessId: string, conversationId: string, memberId: string | null): Promise<InboxConversation> {
  return request<InboxConversation>('POST', `${conversation(businessId, conversationId)}/assign`, { body: { memberId } });
}

export function setInboxStatus(businessId: string, conversationId: string, status: 'open' | 'pending'): Promise<InboxConversation> {
  return request<InboxConversation>('POST', `${conversation(businessId, conversationId)}/status`, { body: { status } });
}

/** Sends the person the satisfaction survey and gives the thread back to the bot. */
export function resolveConversation(businessId: string, conversationId: string): Promise<InboxConversation> {
  return request<InboxConversation>('POST', `${conversation(businessId, conversationId)}/resolve`);
}

export function returnToBot(businessId: string, conversationId: string, metadata?: string): Promise<InboxConversation> {
  return request<InboxConversation>('POST', `${conversation(businessId, conversationId)}/return`, { body: metadata ? { metadata } : {} });
}

/** Take a conversation the bot holds (resolved, given back, never handed over) into the inbox. */
export function takeConversation(businessId: string, conversationId: string): Promise<InboxConversation> {
  return request<InboxConversation>('POST', `${conversation(businessId, conversationId)}/take`);
}

export function markAgentRead(businessId: string, conversationId: string, seq: number): Promise<void> {
  return request<void>('POST', `${conversation(businessId, conversationId)}/read`, { body: { seq } });
}

export function sendAgentTyping(businessId: string, conversationId: string, state: 'start' | 'stop'): Promise<void> {
  return request<void>('POST', `${conversation(businessId, conversationId)}/typing`, { body: { state } });
}

export function addNote(businessId: string, conversationId: string, text: string): Promise<Note> {
  return request<Note>('POST', `${conversation(businessId, conversationId)}/notes`, { body: { text } });
}

export function askToReveal(businessId: string, conversationId: string, body: CreateRevealBody): Promise<RevealRequest> {
  return request<RevealRequest>('POST', `${conversation(businessId, conversationId)}/reveals`, { body });
}

export async function listCanned(businessId: string): Promise<CannedResponse[]> {
  return (await request<{ responses: CannedResponse[] }>('GET', `${base(businessId)}/canned`)).responses;
}

export function createCanned(businessId: string, body: CannedResponseBody): Promise<CannedResponse> {
  return request<CannedResponse>('POST', `${base(businessId)}/canned`, { body });
}

export function deleteCanned(businessId: string, cannedId: string): Promise<void> {
  return request<void>('DELETE', `${base(businessId)}/canned/${encodeURIComponent(cannedId)}`);
}

export function fetchStats(businessId: string, range: { from?: number; to?: number } = {}): Promise<InboxStats> {
  return request<InboxStats>('GET', `${base(businessId)}/inbox/stats${query(range)}`);
}

export function fetchSettings(businessId: string): Promise<BusinessSettings> {
  return request<BusinessSettings>('GET', `${base(businessId)}/settings`);
}

export function updateSettings(businessId: string, body: UpdateBusinessSettingsBody): Promise<BusinessSettings> {
  return request<BusinessSettings>('PATCH', `${base(businessId)}/settings`, { body });
}

export async function listInvites(businessId: string): Promise<Invite[]> {
  return (await request<{ invites: Invite[] }>('GET', `${base(businessId)}/invites`)).invites;
}

export function createInvite(businessId: string, role: BusinessRole): Promise<CreatedInvite> {
  return request<CreatedInvite>('POST', `${base(businessId)}/invites`, { body: { role } });
}

export function revokeInvite(businessId: string, inviteId: string): Promise<void> {
  return request<void>('DELETE', `${base(businessId)}/invites/${encodeURIComponent(inviteId)}`);
}

export function previewInvite(token: string): Promise<InvitePreview> {
  return request<InvitePreview>('POST', '/v1/invites/preview', { body: { token } });
}

export function acceptInvite(token: string): Promise<AcceptedInvite> {
  return request<AcceptedInvite>('POST', '/v1/invites/accept', { body: { token } });
}

export async function listEndpoints(businessId: string): Promise<WebhookEndpoint[]> {
  return (await request<{ endpoints: WebhookEndpoint[] }>('GET', `${base(businessId)}/webhooks/endpoints`)).endpoints;
}

export function createEndpoint(businessId: string, body: CreateWebhookEndpointBody): Promise<CreatedWebhookEndpoint> {
  return request<CreatedWebhookEndpoint>('POST', `${base(businessId)}/webhooks/endpoints`, { body });
}

export function deleteEndpoint(businessId: string, endpointId: string): Promise<void> {
  return request<void>('DELETE', `${base(businessId)}/webhooks/endpoints/${encodeURIComponent(endpointId)}`);
}

export function sendTestEvent(businessId: string, endpointId: string): Promise<unknown> {
  return request<unknown>('POST', `${base(businessId)}/webhooks/endpoints/${encodeURIComponent(endpointId)}/test`);
}

export function listDeliveries(businessId: string, filter: { endpointId?: string; status?: string } = {}): Promise<WebhookDeliveryList> {
  return request<WebhookDeliveryList>('GET', `${base(businessId)}/webhooks/deliveries${query({ ...filter, limit: 50 })}`);
}

export function replayDelivery(businessId: string, deliveryId: string): Promise<WebhookDelivery> {
  return request<WebhookDelivery>('POST', `${base(businessId)}/webhooks/deliveries/${encodeURIComponent(deliveryId)}/replay`);
}

/** The person's side: answer a reveal request and a satisfaction survey, each with one tap. */
export function decideReveal(revealId: string, decision: 'approve' | 'decline'): Promise<unknown> {
  return request<unknown>('POST', `/v1/reveal-requests/${encodeURIComponent(revealId)}`, { body: { decision } });
}

export function fetchReveal(revealId: string): Promise<{ status: string }> {
  return request<{ status: string }>('GET', `/v1/reveal-requests/${encodeURIComponent(revealId)}`);
}

/** The survey and my rating, null until I rate it: the card shows the rating after a reload. */
export function fetchCsat(conversationId: string, surveyId: string): Promise<CsatSurveyView> {
  return request<CsatSurveyView>('GET', `/v1/conversations/${encodeURIComponent(conversationId)}/csat/${encodeURIComponent(surveyId)}`);
}

export function answerCsat(conversationId: string, surveyId: string, rating: number): Promise<unknown> {
  return request<unknown>('POST', `/v1/conversations/${encodeURIComponent(conversationId)}/csat`, { body: { surveyId, rating } });
}
