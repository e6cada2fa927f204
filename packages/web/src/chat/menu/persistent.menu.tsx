import type { MenuItem } from '@parley/protocol';
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { MenuIcon, OpenExternalIcon } from './menu.icons';

/** What a postback carries: the title the person sees as their message, the payload for the business. */
export interface Choice {
  readonly title: string;
  readonly payload: string;
}

/**
 * The ☰ button next to the composer and the menu it opens (the WAI-ARIA menu button pattern):
 * arrow keys, Home and End move, Escape or Tab closes, and focus returns to the button.
 */
export function PersistentMenu(props: { items: readonly MenuItem[]; businessName: string; onPostback(choice: Choice): void }) {
  const [open, setOpen] = useState<'first' | 'last' | null>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  const list = useRef<HTMLUListElement>(null);
  const menuId = useId();

  const entries = (): HTMLElement[] => [...(list.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
  const close = (refocus: boolean): void => {
    setOpen(null);
    if (refocus) trigger.current?.focus();
  };

  useEffect(() => {
    if (!open) return;
    const all = entries();
    (open === 'first' ? all[0] : all.at(-1))?.focus();
    const outside = (event: PointerEvent): void => {
      const target = event.target as Node;
      if (!list.current?.contains(target) && !trigger.current?.contains(target)) setOpen(null);
    };
    document.addEventListener('pointerdown', outside);
    return () => document.removeEventListener('pointerdown', outside);
  }, [open]);

  const triggerKeyDown = (event: KeyboardEvent<HTMLButtonElement>): void => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      setOpen(event.key === 'ArrowDown' ? 'first' : 'last');
    }
  };
  const menuKeyDown = (event: KeyboardEvent<HTMLUListElement>): void => {
    const all = entries();
    const at = all.indexOf(document.activeElement as HTMLElement);
    const move: Record<string, number | undefined> = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: all.length - 1 };
    const next = move[event.key];
    if (next !== undefined) {
      event.preventDefault();
      all[(next + all.length) % all.length]?.focus();
    } else if (event.key === 'Escape') {
      event.preventDefault();
      close(true);
    } else if (event.key === 'Tab') {
      close(false);
    }
  };

  return (
    <div className="persistent-menu">
      <button
        ref={trigger}
        type="button"
        className="menu-button"
        aria-haspopup="menu"
        aria-expanded={open !== null}
        aria-controls={open ? menuId : undefined}
        onClick={() => (open ? close(false) : setOpen('first'))}
        onKeyDown={triggerKeyDown}
      >
        <MenuIcon />
        <span className="menu-button-label">Menu</span>
      </button>
      {open && (
        <ul id={menuId} ref={list} role="menu" aria-label={`${props.businessName} menu`} className="menu-popup" onKeyDown={menuKeyDown}>
          {props.items.map((item, index) => (
            <li key={index} role="none">
              {item.type === 'postback' ? (
                <button
                  type="button"
                  role="menuitem"
                  tabIndex={-1}
                  className="menu-item"
                  onClick={() => {
                    close(true);
                    props.onPostback({ title: item.title, payload: item.payload });
                  }}
                >
                  {item.title}
                </button>
              ) : (
                <a role="menuitem" tabIndex={-1} className="menu-item" href={item.url} target="_blank" rel="noopener noreferrer" onClick={() => close(true)}>
                  {item.title}
                  <OpenExternalIcon />
                  <span className="sr-only"> (opens in a new tab)</span>
                </a>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
