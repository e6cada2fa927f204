/** Members: who works in this business and as what; an owner invites by a one-time link, adds by email, and removes. */
import type { BusinessRole, Member } from '@parley/protocol';
import { useState, type FormEvent } from 'react';
import { addMember, listMembers, removeMember, roleCan } from '../../api/console.api';
import { describeError } from '../../api/http.client';
import { ConfirmDialog } from '../../ui/confirm.dialog';
import { formatDateTime } from '../../ui/format';
import { useConsole } from '../console.context';
import { InviteForm } from './invite.form';
import { RolePicker } from './role.picker';
import { useLoad } from './use.load';


export function MembersSection() {
  const { business, role, me } = useConsole();
  const [members, reload] = useLoad(() => listMembers(business.id), [business.id]);
  const [removing, setRemoving] = useState<Member | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const owner = roleCan.manageMembers(role);

  if (!roleCan.listMembers(role)) {
    return <p className="muted">Owners and developers see the member list. Ask an owner of {business.name} if you need a change.</p>;
  }
  const remove = async (member: Member): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await removeMember(business.id, member.id);
      setRemoving(null);
      reload();
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="settings-stack">
      {owner && <InviteForm onInvited={reload} />}
      {owner && <AddByEmail onAdded={reload} />}
      <section className="settings-card" aria-labelledby="members-title">
        <h3 id="members-title">People in {business.name}</h3>
        {error && (
          <p className="notice error" role="alert">
            {error}
          </p>
        )}
        {members.state === 'loading' && <p className="muted">Loading…</p>}
        {members.state === 'failed' && <p className="notice error">{members.message}</p>}
        {members.state === 'ready' && (
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Added</th>
                {owner && <th scope="col"><span className="sr-only">Actions</span></th>}
              </tr>
            </thead>
            <tbody>
              {members.value.map((member) => (
                <tr key={member.id}>
                  <td>
                    {member.displayName}
                    {member.email !== null && member.email === me.email && <span className="muted"> (you)</span>}
                  </td>
                  <td>{member.email ?? '—'}</td>
                  <td>
                    <span className={`role-tag role-${member.role}`}>{member.role}</span>
                  </td>
                  <td className="muted">{formatDateTime(member.addedAt)}</td>
                  {owner && (
                    <td className="row-actions">
                      <button type="button" className="link-button danger-text" onClick={() => setRemoving(member)} aria-label={`Remove ${member.displayName}`}>
                        Remove
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {removing && (
          <ConfirmDialog labelId="remove-member" confirmLabel="Remove" busyLabel="Removing…" busy={busy} onConfirm={() => void remove(removing)} onCancel={() => setRemoving(null)}>
            <p id="remove-member">
              Remove <strong>{removing.displayName}</strong> from {business.name}? They lose the console at once; their conversations go back to the queue.
            </p>
          </ConfirmDialog>
        )}
      </section>
    </div>
  );
}

function AddByEmail(props: { onAdded(): void }) {
  const { business } = useConsole();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<BusinessRole>('agent');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setResult(null);
    try {
      const member = await addMember(business.id, { email: email.trim(), role });
      setResult({ ok: true, text: `${member.displayName} is now ${role === 'agent' ? 'an' : 'a'} ${role}.` });
      setEmail('');
      props.onAdded();
    } catch (failure) {
      setResult({ ok: false, text: describeError(failure) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="settings-card" aria-labelledby="add-member-title">
      <h3 id="add-member-title">Add someone who already has a Parley account</h3>
      <form className="inline-form" onSubmit={(event) => void submit(event)}>
        <label className="field grow">
          <span>Email</span>
          <input type="email" required value={email} onChange={(event) => setEmail(event.target.value)} autoComplete="off" />
        </label>
        <RolePicker value={role} onChange={setRole} />
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? 'Adding…' : 'Add member'}
        </button>
      </form>
      {result && (
        <p className={`notice ${result.ok ? 'success' : 'error'}`} role={result.ok ? 'status' : 'alert'}>
          {result.text}
        </p>
      )}
    </section>
  );
}
