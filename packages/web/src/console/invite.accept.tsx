import type { Me } from '@parley/protocol';

export function InviteAccept(_props: { token: string; me: Me; onAccepted(): void; onSignOut(): void }) {
  return null;
}
