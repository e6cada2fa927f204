/** The ChatStore of the signed-in person, for React. */
import { createContext, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import type { ChatState } from './chat.state';
import { ChatStore } from './chat.store';

const ChatContext = createContext<ChatStore | null>(null);

export function ChatProvider(props: { personId: string; onSessionInDoubt(): void; children: ReactNode }) {
  const { personId, onSessionInDoubt } = props;
  const [store] = useState(() => new ChatStore({ personId, onSessionInDoubt, storage: safeSessionStorage() }));
  useEffect(() => {
    store.start();
    return () => store.stop(false);
  }, [store]);
  return <ChatContext.Provider value={store}>{props.children}</ChatContext.Provider>;
}

export function useChatStore(): ChatStore {
  const store = useContext(ChatContext);
  if (!store) throw new Error('useChatStore is used outside ChatProvider');
  return store;
}

export function useChatState(): ChatState {
  const store = useChatStore();
  return useSyncExternalStore(store.subscribe, store.getState);
}

function safeSessionStorage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    // Storage blocked by the browser's settings: the outbox lives in memory only.
    return null;
  }
}
