import type { CannedResponse, CannedResponseBody, QuickReply, UpdateCannedResponseBody } from '@parley/protocol';
import type { ServerContext } from '../context';
import { AppError } from '../platform/errors';
import * as canned from './canned.repository';
import type { InboxCannedRow } from './inbox.table';

function toCanned(row: InboxCannedRow): CannedResponse {
  const response: CannedResponse = { id: row.id, shortcut: row.shortcut, text: row.text, updatedAt: Number(row.updated_at) };
  if (row.quick_replies !== null) response.quickReplies = JSON.parse(row.quick_replies) as QuickReply[];
  return response;
}

export async function listCannedResponses(ctx: ServerContext, businessId: string): Promise<CannedResponse[]> {
  return (await canned.listCanned(ctx.db, businessId)).map(toCanned);
}

async function refuseTakenShortcut(ctx: ServerContext, businessId: string, shortcut: string, id?: string): Promise<void> {
  const existing = await canned.findCannedByShortcut(ctx.db, businessId, shortcut);
  if (existing && existing.id !== id) throw new AppError('ERR_CONFLICT', { message: `The shortcut /${shortcut} is already used.` });
}

export async function createCannedResponse(ctx: ServerContext, businessId: string, body: CannedResponseBody): Promise<CannedResponse> {
  await refuseTakenShortcut(ctx, businessId, body.shortcut);
  const row: InboxCannedRow = {
    id: ctx.random.uuid(),
    business_id: businessId,
    shortcut: body.shortcut,
    text: body.text,
    quick_replies: body.quickReplies ? JSON.stringify(body.quickReplies) : null,
    updated_at: ctx.clock.now(),
  };
  try {
    await canned.insertCanned(ctx.db, row);
  } catch (error) {
    // Two owners adding the same shortcut at once: the unique index decides.
    if (await canned.findCannedByShortcut(ctx.db, businessId, body.shortcut)) throw new AppError('ERR_CONFLICT', { message: `The shortcut /${body.shortcut} is already used.`, cause: error });
    throw error;
  }
  return toCanned(row);
}

export async function updateCannedResponse(ctx: ServerContext, options: { businessId: string; cannedId: string; body: UpdateCannedResponseBody }): Promise<CannedResponse> {
  const row = await canned.findCanned(ctx.db, options.businessId, options.cannedId);
  if (!row) throw new AppError('ERR_NOT_FOUND');
  const { body } = options;
  if (body.shortcut !== undefined) await refuseTakenShortcut(ctx, options.businessId, body.shortcut, row.id);
  const next: InboxCannedRow = {
    id: row.id,
    business_id: row.business_id,
    shortcut: body.shortcut ?? row.shortcut,
    text: body.text ?? row.text,
    quick_replies: body.quickReplies === undefined ? row.quick_replies : JSON.stringify(body.quickReplies),
    updated_at: ctx.clock.now(),
  };
  await canned.updateCanned(ctx.db, next);
  return toCanned(next);
}

export async function deleteCannedResponse(ctx: ServerContext, options: { businessId: string; cannedId: string }): Promise<void> {
  if (!(await canned.deleteCanned(ctx.db, options.businessId, options.cannedId))) throw new AppError('ERR_NOT_FOUND');
}
