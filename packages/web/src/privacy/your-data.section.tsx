/** The Privacy Center's last card: take everything with you, or delete the account for good. */
import { useId, useState } from 'react';
import { deleteAccount, deleteConfirmation, exportUrl } from '../api/account.api';
import { describeError } from '../api/http.client';
import { useChatStore } from '../live/chat.context';
import { navigate } from '../router';
import { useSession } from '../session.context';
import { ConfirmDialog } from '../ui/confirm.dialog';

export function YourDataSection() {
  const id = useId();
  const { signedOut } = useSession();
  const store = useChatStore();
  const [confirming, setConfirming] = useState(false);
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const remove = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await deleteAccount();
      store.stop(true);
      navigate('/app', { replace: true });
      signedOut('Your account is deleted. Your banks were told, every key to your data was destroyed, and you are signed out everywhere.');
    } catch (failure) {
      setError(describeError(failure));
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Your data</h2>
      <p className="muted">
        Download everything Parley holds about you — your profile, conversations, links, receipts and access log — as one JSON file. No passwords, keys or tokens are in it.
      </p>
      <a className="button" href={exportUrl} download>
        Download my data
      </a>
      <h3>Delete my account</h3>
      <p className="muted">
        Parley revokes every bank link at the bank, destroys every key to your data (so even backups cannot be read), deletes your conversations and signs you out on every
        device. This cannot be undone.
      </p>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {!confirming && (
        <button type="button" className="button danger-outline" onClick={() => setConfirming(true)}>
          Delete my account
        </button>
      )}
      {confirming && (
        <ConfirmDialog
          labelId={`${id}-confirm`}
          confirmLabel="Delete my account for good"
          busyLabel="Deleting…"
          busy={busy}
          ready={typed.trim().toLowerCase() === deleteConfirmation}
          onConfirm={() => void remove()}
          onCancel={() => setConfirming(false)}
        >
          <label id={`${id}-confirm`} htmlFor={`${id}-typed`}>
            To delete your account, type “{deleteConfirmation}”.
          </label>
          <input id={`${id}-typed`} type="text" autoComplete="off" value={typed} onChange={(event) => setTyped(event.target.value)} />
        </ConfirmDialog>
      )}
    </section>
  );
}
