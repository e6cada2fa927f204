/** The signed-in frame: top bar, connection banner, and list + main panes (one at a time on a phone). */
import { AccountPage } from './account/account.page';
import { AlertsPage } from './alerts/alerts.page';
import { MoneyPage } from './money/money.page';
import { PrivacyPage } from './privacy/privacy.page';
import { ChatView } from './chat/chat.view';
import { ConversationList } from './conversations/conversation.list';
import { StartConversation } from './conversations/start.conversation';
import { Link, useRoute } from './router';
import { useSession } from './session.context';
import { Announcer } from './ui/announcer';
import { Avatar } from './ui/avatar';
import { ConnectionBanner } from './ui/connection.banner';
import { ShieldIcon } from './ui/icons';

export function Shell() {
  const route = useRoute();
  const { me } = useSession();
  return (
    <div className="shell" data-screen={route.name}>
      <header className="topbar">
        <Link to="/app" className="brand" aria-label="Parley, conversations">
          <ShieldIcon />
          <span>Parley</span>
        </Link>
        <nav className="topnav" aria-label="Sections">
          <Link to="/app/money" className="topnav-link" aria-current={route.name === 'money' ? 'page' : undefined}>
            Money
          </Link>
          <Link to="/app/alerts" className="topnav-link" aria-current={route.name === 'alerts' ? 'page' : undefined}>
            Alerts
          </Link>
          <Link to="/app/privacy" className="topnav-link" aria-current={route.name === 'privacy' ? 'page' : undefined}>
            Privacy
          </Link>
        </nav>
        <Link to="/app/account" className="account-link" aria-current={route.name === 'account' ? 'page' : undefined}>
          <Avatar name={me.displayName} />
          <span className="account-link-text">Account</span>
        </Link>
      </header>
      <ConnectionBanner />
      <Announcer />
      <div className="panes">
        <nav className="pane pane-list" aria-label="Conversations">
          <ConversationList selectedId={route.name === 'chat' ? route.conversationId : null} />
          <StartConversation />
        </nav>
        <main className="pane pane-main" id="main">
          {route.name === 'chat' && <ChatView key={route.conversationId} conversationId={route.conversationId} />}
          {route.name === 'account' && <AccountPage />}
          {route.name === 'money' && <MoneyPage />}
          {route.name === 'privacy' && <PrivacyPage />}
          {route.name === 'alerts' && <AlertsPage />}
          {route.name === 'list' && <NothingOpen />}
        </main>
      </div>
    </div>
  );
}

/** Desktop only: the right pane before a conversation is chosen. */
function NothingOpen() {
  return (
    <div className="nothing-open">
      <ShieldIcon />
      <h1>Your conversations</h1>
      <p>Choose a conversation, or start one with your bank. Your bank only hears from you when you write to it.</p>
    </div>
  );
}
