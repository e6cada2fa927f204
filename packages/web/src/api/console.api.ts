/**
 * The agent console over HTTP: the businesses the signed-in person is a member of, and what an
 * owner or developer manages there (members, API keys). Every route answers 404 for a business
 * the person is not a member of, as for one that does not exist.
 */
import type { AddMemberBody, ApiKey, BusinessMenu, BusinessRole, CreateApiKeyBody, CreatedApiKey, Member, MembershipList } from '@parley/protocol';
import { request } from './http.client';

export type Membership = MembershipList['memberships'][number];

const businessPath = (businessId: string) => `/v1/business/${encodeURIComponent(businessId)}`;

export async function listMemberships(): Promise<Membership[]> {
  return (await request<MembershipList>('GET', '/v1/business')).memberships;
}

export async function listMembers(businessId: string): Promise<Member[]> {
  return (await request<{ members: Member[] }>('GET', `${businessPath(businessId)}/members`)).members;
}

/** Add an existing Parley account by its email (owner). */
export function addMember(businessId: string, body: AddMemberBody): Promise<Member> {
  return request<Member>('POST', `${businessPath(businessId)}/members`, { body });
}

/** Refused with ERR_LAST_OWNER for the last owner. */
export function removeMember(businessId: string, memberId: string): Promise<void> {
  return request<void>('DELETE', `${businessPath(businessId)}/members/${encodeURIComponent(memberId)}`);
}

export async function listApiKeys(businessId: string): Promise<ApiKey[]> {
  return (await request<{ keys: ApiKey[] }>('GET', `${businessPath(businessId)}/keys`)).keys;
}

/** The answer holds the secret, shown this once. */
export function createApiKey(businessId: string, body: CreateApiKeyBody): Promise<CreatedApiKey> {
  return request<CreatedApiKey>('POST', `${businessPath(businessId)}/keys`, { body });
}

export function revokeApiKey(businessId: string, keyId: string): Promise<void> {
  return request<void>('DELETE', `${businessPath(businessId)}/keys/${encodeURIComponent(keyId)}`);
}

/** The get-started button and persistent menu (owner). */
export function fetchMenu(businessId: string): Promise<BusinessMenu> {
  return request<BusinessMenu>('GET', `${businessPath(businessId)}/menu`);
}

/** Replace both parts of the menu (owner); the server applies the API-key route's rules. */
export function saveMenu(businessId: string, menu: BusinessMenu): Promise<BusinessMenu> {
  return request<BusinessMenu>('PUT', `${businessPath(businessId)}/menu`, { body: menu });
}

/** What each role may do, as the server enforces it: the console hides the rest. */
export const roleCan = {
  manageMembers: (role: BusinessRole) => role === 'owner',
  listMembers: (role: BusinessRole) => role === 'owner' || role === 'developer',
  manageKeys: (role: BusinessRole) => role === 'owner' || role === 'developer',
  manageWebhooks: (role: BusinessRole) => role === 'owner' || role === 'developer',
  editProfile: (role: BusinessRole) => role === 'owner',
  editMenu: (role: BusinessRole) => role === 'owner',
  /** Owners answer too, in a small bank; developers build the bot and do not. */
  answer: (role: BusinessRole) => role === 'owner' || role === 'agent',
} as const;
