/** The InboxStore of the business open in the console, for React. */
import { createContext, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import { roleCan } from '../../api/console.api';
import { useConsole } from '../console.context';
import type { InboxState } from './inbox.state';
import { InboxStore } from './inbox.store';

const InboxContext = createContext<InboxStore | null>(null);

export function InboxProvider(props: { onSessionInDoubt(): void; children: ReactNode }) {
  const { business, memberId, role } = useConsole();
  const { onSessionInDoubt } = props;
  const [store] = useState(
    () => new InboxStore({ businessId: business.id, memberId, role, answers: roleCan.answer(role), onSessionInDoubt }),
  );
  useEffect(() => {
    store.start();
    return () => store.stop();
  }, [store]);
  return <InboxContext.Provider value={store}>{props.children}</InboxContext.Provider>;
}

export function useInboxStore(): InboxStore {
  const store = useContext(InboxContext);
  if (!store) throw new Error('useInboxStore is used outside InboxProvider');
  return store;
}

export function useInboxState(): InboxState {
  const store = useInboxStore();
  return useSyncExternalStore(store.subscribe, store.getState);
}
