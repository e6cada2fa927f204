/** Signed in at /console: accept an invite, pick a business, or open the console of one. */
import type { Me } from '@parley/protocol';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { listMemberships, type Membership } from '../api/console.api';
import { describeError } from '../api/http.client';
import { signOut } from '../api/identity.api';
import { Splash } from '../app';
import { Link, navigate, usePathname } from '../router';
import { ShieldIcon } from '../ui/icons';
import { ConsoleContext, type ConsoleSession } from './console.context';
import { consolePath, parseConsoleRoute } from './console.routes';
import { ConsoleShell } from './console.shell';
import { InviteAccept } from './invite.accept';

type Memberships = { readonly state: 'loading' } | { readonly state: 'failed'; readonly message: string } | { readonly state: 'ready'; readonly list: Membership[] };

export function ConsoleSignedIn(props: { me: Me; signedOut(notice?: string): void }) {
  const route = parseConsoleRoute(usePathname());
  const [memberships, setMemberships] = useState<Memberships>({ state: 'loading' });
  const load = useCallback(
    (): Promise<void> =>
      listMemberships()
        .then((list) => setMemberships({ state: 'ready', list }))
        .catch((error: unknown) => setMemberships({ state: 'failed', message: describeError(error) })),
    [],
  );
  useEffect(() => void load(), [load]);
  const leave = useCallback(() => {
    void signOut()
      .catch(() => undefined)
      .finally(() => props.signedOut());
  }, [props]);

  const businessId = route.name === 'picker' || route.name === 'invite' ? null : route.businessId;
  const list = memberships.state === 'ready' ? memberships.list : null;
  const membership = list?.find((m) => m.business.id === businessId) ?? null;
  const session = useMemo<ConsoleSession | null>(
    () => (membership && list ? { me: props.me, business: membership.business, role: membership.role, memberId: membership.memberId, memberships: list, reloadMemberships: () => void load() } : null),
    [membership, list, props.me, load],
  );
  // One business: no picker to click through.
  const only = route.name === 'picker' && list?.length === 1 ? list[0] : undefined;
  useEffect(() => {
    if (only) navigate(consolePath.inbox(only.business.id), { replace: true });
  }, [only]);

  if (route.name === 'invite') return <InviteAccept token={route.token} me={props.me} onAccepted={load} onSignOut={leave} />;
  if (memberships.state === 'loading' || only) return <Splash />;
  if (memberships.state === 'failed') return <Splash message={memberships.message} onRetry={() => void load()} />;
  if (!session || route.name === 'picker') return <BusinessPicker me={props.me} memberships={memberships.list} unknown={businessId !== null} onSignOut={leave} />;
  return (
    <ConsoleContext.Provider value={session}>
      <ConsoleShell key={session.business.id} route={route} onSignOut={leave} />
    </ConsoleContext.Provider>
  );
}

const roleText = { owner: 'Owner', developer: 'Developer', agent: 'Agent' } as const;

function BusinessPicker(props: { me: Me; memberships: Membership[]; unknown: boolean; onSignOut(): void }) {
  const { memberships } = props;
  return (
    <div className="auth-page">
      <main className="auth-card console-picker" aria-labelledby="picker-title">
        <p className="auth-brand">
          <ShieldIcon />
          Parley Console
        </p>
        <h1 id="picker-title">{memberships.length === 0 ? 'No business yet' : 'Choose a business'}</h1>
        {props.unknown && memberships.length > 0 && (
          <p className="notice info" role="status">
            That business is not one you are a member of. Choose one of yours.
          </p>
        )}
        {memberships.length === 0 ? (
          <div className="picker-empty">
            <p>
              You are signed in as <strong>{props.me.email ?? props.me.displayName}</strong>, but you are not a member of any business on this Parley.
            </p>
            <p className="muted">
              Ask an owner of your bank for an invite link, or ask whoever runs this Parley to add you:
              <code>npx parley business member add --business &lt;slug&gt; --email {props.me.email ?? '<your email>'} --role agent</code>
            </p>
            <p>
              <a href="/app">Go to your own conversations</a>
            </p>
          </div>
        ) : (
          <ul className="picker-list">
            {memberships.map((m) => (
              <li key={m.business.id}>
                <Link to={consolePath.inbox(m.business.id)} className="picker-row">
                  <span className="avatar small" aria-hidden="true">
                    {m.business.name.slice(0, 1).toUpperCase()}
                  </span>
                  <span className="picker-name">{m.business.name}</span>
                  <span className="tag">{roleText[m.role]}</span>
                </Link>
              </li>
            ))}
          </ul>
        )}
        <p className="auth-switch">
          {props.me.displayName} ·{' '}
          <button type="button" className="link-button" onClick={props.onSignOut}>
            Sign out
          </button>
        </p>
      </main>
    </div>
  );
}
