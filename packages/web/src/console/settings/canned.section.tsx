/** Saved replies: agents type `/shortcut` in the composer; owners add and remove them. */
import type { CannedResponseBody } from '@parley/protocol';
import { useState, type FormEvent } from 'react';
import { roleCan } from '../../api/console.api';
import { createCanned, deleteCanned, listCanned } from '../../api/inbox.api';
import { useConsole } from '../console.context';
import { ErrorNote } from '../error.note';
import { useAction } from '../use.action';
import { useLoad } from './use.load';

export function CannedSection() {
  const { business, role } = useConsole();
  const [canned, reload] = useLoad(() => listCanned(business.id), [business.id]);
  const action = useAction();
  const owner = roleCan.editProfile(role);
  const run = async (name: string, step: () => Promise<unknown>): Promise<boolean> => {
    const done = await action.run(name, step);
    if (done) reload();
    return done;
  };
  return (
    <section className="settings-card" aria-labelledby="canned-title">
      <h3 id="canned-title">Saved replies</h3>
      <p className="muted small">In a conversation, type / and the shortcut, then Enter or Tab to use one.</p>
      {owner && <NewCannedForm busy={action.busy !== null} onAdd={(body) => run('add', () => createCanned(business.id, body))} />}
      <ErrorNote message={action.error} />
      {canned.state === 'failed' && <p className="notice error">{canned.message}</p>}
      {canned.state === 'ready' && canned.value.length === 0 && <p className="muted">No saved replies yet.</p>}
      {canned.state === 'ready' && canned.value.length > 0 && (
        <table className="data-table">
          <tbody>
            {canned.value.map((response) => (
              <tr key={response.id}>
                <td>
                  <code>/{response.shortcut}</code>
                </td>
                <td>{response.text}</td>
                {owner && (
                  <td className="row-actions">
                    <button type="button" className="link-button danger-text" disabled={action.busy !== null} onClick={() => void run('delete', () => deleteCanned(business.id, response.id))}>
                      Delete
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function NewCannedForm(props: { busy: boolean; onAdd(body: CannedResponseBody): Promise<boolean> }) {
  const [shortcut, setShortcut] = useState('');
  const [text, setText] = useState('');
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    void props.onAdd({ shortcut: shortcut.trim().toLowerCase(), text: text.trim() }).then((added) => {
      if (!added) return;
      setShortcut('');
      setText('');
    });
  };
  return (
    <form className="inline-form" onSubmit={submit}>
      <label className="field">
        <span>Shortcut</span>
        <input value={shortcut} onChange={(event) => setShortcut(event.target.value)} pattern="[a-z0-9][a-z0-9_\-]*" maxLength={32} required placeholder="card-locked" />
      </label>
      <label className="field grow">
        <span>Reply</span>
        <input value={text} onChange={(event) => setText(event.target.value)} maxLength={4000} required placeholder="Your card is locked. Anything else I can do?" />
      </label>
      <button type="submit" className="button primary" disabled={props.busy}>
        Add
      </button>
    </form>
  );
}
