/** A tiny History API router: three screens do not need a routing library. */
import { useEffect, useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

export type Route =
  | { readonly name: 'list' }
  | { readonly name: 'chat'; readonly conversationId: string }
  | { readonly name: 'account' }
  | { readonly name: 'money' }
  | { readonly name: 'privacy' }
  | { readonly name: 'alerts' };

const navigationEvent = 'parley:navigate';

export function parseRoute(pathname: string): Route | null {
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/app') return { name: 'list' };
  if (path === '/app/account') return { name: 'account' };
  if (path === '/app/money') return { name: 'money' };
  if (path === '/app/privacy') return { name: 'privacy' };
  if (path === '/app/alerts') return { name: 'alerts' };
  const chat = /^\/app\/c\/([A-Za-z0-9-]{1,64})$/.exec(path);
  if (chat?.[1]) return { name: 'chat', conversationId: chat[1] };
  return null;
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === window.location.pathname) return;
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.dispatchEvent(new Event(navigationEvent));
}

function subscribe(listener: () => void): () => void {
  window.addEventListener('popstate', listener);
  window.addEventListener(navigationEvent, listener);
  return () => {
    window.removeEventListener('popstate', listener);
    window.removeEventListener(navigationEvent, listener);
  };
}

/**
 * Back from linking a bank (`/?linked=…` or `/?link_error=…`), or the Renew button of a consent
 * about to end (`/?renew=…`): the Money panel takes it from there.
 */
export function landing(): string {
  const params = new URLSearchParams(window.location.search);
  return params.has('linked') || params.has('link_error') || params.has('renew') ? `/app/money${window.location.search}` : '/app';
}

/** The current path, kept up to date by navigate() and Back/Forward (the console parses its own routes from it). */
export function usePathname(): string {
  return useSyncExternalStore(subscribe, () => window.location.pathname);
}

/** The current route; anything unknown (including `/`) goes to the conversation list. */
export function useRoute(): Route {
  const pathname = usePathname();
  const route = parseRoute(pathname);
  useEffect(() => {
    if (!parseRoute(pathname)) navigate(landing(), { replace: true });
  }, [pathname]);
  return route ?? { name: 'list' };
}

/** An ordinary link (so open-in-new-tab works) that navigates in place on a plain click. */
export function Link({ to, onClick, ...props }: AnchorHTMLAttributes<HTMLAnchorElement> & { to: string }) {
  const follow = (event: MouseEvent<HTMLAnchorElement>): void => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={follow} {...props} />;
}
