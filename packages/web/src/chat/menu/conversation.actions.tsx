import type { Business, GetStarted } from '@parley/protocol';
import type { ReactNode } from 'react';
import type { Thread, ThreadItem } from '../../live/chat.state';
import { GetStartedButton } from './get-started.button';
import { PersistentMenu, type Choice } from './persistent.menu';
import './menu.css';

const wideScreen = '(min-width: 760px)';

export interface ConversationActionsProps {
  business: Business;
  /** The loaded thread; undefined until its first page is asked for. */
  thread: Thread | undefined;
  items: readonly ThreadItem[];
  onPostback(choice: Choice): void;
  /** The composer, which the menu button sits next to. */
  children: ReactNode;
}

/**
 * What a business set up for its conversation around the composer: the get-started button
 * (until the person has sent something) and the persistent menu button.
 */
export function ConversationActions(props: ConversationActionsProps) {
  const menu = props.business.menu;
  const getStarted = menu?.getStarted ?? null;
  const menuItems = menu?.persistentMenu ?? [];
  const offerStart = getStarted !== null && isUntouched(props.thread, props.items);
  return (
    <>
      {offerStart && <GetStartedButton getStarted={getStarted} onStart={() => start(getStarted, props.onPostback)} />}
      {menuItems.length > 0 ? (
        <div className="composer-row">
          <PersistentMenu items={menuItems} businessName={props.business.name} onPostback={props.onPostback} />
          {props.children}
        </div>
      ) : (
        props.children
      )}
    </>
  );
}

/**
 * The person has sent nothing here: the whole history is loaded (no older page could hold a
 * message of theirs) and neither it nor the outbox has one.
 */
function isUntouched(thread: Thread | undefined, items: readonly ThreadItem[]): boolean {
  if (!thread || thread.loading !== null || thread.error !== null || thread.hasMore) return false;
  return items.every((item) => item.kind === 'message' && item.message.sender !== 'person');
}

function start(getStarted: GetStarted, onPostback: (choice: Choice) => void): void {
  onPostback(getStarted);
  // The button goes away with the tap: keep focus in the chat, not lost on the page. On a phone
  // the heading, so the keyboard does not pop up over the reply.
  const target = window.matchMedia(wideScreen).matches ? '.composer textarea' : '#chat-title';
  document.querySelector<HTMLElement>(target)?.focus({ preventScroll: true });
}
