/** Who is at the console and for which business, shared with every console screen. */
import type { BusinessRole, Me } from '@parley/protocol';
import { createContext, useContext } from 'react';
import type { Membership } from '../api/console.api';

export interface ConsoleSession {
  readonly me: Me;
  readonly business: Membership['business'];
  readonly role: BusinessRole;
  /** My member id in this business: how assignees, agents and notes name me. */
  readonly memberId: string;
  /** Every business the person is a member of (for the switcher). */
  readonly memberships: readonly Membership[];
  /** Memberships changed (an invite accepted, the profile edited): load them again. */
  reloadMemberships(): void;
}

export const ConsoleContext = createContext<ConsoleSession | null>(null);

export function useConsole(): ConsoleSession {
  const session = useContext(ConsoleContext);
  if (!session) throw new Error('useConsole is used outside a business of the console');
  return session;
}
