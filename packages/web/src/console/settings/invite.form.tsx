/** Owner: invite someone by a one-time link (7 days, one use; shown once), and see or revoke the open invites. */
import type { BusinessRole, CreatedInvite, Invite } from '@parley/protocol';
import { useState, type FormEvent } from 'react';
import { createInvite, listInvites, revokeInvite } from '../../api/inbox.api';
import { formatDateTime } from '../../ui/format';
import { useConsole } from '../console.context';
import { ErrorNote } from '../error.note';
import { useAction } from '../use.action';
import { CopyButton } from './copy.button';
import { RolePicker } from './role.picker';
import { useLoad } from './use.load';

export function InviteForm(props: { onInvited(): void }) {
  const { business } = useConsole();
  const [invites, reload] = useLoad(() => listInvites(business.id), [business.id]);
  const [role, setRole] = useState<BusinessRole>('agent');
  const [created, setCreated] = useState<CreatedInvite | null>(null);
  const action = useAction();
  const run = (name: string, step: () => Promise<unknown>): void =>
    void action.run(name, step).then((done) => {
      if (!done) return;
      reload();
      props.onInvited();
    });
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    run('create', async () => setCreated(await createInvite(business.id, role)));
  };
  return (
    <section className="settings-card" aria-labelledby="invite-title">
      <h3 id="invite-title">Invite by link</h3>
      <p className="muted small">A link works once, for 7 days. Whoever opens it signs in (or makes a Parley account) and joins {business.name} with the role you chose.</p>
      <form className="inline-form" onSubmit={submit}>
        <RolePicker value={role} onChange={setRole} />
        <button type="submit" className="button primary" disabled={action.busy !== null}>
          {action.busy === 'create' ? 'Making…' : 'Make invite link'}
        </button>
      </form>
      <ErrorNote message={action.error} />
      {created && (
        <div className="secret-card settings-card" role="status">
          <p>Send this link to the new {created.invite.role} yourself (it is shown only now):</p>
          <div className="secret-row">
            <code className="secret" data-testid="invite-url">
              {created.url}
            </code>
            <CopyButton text={created.url} label="Copy link" />
          </div>
        </div>
      )}
      {invites.state === 'ready' && invites.value.length > 0 && (
        <OpenInvites invites={invites.value} busy={action.busy !== null} onRevoke={(invite) => run('revoke', () => revokeInvite(business.id, invite.id))} />
      )}
    </section>
  );
}

function OpenInvites(props: { invites: readonly Invite[]; busy: boolean; onRevoke(invite: Invite): void }) {
  return (
    <table className="data-table">
      <thead>
        <tr>
          <th scope="col">Open invite</th>
          <th scope="col">Made by</th>
          <th scope="col">Expires</th>
          <th scope="col">
            <span className="sr-only">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {props.invites.map((invite) => (
          <tr key={invite.id}>
            <td>
              <span className={`role-tag role-${invite.role}`}>{invite.role}</span>
            </td>
            <td>{invite.createdBy.displayName}</td>
            <td className="muted">{formatDateTime(invite.expiresAt)}</td>
            <td className="row-actions">
              <button type="button" className="link-button danger-text" disabled={props.busy} onClick={() => props.onRevoke(invite)}>
                Revoke
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
