import { useEffect, useRef, useState } from 'react';
import { describeError } from '../api/http.client';
import { signOut } from '../api/identity.api';
import { useChatStore } from '../live/chat.context';
import { NotificationsSection } from '../push/notifications.section';
import { navigate } from '../router';
import { useSession } from '../session.context';
import { PageHeader } from '../ui/page.header';
import { PasskeysSection } from './passkeys.section';
import { SessionsSection } from './sessions.section';

/** Account and security: ways to sign in, where the person is signed in, devices that get notifications, sign out. */
export function AccountPage() {
  const { me, signedOut } = useSession();
  const store = useChatStore();
  const heading = useRef<HTMLHeadingElement>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => heading.current?.focus(), []);

  const leave = async (): Promise<void> => {
    setError(null);
    try {
      await signOut();
      store.stop(true);
      navigate('/app', { replace: true });
      signedOut('You have signed out.');
    } catch (failure) {
      setError(describeError(failure));
    }
  };

  return (
    <div className="account-page">
      <PageHeader title="Account and security" headingRef={heading} />
      <div className="account-sections">
        <section className="card" aria-labelledby="profile-heading">
          <h2 id="profile-heading">Profile</h2>
          <dl className="facts">
            <dt>Name</dt>
            <dd>{me.displayName}</dd>
            <dt>Email</dt>
            <dd>{me.email ?? 'None'}</dd>
            <dt>Password</dt>
            <dd>{me.hasPassword ? 'Set: you can also sign in with your email and password' : 'None: you sign in with passkeys only'}</dd>
          </dl>
        </section>
        <PasskeysSection />
        <SessionsSection />
        <NotificationsSection />
        <section className="card" aria-labelledby="sign-out-heading">
          <h2 id="sign-out-heading">Sign out</h2>
          <p className="muted">Sign out of Parley on this device. Messages not sent yet are discarded.</p>
          {error && (
            <p className="form-error" role="alert">
              {error}
            </p>
          )}
          <button type="button" className="button" onClick={() => void leave()}>
            Sign out
          </button>
        </section>
      </div>
    </div>
  );
}
