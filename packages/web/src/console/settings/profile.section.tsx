/** The business as people see it (name, logo, greeting, menu), how the inbox assigns work, and saved replies. */
import type { BusinessSettings } from '@parley/protocol';
import { useEffect, useState, type FormEvent } from 'react';
import { roleCan } from '../../api/console.api';
import { describeError } from '../../api/http.client';
import { fetchSettings, updateSettings } from '../../api/inbox.api';
import { useConsole } from '../console.context';
import { CannedSection } from './canned.section';
import { MenuSection } from './menu.section';
import { useLoad } from './use.load';

export function ProfileSection() {
  const { business, role } = useConsole();
  // Agents may not read the settings (owner, developer): they see the profile as people do.
  const readable = role !== 'agent';
  const [settings] = useLoad(() => (readable ? fetchSettings(business.id) : Promise.resolve(null)), [business.id, readable]);
  return (
    <div className="settings-stack">
      {settings.state === 'loading' && <p className="muted">Loading…</p>}
      {settings.state === 'failed' && <p className="notice error">{settings.message}</p>}
      {settings.state === 'ready' && settings.value && <ProfileForm initial={settings.value} editable={roleCan.editProfile(role)} />}
      {!readable && (
        <section className="settings-card" aria-labelledby="profile-title">
          <h3 id="profile-title">How people see {business.name}</h3>
          <p>{business.greeting ?? 'No greeting set.'}</p>
          <p className="muted small">Owners change the profile.</p>
        </section>
      )}
      <MenuSection />
      {roleCan.answer(role) && <CannedSection />}
    </div>
  );
}

function ProfileForm(props: { initial: BusinessSettings; editable: boolean }) {
  const { business, reloadMemberships } = useConsole();
  const [name, setName] = useState(props.initial.name);
  const [greeting, setGreeting] = useState(props.initial.greeting ?? '');
  const [logoUrl, setLogoUrl] = useState(props.initial.logoUrl ?? '');
  const [autoAssign, setAutoAssign] = useState(props.initial.autoAssign);
  const [maxPerAgent, setMaxPerAgent] = useState(props.initial.maxPerAgent);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  useEffect(() => setResult(null), [name, greeting, logoUrl, autoAssign, maxPerAgent]);
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    try {
      await updateSettings(business.id, { name: name.trim(), greeting: greeting.trim() || null, logoUrl: logoUrl.trim() || null, autoAssign, maxPerAgent });
      setResult({ ok: true, text: 'Saved. People see the change the next time they open the conversation.' });
      reloadMemberships();
    } catch (failure) {
      setResult({ ok: false, text: describeError(failure) });
    } finally {
      setBusy(false);
    }
  };
  const off = !props.editable;
  return (
    <section className="settings-card" aria-labelledby="profile-title">
      <h3 id="profile-title">How people see {business.name}</h3>
      {off && <p className="muted small">Only owners change the profile.</p>}
      <form className="stacked-form" onSubmit={(event) => void submit(event)}>
        <div className="profile-identity">
          {logoUrl ? <img className="profile-logo" src={logoUrl} alt="" /> : <span className="profile-logo placeholder">{name.slice(0, 1).toUpperCase()}</span>}
          <label className="field grow">
            <span>Name</span>
            <input value={name} onChange={(event) => setName(event.target.value)} maxLength={80} required disabled={off} />
          </label>
        </div>
        <label className="field">
          <span>Logo URL</span>
          <input type="url" value={logoUrl} onChange={(event) => setLogoUrl(event.target.value)} placeholder="https://…/logo.png" disabled={off} />
        </label>
        <label className="field">
          <span>Greeting</span>
          <textarea rows={3} value={greeting} onChange={(event) => setGreeting(event.target.value)} maxLength={1000} placeholder="Shown when someone opens a conversation" disabled={off} />
        </label>
        <AssignmentFields autoAssign={autoAssign} maxPerAgent={maxPerAgent} disabled={off} onAutoAssign={setAutoAssign} onMaxPerAgent={setMaxPerAgent} />
        {result && (
          <p className={`notice ${result.ok ? 'success' : 'error'}`} role={result.ok ? 'status' : 'alert'}>
            {result.text}
          </p>
        )}
        {props.editable && (
          <div>
            <button type="submit" className="button primary" disabled={busy}>
              {busy ? 'Saving…' : 'Save profile'}
            </button>
          </div>
        )}
      </form>
    </section>
  );
}

function AssignmentFields(props: { autoAssign: boolean; maxPerAgent: number; disabled: boolean; onAutoAssign(on: boolean): void; onMaxPerAgent(max: number): void }) {
  return (
    <fieldset className="scopes">
      <legend>Assignment</legend>
      <label className="check">
        <input type="checkbox" checked={props.autoAssign} onChange={(event) => props.onAutoAssign(event.target.checked)} disabled={props.disabled} />
        <span>Give handed-over conversations to online agents in turn (round-robin)</span>
      </label>
      <label className="check">
        <span>At most</span>
        <input
          className="narrow-number"
          type="number"
          min={1}
          max={100}
          value={props.maxPerAgent}
          onChange={(event) => props.onMaxPerAgent(Number(event.target.value))}
          disabled={props.disabled || !props.autoAssign}
        />
        <span>open conversations per agent</span>
      </label>
    </fieldset>
  );
}
