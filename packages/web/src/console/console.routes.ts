/** The console's addresses: `/console/<businessId>/<section>/…`, parsed and built in one place. */

export type SettingsSection = 'profile' | 'members' | 'keys' | 'webhooks';
export const settingsSections: readonly SettingsSection[] = ['profile', 'members', 'keys', 'webhooks'];

export type ConsoleRoute =
  | { readonly name: 'picker' }
  /** `/console/invite#<token>` (the fragment never reaches a server log), or `/console/invite/<token>`. */
  | { readonly name: 'invite'; readonly token: string | null }
  | { readonly name: 'inbox'; readonly businessId: string; readonly conversationId: string | null }
  | { readonly name: 'stats'; readonly businessId: string }
  | { readonly name: 'settings'; readonly businessId: string; readonly section: SettingsSection };

const id = '[A-Za-z0-9-]{1,64}';

export function parseConsoleRoute(pathname: string): ConsoleRoute {
  const path = pathname.replace(/\/+$/, '');
  const invite = /^\/console\/invite(?:\/([A-Za-z0-9_-]{8,200}))?$/.exec(path);
  if (invite) return { name: 'invite', token: invite[1] ?? null };
  const match = new RegExp(`^/console/(${id})(?:/(inbox|stats|settings)(?:/(${id}))?)?$`).exec(path);
  const businessId = match?.[1];
  if (!match || !businessId || businessId === 'invite') return { name: 'picker' };
  const [, , section, rest] = match;
  if (section === 'stats') return { name: 'stats', businessId };
  if (section === 'settings') {
    const chosen = settingsSections.find((s) => s === rest) ?? 'profile';
    return { name: 'settings', businessId, section: chosen };
  }
  return { name: 'inbox', businessId, conversationId: section === 'inbox' && rest ? rest : null };
}

export const consolePath = {
  picker: () => '/console',
  inbox: (businessId: string, conversationId?: string | null) =>
    `/console/${encodeURIComponent(businessId)}/inbox${conversationId ? `/${encodeURIComponent(conversationId)}` : ''}`,
  stats: (businessId: string) => `/console/${encodeURIComponent(businessId)}/stats`,
  settings: (businessId: string, section: SettingsSection = 'profile') => `/console/${encodeURIComponent(businessId)}/settings/${section}`,
};
