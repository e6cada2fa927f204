/** The console of one business: a top bar (business, sections, presence, who) over the section. */
import { useCallback, useEffect } from 'react';
import { listMemberships, roleCan } from '../api/console.api';
import { Link, navigate } from '../router';
import { Avatar } from '../ui/avatar';
import { ShieldIcon } from '../ui/icons';
import { useConsole } from './console.context';
import { consolePath, type ConsoleRoute } from './console.routes';
import { InboxPage } from './inbox/inbox.page';
import { InboxProvider, useInboxState } from './inbox/inbox.context';
import { unreadConversations } from './inbox/inbox.state';
import { PresenceSwitch } from './inbox/presence.switch';
import { SettingsPage } from './settings/settings.page';
import { StatsPage } from './stats/stats.page';

type BusinessRoute = Extract<ConsoleRoute, { businessId: string }>;

export function ConsoleShell(props: { route: BusinessRoute; onSignOut(): void }) {
  // A refused socket may mean the session ended: any request that gets 401 signs the console out.
  const checkSession = useCallback(() => void listMemberships().catch(() => undefined), []);
  return (
    <InboxProvider onSessionInDoubt={checkSession}>
      <ConsoleFrame {...props} />
    </InboxProvider>
  );
}

function ConsoleFrame(props: { route: BusinessRoute; onSignOut(): void }) {
  const { route } = props;
  const { business, role } = useConsole();
  const state = useInboxState();
  const unread = unreadConversations(state);
  useEffect(() => {
    document.title = `${unread > 0 ? `(${unread}) ` : ''}${business.name} · Parley Console`;
  }, [unread, business.name]);
  // A developer works in settings: the inbox and its stats are for those who answer.
  const answers = roleCan.answer(role);
  useEffect(() => {
    if (!answers && route.name !== 'settings') navigate(consolePath.settings(business.id, 'keys'), { replace: true });
  }, [answers, route.name, business.id]);
  return (
    <div className="console" data-section={route.name}>
      <ConsoleBar route={route} unread={unread} onSignOut={props.onSignOut} />
      <div className="sr-only" aria-live="polite" aria-atomic="true">
        {state.announcement && <p key={state.announcement.id}>{state.announcement.text}</p>}
      </div>
      {answers && state.status === 'reconnecting' && (
        <p className="console-connection" role="status">
          <span className="spinner" aria-hidden="true" />
          Reconnecting… The inbox catches up as soon as the connection is back.
        </p>
      )}
      <div className="console-body">
        {route.name === 'inbox' && <InboxPage conversationId={route.conversationId} />}
        {route.name === 'stats' && <StatsPage />}
        {route.name === 'settings' && <SettingsPage section={route.section} />}
      </div>
    </div>
  );
}

function ConsoleBar(props: { route: BusinessRoute; unread: number; onSignOut(): void }) {
  const { business, me, role } = useConsole();
  const answers = roleCan.answer(role);
  const tab = (name: BusinessRoute['name'], to: string, label: string, badge = 0) => (
    <Link to={to} className="console-tab" aria-current={props.route.name === name ? 'page' : undefined}>
      {label}
      {badge > 0 && (
        <span className="badge">
          {badge}
          <span className="sr-only"> with unread messages</span>
        </span>
      )}
    </Link>
  );
  return (
    <header className="console-bar">
      <Link to={consolePath.inbox(business.id)} className="brand console-brand" aria-label={`Parley Console, ${business.name} inbox`}>
        <ShieldIcon />
        <span>Console</span>
      </Link>
      <BusinessSwitch />
      <nav className="console-tabs" aria-label="Console sections">
        {answers && tab('inbox', consolePath.inbox(business.id), 'Inbox', props.unread)}
        {answers && tab('stats', consolePath.stats(business.id), 'Stats')}
        {tab('settings', consolePath.settings(business.id), 'Settings')}
      </nav>
      <span className="console-bar-end">
        {answers && <PresenceSwitch />}
        <span className="console-me" title={me.email ?? undefined}>
          <Avatar name={me.displayName} />
          <span className="console-me-text">
            <span>{me.displayName}</span>
            <span className="muted small">{role}</span>
          </span>
        </span>
        <button type="button" className="button small" onClick={props.onSignOut}>
          Sign out
        </button>
      </span>
    </header>
  );
}

/** The business open, and a switch to another when the person is a member of several. */
function BusinessSwitch() {
  const { business, memberships } = useConsole();
  if (memberships.length < 2) return <span className="business-name">{business.name}</span>;
  return (
    <label className="business-switch">
      <span className="sr-only">Business</span>
      <select value={business.id} onChange={(event) => navigate(consolePath.inbox(event.target.value))}>
        {memberships.map((m) => (
          <option key={m.business.id} value={m.business.id}>
            {m.business.name}
          </option>
        ))}
      </select>
    </label>
  );
}
