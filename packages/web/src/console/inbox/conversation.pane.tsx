/** One handed-over conversation: who has it and what can be done (header), the thread, the composer, and the customer panel. */
import type { CannedResponse, InboxAgent, InboxConversation } from '@parley/protocol';
import { useEffect, useState } from 'react';
import { assignConversation, listCanned, listInboxAgents, resolveConversation, returnToBot, setInboxStatus, takeConversation } from '../../api/inbox.api';
import { useConsole } from '../console.context';
import { useAction } from '../use.action';
import { CustomerPanel } from './customer.panel';
import { useInboxState, useInboxStore } from './inbox.context';
import { emptyThread } from './inbox.state';
import { shortBsid } from './inbox.list';
import { ReplyComposer } from './reply.composer';
import { ThreadView } from './thread.view';

export function ConversationPane(props: { conversationId: string }) {
  const { business } = useConsole();
  const state = useInboxState();
  const store = useInboxStore();
  const { conversationId } = props;
  const row = state.conversations[conversationId];
  const thread = state.threads[conversationId] ?? emptyThread;
  const [canned, setCanned] = useState<CannedResponse[]>([]);
  useEffect(() => {
    listCanned(business.id)
      .then(setCanned)
      .catch(() => setCanned([]));
  }, [business.id]);

  if (!row) {
    return (
      <div className="console-empty">
        {thread.error ? <p className="notice error">{thread.error}</p> : <p className="muted">Loading the conversation…</p>}
      </div>
    );
  }
  const closed = row.owner === 'bot' ? 'This conversation is with the bot again. It comes back here if the customer asks for a person, or take it over above.' : null;
  return (
    <div className="conversation">
      <section className="conversation-main" aria-labelledby="conversation-title">
        <ConversationHeader row={row} />
        <ThreadView thread={thread} personRead={state.personRead[conversationId] ?? 0} typing={state.typing[conversationId] === true} handoverNote={row.handoverNote} handedOverAt={row.handedOverAt} onLoadEarlier={() => void store.loadEarlier(conversationId)} />
        <ReplyComposer key={conversationId} businessId={business.id} conversationId={conversationId} canned={canned} disabled={closed} />
      </section>
      <CustomerPanel row={row} context={thread.context} />
    </div>
  );
}

function ConversationHeader(props: { row: InboxConversation }) {
  const { row } = props;
  const { business } = useConsole();
  const store = useInboxStore();
  const action = useAction();
  const act = (name: string, step: () => Promise<InboxConversation>): void => void action.run(name, async () => store.applied(await step()));
  const open = row.owner === 'inbox';
  const id = row.conversationId;
  const busy = action.busy !== null;
  return (
    <header className="conversation-header">
      <div className="conversation-title">
        <h2 id="conversation-title" title={row.bsid}>
          {shortBsid(row.bsid)}
        </h2>
        <span className={`status-tag status-${row.status}`}>{row.status}</span>
      </div>
      <div className="conversation-actions">
        <AssigneePicker row={row} disabled={!open || busy} onAssign={(memberId) => act('assign', () => assignConversation(business.id, id, memberId))} />
        {open && (
          <button
            type="button"
            className="button small push"
            disabled={busy}
            onClick={() => act('status', () => setInboxStatus(business.id, id, row.status === 'pending' ? 'open' : 'pending'))}
            title="Pending: waiting on the customer. Their next message makes it open again."
          >
            {row.status === 'pending' ? 'Mark open' : 'Mark pending'}
          </button>
        )}
        {open && (
          <button type="button" className="button small" disabled={busy} onClick={() => act('return', () => returnToBot(business.id, id))}>
            {action.busy === 'return' ? 'Giving back…' : 'Give back to bot'}
          </button>
        )}
        {open && (
          <button type="button" className="button small primary" disabled={busy} onClick={() => act('resolve', () => resolveConversation(business.id, id))}>
            {action.busy === 'resolve' ? 'Resolving…' : 'Resolve'}
          </button>
        )}
        {!open && (
          <button type="button" className="button small primary push" disabled={busy} onClick={() => act('take', () => takeConversation(business.id, id))}>
            {action.busy === 'take' ? 'Taking over…' : 'Take over from the bot'}
          </button>
        )}
      </div>
      {action.error && (
        <p className="notice error conversation-error" role="alert">
          {action.error}
        </p>
      )}
    </header>
  );
}

/** Assign to myself, anyone who works the inbox (online or away, and how busy), or nobody: a transfer. */
function AssigneePicker(props: { row: InboxConversation; disabled: boolean; onAssign(memberId: string | null): void }) {
  const { row } = props;
  const { business } = useConsole();
  const { myMemberId } = useInboxState();
  const [agents, setAgents] = useState<InboxAgent[] | null>(null);
  const assignee = row.assignee;
  useEffect(() => {
    listInboxAgents(business.id)
      .then(setAgents)
      .catch(() => setAgents([]));
  }, [business.id, assignee?.memberId]);
  return (
    <>
      <label className="assign">
        <span className="muted small">Assigned to</span>
        <select aria-label="Assigned to" value={assignee?.memberId ?? ''} disabled={props.disabled || agents === null} onChange={(event) => props.onAssign(event.target.value || null)}>
          {/* With round-robin on, the queue may give it straight to an online agent. */}
          <option value="">Nobody (back to the queue)</option>
          {assignee && !agents?.some((a) => a.memberId === assignee.memberId) && <option value={assignee.memberId}>{assignee.displayName}</option>}
          {agents?.map((agent) => (
            <option key={agent.memberId} value={agent.memberId}>
              {agent.memberId === myMemberId ? `${agent.displayName} (me)` : agent.displayName} — {agent.online ? 'online' : 'away'}, {agent.assigned} open
            </option>
          ))}
        </select>
      </label>
      {!props.disabled && myMemberId && assignee?.memberId !== myMemberId && (
        <button type="button" className="button small" onClick={() => props.onAssign(myMemberId)}>
          Assign to me
        </button>
      )}
    </>
  );
}
