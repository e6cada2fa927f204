/** `/console/invite#<token>`: see which business and role a one-time link offers, and join it. */
import type { InvitePreview, Me } from '@parley/protocol';
import { useEffect, useState } from 'react';
import { describeError } from '../api/http.client';
import { acceptInvite, previewInvite } from '../api/inbox.api';
import { Link, navigate } from '../router';
import { ShieldIcon } from '../ui/icons';
import { ErrorNote } from './error.note';
import { useAction } from './use.action';
import { consolePath } from './console.routes';
import { roleDescriptions } from './settings/role.picker';

type Step = { readonly state: 'loading' } | { readonly state: 'invalid'; readonly message: string } | { readonly state: 'ready'; readonly preview: InvitePreview };

/** The token from the fragment (preferred: never sent to a server) or the path. */
function tokenFrom(pathToken: string | null): string | null {
  const fromHash = window.location.hash.replace(/^#/, '');
  return /^inv_[A-Za-z0-9_-]+$/.test(fromHash) ? fromHash : pathToken;
}

export function InviteAccept(props: { token: string | null; me: Me; onAccepted(): Promise<void>; onSignOut(): void }) {
  const [token] = useState(() => tokenFrom(props.token));
  const [step, setStep] = useState<Step>({ state: 'loading' });
  useEffect(() => {
    if (!token) {
      setStep({ state: 'invalid', message: 'This link has no invite in it. Copy the whole link you were sent, or ask for a new one.' });
      return;
    }
    previewInvite(token)
      .then((preview) => setStep({ state: 'ready', preview }))
      .catch((failure: unknown) => setStep({ state: 'invalid', message: describeError(failure) }));
  }, [token]);
  return (
    <div className="auth-page">
      <main className="auth-card" aria-labelledby="invite-title">
        <p className="auth-brand">
          <ShieldIcon />
          Parley Console
        </p>
        {step.state === 'loading' && <p role="status">Checking your invite…</p>}
        {step.state === 'invalid' && (
          <>
            <h1 id="invite-title">This invite can’t be used</h1>
            <p className="notice error">{step.message}</p>
            <Link to={consolePath.picker()}>Go to the console</Link>
          </>
        )}
        {step.state === 'ready' && token && <InviteOffer token={token} preview={step.preview} me={props.me} onAccepted={props.onAccepted} />}
        <p className="auth-switch">
          Not you?{' '}
          <button type="button" className="link-button" onClick={props.onSignOut}>
            Sign out
          </button>
        </p>
      </main>
    </div>
  );
}

function InviteOffer(props: { token: string; preview: InvitePreview; me: Me; onAccepted(): Promise<void> }) {
  const { preview, me } = props;
  const action = useAction();
  const accept = (): void =>
    void action.run('accept', async () => {
      const joined = await acceptInvite(props.token);
      await props.onAccepted();
      navigate(consolePath.inbox(joined.business.id), { replace: true });
    });
  return (
    <>
      <h1 id="invite-title">Join {preview.businessName}</h1>
      <p>
        You are invited as <strong>{preview.role}</strong>: {roleDescriptions[preview.role].toLowerCase()}.
      </p>
      <p className="muted small">
        You will join as {me.displayName}
        {me.email ? ` (${me.email})` : ''}. The customers you answer see your name, never your email.
      </p>
      <ErrorNote message={action.error} />
      <button type="button" className="button primary wide" disabled={action.busy !== null} onClick={accept}>
        {action.busy ? 'Joining…' : `Join ${preview.businessName}`}
      </button>
    </>
  );
}
