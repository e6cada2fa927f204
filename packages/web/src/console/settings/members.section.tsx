/** Members: who works in this business and as what; an owner invites by a one-time link, adds by email, and removes. */
import type { BusinessRole, Member } from '@parley/protocol';
import { useState, type FormEvent } from 'react';
import { addMember, listMembers, removeMember, roleCan } from '../../api/console.api';
import { describeError } from '../../api/http.client';
import { ErrorNote } from '../error.note';
import { useAction } from '../use.action';
import { ConfirmDialog } from '../../ui/confirm.dialog';
import { formatDateTime } from '../../ui/format';
import { useConsole } from '../console.context';
import { InviteForm } from './invite.form';
import { RolePicker } from './role.picker';
import { useLoad } from './use.load';


export function MembersSection() {
  const { business, role } = useConsole();
  const [members, reload] = useLoad(() => listMembers(business.id), [business.id]);
  const owner = roleCan.manageMembers(role);
  if (!roleCan.listMembers(role)) {
    return <p className="muted">Owners and developers see the member list. Ask an owner of {business.name} if you need a change.</p>;
  }
  return (
    <div className="settings-stack">
      {owner && <InviteForm onInvited={reload} />}
      {owner && <AddByEmail onAdded={reload} />}
      <section className="settings-card" aria-labelledby="members-title">
        <h3 id="members-title">People in {business.name}</h3>
        {members.state === 'loading' && <p className="muted">Loading…</p>}
        {members.state === 'failed' && <p className="notice error">{members.message}</p>}
        {members.state === 'ready' && <MembersTable members={members.value} canRemove={owner} onRemoved={reload} />}
      </section>
    </div>
  );
}

function MembersTable(props: { members: readonly Member[]; canRemove: boolean; onRemoved(): void }) {
  const { business, me } = useConsole();
  const [removing, setRemoving] = useState<Member | null>(null);
  const action = useAction();
  const remove = (member: Member): void =>
    void action.run('remove', () => removeMember(business.id, member.id)).then((done) => {
      if (!done) return;
      setRemoving(null);
      props.onRemoved();
    });
  return (
    <>
      <ErrorNote message={action.error} />
      <table className="data-table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Role</th>
            <th scope="col">Added</th>
            {props.canRemove && (
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {props.members.map((member) => (
            <MemberRow key={member.id} member={member} you={member.email !== null && member.email === me.email} onRemove={props.canRemove ? () => setRemoving(member) : null} />
          ))}
        </tbody>
      </table>
      {removing && (
        <ConfirmDialog labelId="remove-member" confirmLabel="Remove" busyLabel="Removing…" busy={action.busy !== null} onConfirm={() => remove(removing)} onCancel={() => setRemoving(null)}>
          <p id="remove-member">
            Remove <strong>{removing.displayName}</strong> from {business.name}? They lose the console at once.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}

function MemberRow(props: { member: Member; you: boolean; onRemove: (() => void) | null }) {
  const { member } = props;
  return (
    <tr>
      <td>
        {member.displayName}
        {props.you && <span className="muted"> (you)</span>}
      </td>
      <td>{member.email ?? '—'}</td>
      <td>
        <span className={`role-tag role-${member.role}`}>{member.role}</span>
      </td>
      <td className="muted">{formatDateTime(member.addedAt)}</td>
      {props.onRemove && (
        <td className="row-actions">
          <button type="button" className="link-button danger-text" onClick={props.onRemove} aria-label={`Remove ${member.displayName}`}>
            Remove
          </button>
        </td>
      )}
    </tr>
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
