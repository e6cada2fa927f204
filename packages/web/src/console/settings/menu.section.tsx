/**
 * The get-started button and persistent menu people see in the conversation. Owners edit them
 * here (a bot may also set them with its API key); others see them as people do.
 */
import { maxMenuItems, maxMenuTitleLength, type BusinessMenu } from '@parley/protocol';
import { useEffect, useState, type FormEvent } from 'react';
import { fetchMenu, roleCan, saveMenu } from '../../api/console.api';
import { describeError } from '../../api/http.client';
import { useConsole } from '../console.context';
import { bodyOf, draftOf, draftProblems, newItem, type DraftItem, type MenuDraft } from './menu.draft';
import { useLoad } from './use.load';

export function MenuSection() {
  const { business, role } = useConsole();
  const editable = roleCan.editMenu(role);
  const [menu] = useLoad(() => (editable ? fetchMenu(business.id) : Promise.resolve(null)), [business.id, editable]);
  return (
    <section className="settings-card" aria-labelledby="menu-title">
      <h3 id="menu-title">Get started button and menu</h3>
      <p className="muted small">
        People see them in the conversation; a tap sends your bot a postback with the payload, or opens your https page. Your bot may also set them with its API key (<code>PUT /v1/business/profile/menu</code>).
      </p>
      {!editable && <MenuPreview menu={business.menu ?? { getStarted: null, persistentMenu: [] }} />}
      {editable && menu.state === 'loading' && <p className="muted">Loading…</p>}
      {editable && menu.state === 'failed' && <p className="notice error">{menu.message}</p>}
      {editable && menu.state === 'ready' && menu.value && <MenuForm initial={menu.value} />}
    </section>
  );
}

function MenuPreview(props: { menu: BusinessMenu }) {
  const { getStarted, persistentMenu } = props.menu;
  return (
    <>
      <p>{getStarted ? `Get started button: “${getStarted.title}”` : 'No Get started button.'}</p>
      {persistentMenu.length === 0 ? (
        <p className="muted">No menu set.</p>
      ) : (
        <ul className="menu-preview">
          {persistentMenu.map((item, index) => (
            <li key={index}>
              <strong>{item.title}</strong> <span className="muted small">{item.type === 'postback' ? `postback ${item.payload}` : item.url}</span>
            </li>
          ))}
        </ul>
      )}
      <p className="muted small">Owners change the menu.</p>
    </>
  );
}

function MenuForm(props: { initial: BusinessMenu }) {
  const { business, reloadMemberships } = useConsole();
  const [draft, setDraft] = useState<MenuDraft>(() => draftOf(props.initial));
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; lines: string[] } | null>(null);
  useEffect(() => setResult(null), [draft]);
  const change = (next: Partial<MenuDraft>) => setDraft((current) => ({ ...current, ...next }));
  const changeItem = (index: number, next: Partial<DraftItem>) => change({ items: draft.items.map((item, i) => (i === index ? { ...item, ...next } : item)) });
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const problems = draftProblems(draft);
    if (problems.length > 0) {
      setResult({ ok: false, lines: problems });
      return;
    }
    setBusy(true);
    try {
      await saveMenu(business.id, bodyOf(draft));
      setResult({ ok: true, lines: ['Saved. People see the new menu the next time they open the conversation.'] });
      reloadMemberships();
    } catch (failure) {
      setResult({ ok: false, lines: [describeError(failure)] });
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="stacked-form menu-form" onSubmit={(event) => void submit(event)} noValidate>
      <fieldset className="menu-fieldset">
        <legend>Get started button</legend>
        <label className="check">
          <input type="checkbox" checked={draft.getStartedOn} onChange={(event) => change({ getStartedOn: event.target.checked })} />
          <span>Show it in conversations where the person has sent nothing yet</span>
        </label>
        {draft.getStartedOn && (
          <div className="menu-item-fields">
            <TextField label="Title" value={draft.getStartedTitle} onChange={(getStartedTitle) => change({ getStartedTitle })} counted />
            <TextField label="Payload" value={draft.getStartedPayload} onChange={(getStartedPayload) => change({ getStartedPayload })} />
          </div>
        )}
      </fieldset>
      <fieldset className="menu-fieldset">
        <legend>
          Persistent menu <span className="muted small">({draft.items.length} of {maxMenuItems})</span>
        </legend>
        {draft.items.length === 0 && <p className="muted small">No menu items.</p>}
        <ol className="menu-items">
          {draft.items.map((item, index) => (
            <MenuItemRow key={index} index={index} item={item} onChange={(next) => changeItem(index, next)} onRemove={() => change({ items: draft.items.filter((_, i) => i !== index) })} />
          ))}
        </ol>
        <div>
          <button type="button" className="button small" disabled={draft.items.length >= maxMenuItems} onClick={() => change({ items: [...draft.items, newItem] })}>
            Add item
          </button>
        </div>
      </fieldset>
      {result && (
        <div className={`notice ${result.ok ? 'success' : 'error'}`} role={result.ok ? 'status' : 'alert'}>
          {result.lines.length === 1 ? result.lines[0] : <ul className="menu-problems">{result.lines.map((line) => <li key={line}>{line}</li>)}</ul>}
        </div>
      )}
      <div>
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save menu'}
        </button>
      </div>
    </form>
  );
}

function MenuItemRow(props: { index: number; item: DraftItem; onChange(next: Partial<DraftItem>): void; onRemove(): void }) {
  const { item, index } = props;
  return (
    <li className="menu-item" aria-label={`Menu item ${index + 1}`}>
      <div className="menu-item-fields">
        <TextField label="Title" value={item.title} onChange={(title) => props.onChange({ title })} counted />
        <label className="field">
          <span>When tapped</span>
          <select value={item.type} onChange={(event) => props.onChange({ type: event.target.value as DraftItem['type'], target: '' })}>
            <option value="postback">Send a postback</option>
            <option value="url">Open a link</option>
          </select>
        </label>
        <TextField label={item.type === 'postback' ? 'Payload' : 'Link (https)'} value={item.target} onChange={(target) => props.onChange({ target })} placeholder={item.type === 'url' ? 'https://…' : 'BALANCE'} />
      </div>
      <button type="button" className="button small danger-outline" onClick={props.onRemove} aria-label={`Remove menu item ${index + 1}`}>
        Remove
      </button>
    </li>
  );
}

function TextField(props: { label: string; value: string; onChange(value: string): void; counted?: boolean; placeholder?: string }) {
  const over = props.counted === true && props.value.trim().length > maxMenuTitleLength;
  return (
    <label className="field grow">
      <span>
        {props.label}
        {props.counted && <span className={over ? 'menu-count over' : 'menu-count'}> {props.value.trim().length}/{maxMenuTitleLength}</span>}
      </span>
      <input value={props.value} onChange={(event) => props.onChange(event.target.value)} placeholder={props.placeholder} aria-invalid={over || undefined} />
    </label>
  );
}
