import type { ReactNode } from 'react';

export function InboxProvider(props: { children: ReactNode }) {
  return <>{props.children}</>;
}
