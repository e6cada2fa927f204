/** In a bank's conversation header: the notices button, opening the bank's notices switch. */
import { useEffect, useId, useRef, useState } from 'react';
import { useChatState } from '../live/chat.context';
import { MegaphoneIcon } from './notice.icons';
import { isFollowing } from './notice.state';
import { NoticeSwitch } from './notice.switch';
import './notices.css';

export function NoticeMenu(props: { businessId: string; name: string }) {
  const [open, setOpen] = useState(false);
  const following = isFollowing(useChatState().notices, props.businessId);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const panelId = useId();

  useEffect(() => {
    if (!open) return;
    const closeOutside = (event: PointerEvent): void => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    const closeOnEscape = (event: KeyboardEvent): void => {
      if (event.key !== 'Escape') return;
      setOpen(false);
      button.current?.focus();
    };
    document.addEventListener('pointerdown', closeOutside);
    document.addEventListener('keydown', closeOnEscape);
    return () => {
      document.removeEventListener('pointerdown', closeOutside);
      document.removeEventListener('keydown', closeOnEscape);
    };
  }, [open]);

  return (
    <div className="notice-menu" ref={root}>
      <button
        type="button"
        ref={button}
        className={following ? 'notice-menu-button following' : 'notice-menu-button'}
        aria-expanded={open}
        aria-controls={panelId}
        title={following ? `You follow ${props.name}'s notices` : `Notices from ${props.name}: off`}
        onClick={() => setOpen(!open)}
      >
        <MegaphoneIcon />
        <span className="sr-only">Notices</span>
        {following && <span className="notice-menu-dot" aria-hidden="true" />}
      </button>
      <div className="notice-menu-panel" id={panelId} role="group" aria-label={`Notices from ${props.name}`} hidden={!open}>
        <NoticeSwitch businessId={props.businessId} name={props.name} />
      </div>
    </div>
  );
}
