/** The inbox's left column: filters (status, whose, BSID search) and the rows, live; arrow keys move between rows. */
import type { InboxConversation, InboxStatus, InboxView, Message } from '@parley/protocol';
import { useEffect, useState, type KeyboardEvent } from 'react';
import { previewOf } from '../../chat/content/content.preview';
import { Link } from '../../router';
import { formatListTime } from '../../ui/format';
import { useConsole } from '../console.context';
import { consolePath } from '../console.routes';
import { useInboxState, useInboxStore } from './inbox.context';
import { visibleRows } from './inbox.state';

const statusChoices: readonly (InboxStatus | 'any')[] = ['open', 'pending', 'resolved', 'any'];
const statusText = { open: 'Open', pending: 'Pending', resolved: 'Resolved', any: 'All' } as const;
const viewChoices: readonly InboxView[] = ['mine', 'unassigned', 'all'];
const viewText = { mine: 'Mine', unassigned: 'Unassigned', all: 'Everyone' } as const;

export function InboxList(props: { selectedId: string | null }) {
  const state = useInboxState();
  const store = useInboxStore();
  const rows = visibleRows(state);
  const [search, setSearch] = useState(state.filter.search);
  useEffect(() => {
    const timer = setTimeout(() => {
      if (search !== state.filter.search) store.setFilter({ search });
    }, 250);
    return () => clearTimeout(timer);
  }, [search, state.filter.search, store]);

  return (
    <section className="inbox-list" aria-labelledby="inbox-heading">
      <div className="inbox-list-head">
        <h1 id="inbox-heading">Inbox</h1>
        <div className="segmented" role="group" aria-label="Status">
          {statusChoices.map((status) => (
            <button key={status} type="button" aria-pressed={state.filter.status === status} onClick={() => store.setFilter({ status })}>
              {statusText[status]}
            </button>
          ))}
        </div>
        <div className="inbox-filter-row">
          <label className="sr-only" htmlFor="inbox-view">
            Whose conversations
          </label>
          <select id="inbox-view" value={state.filter.view} onChange={(event) => store.setFilter({ view: event.target.value as InboxView })}>
            {viewChoices.map((view) => (
              <option key={view} value={view}>
                {viewText[view]}
              </option>
            ))}
          </select>
          <input type="search" className="inbox-search" placeholder="Search by BSID" aria-label="Search by BSID" value={search} onChange={(event) => setSearch(event.target.value)} />
        </div>
      </div>
      {state.listError && (
        <div className="notice error" role="alert">
          <span>{state.listError}</span>
          <button type="button" className="button small" onClick={() => void store.refreshList()}>
            Try again
          </button>
        </div>
      )}
      {rows.length === 0 && !state.listError && (
        <p className="muted inbox-empty">{state.listLoading ? 'Loading…' : emptyText(state.filter.status, state.filter.view)}</p>
      )}
      <ul className="inbox-rows" onKeyDown={moveWithArrows}>
        {rows.map((row) => (
          <li key={row.conversationId}>
            <InboxRow row={row} selected={row.conversationId === props.selectedId} />
          </li>
        ))}
        {state.listHasMore && !state.listLoading && (
          <li className="inbox-more">
            <button type="button" className="button small" onClick={() => void store.loadMoreList()} disabled={state.listMoreLoading} aria-busy={state.listMoreLoading}>
              {state.listMoreLoading ? 'Loading…' : 'Load more'}
            </button>
          </li>
        )}
      </ul>
    </section>
  );
}

function emptyText(status: InboxStatus | 'any', view: InboxView): string {
  if (status === 'open' && view !== 'unassigned') return 'Nothing waiting. New conversations appear here the moment the bot hands them over.';
  return 'No conversations match these filters.';
}

/** Up and Down move focus between rows, as in a mail client. */
function moveWithArrows(event: KeyboardEvent<HTMLUListElement>): void {
  if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
  const links = [...event.currentTarget.querySelectorAll<HTMLAnchorElement>('a.inbox-row')];
  const at = links.indexOf(document.activeElement as HTMLAnchorElement);
  const next = links[event.key === 'ArrowDown' ? Math.min(at + 1, links.length - 1) : Math.max(at - 1, 0)];
  if (next) {
    event.preventDefault();
    next.focus();
  }
}

function InboxRow(props: { row: InboxConversation; selected: boolean }) {
  const { business } = useConsole();
  const { typing } = useInboxState();
  const { row } = props;
  const last = row.lastMessage;
  const preview = typing[row.conversationId] ? 'Typing…' : last ? `${senderPrefix(last)}${previewOf(last.content)}` : (row.handoverNote ?? 'Handed over');
  return (
    <Link to={consolePath.inbox(business.id, row.conversationId)} className="inbox-row" aria-current={props.selected ? 'page' : undefined} data-unread={row.unread > 0}>
      <span className="inbox-row-top">
        <span className="inbox-bsid">{shortBsid(row.bsid)}</span>
        <time dateTime={new Date(row.updatedAt).toISOString()}>{formatListTime(row.updatedAt)}</time>
      </span>
      <span className="inbox-row-preview">{preview}</span>
      <span className="inbox-row-bottom">
        <span className={`status-tag status-${row.status}`}>{row.status}</span>
        <span className="inbox-assignee">{row.assignee ? row.assignee.displayName : 'Unassigned'}</span>
        {row.unread > 0 && (
          <span className="badge">
            {row.unread > 99 ? '99+' : row.unread}
            <span className="sr-only"> unread</span>
          </span>
        )}
      </span>
    </Link>
  );
}

function senderPrefix(message: Message): string {
  if (message.sender === 'person') return '';
  if (message.sender === 'system') return 'Parley: ';
  return message.agent ? `${message.agent.displayName}: ` : 'Bot: ';
}

/** A BSID is long; its start tells people apart at a glance (the full one is in the customer panel). */
export function shortBsid(bsid: string): string {
  return bsid.length > 18 ? `${bsid.slice(0, 14)}…` : bsid;
}
