import type { InboxConversation } from '@parley/protocol';
import { AppError } from '../platform/errors';
import { consoleRoles } from './console.access';
import { listConsoleMembers } from './console-member.repository';
import { assignmentLoad, findWaiting, updateInboxRow } from './inbox.repository';
import { publishInbox, requireInboxRow, type InboxCore } from './inbox.service';
import { readConsoleSettings } from './settings.repository';

const inboxRoles: ReadonlySet<string> = new Set(consoleRoles.inbox);
/** Conversations looked at per auto-assignment pass. */
const waitingPerPass = 200;

/** Assign (or with null, unassign) by hand: any member who works the inbox, whatever their load. */
export async function assignConversation(
  core: InboxCore,
  options: { businessId: string; conversationId: string; memberId: string | null },
): Promise<InboxConversation> {
  const { businessId, conversationId, memberId } = options;
  const row = await requireInboxRow(core, businessId, conversationId);
  if (row.status === 'resolved') throw new AppError('ERR_CONFLICT', { message: 'This conversation is resolved; it comes back to the inbox when the bot hands it over again.' });
  if (memberId !== null) {
    const target = (await listConsoleMembers(core.ctx.db, businessId)).find((member) => member.id === memberId);
    if (!target || !inboxRoles.has(target.role)) throw new AppError('ERR_NOT_FOUND', { message: 'No member of this business who works the inbox has this id.' });
  }
  const now = core.ctx.clock.now();
  await updateInboxRow(core.ctx.db, { conversationId, set: { assignee_member_id: memberId, assigned_at: memberId === null ? null : now, updated_at: now } });
  const conversation = await publishInbox(core, businessId, conversationId);
  // Unassigning frees a place in the queue for someone online.
  if (memberId === null) await autoAssign(core, businessId);
  return conversation;
}

const running = new WeakMap<InboxCore, Map<string, Promise<void>>>();

/**
 * Round-robin: give each waiting conversation (oldest handover first) to the online, available
 * agent or owner who has fewer unresolved conversations than the limit and was given one least
 * recently. Passes for one business run one after another on this node.
 */
export function autoAssign(core: InboxCore, businessId: string): Promise<void> {
  let chains = running.get(core);
  if (!chains) running.set(core, (chains = new Map()));
  const previous = chains.get(businessId) ?? Promise.resolve();
  const next = previous.then(() => assignWaiting(core, businessId)).catch((error: unknown) => core.ctx.log.error({ err: error, businessId }, 'auto-assignment failed'));
  chains.set(businessId, next);
  void next.finally(() => {
    if (chains.get(businessId) === next) chains.delete(businessId);
  });
  return next;
}

async function assignWaiting(core: InboxCore, businessId: string): Promise<void> {
  const { db } = core.ctx;
  const settings = await readConsoleSettings(db, businessId);
  if (settings.auto_assign !== 1) return;
  const online = core.side.presence.online(businessId);
  if (online.size === 0) return;
  const agents = (await listConsoleMembers(db, businessId)).filter((member) => inboxRoles.has(member.role) && online.has(member.person_id));
  if (agents.length === 0) return;
  const waiting = await findWaiting(db, businessId, waitingPerPass);
  if (waiting.length === 0) return;
  const load = await assignmentLoad(db, businessId);
  let order = 0;
  for (const conversationId of waiting) {
    const candidates = agents
      .map((agent) => ({ agent, load: load.get(agent.id) ?? { open: 0, lastAssignedAt: 0 } }))
      .filter((entry) => entry.load.open < settings.max_per_agent)
      .sort((a, b) => a.load.lastAssignedAt - b.load.lastAssignedAt || a.agent.id.localeCompare(b.agent.id));
    const chosen = candidates[0];
    if (!chosen) return;
    const now = core.ctx.clock.now();
    const assigned = await updateInboxRow(db, { conversationId, set: { assignee_member_id: chosen.agent.id, assigned_at: now, updated_at: now }, onlyIf: { unassigned: true, notStatus: 'resolved' } });
    if (!assigned) continue;
    // Several in one millisecond still rotate: each pick sorts after every earlier one.
    load.set(chosen.agent.id, { open: chosen.load.open + 1, lastAssignedAt: now + ++order / 1000 });
    await publishInbox(core, businessId, conversationId);
  }
}
