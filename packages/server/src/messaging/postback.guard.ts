import type { MessageContent } from '@parley/protocol';
import type { ServerContext } from '../context';
import { AppError } from '../platform/errors';
import { openBodies } from './message.body';
import { findChoiceOffers } from './postback.repository';

/** The postback choices (buttons and quick replies) a business message offers: payload → needs step-up. */
export function choicesOf(content: MessageContent): Map<string, boolean> {
  const choices = new Map<string, boolean>();
  const add = (payload: string, requiresStepUp: boolean | undefined) => choices.set(payload, (choices.get(payload) ?? false) || requiresStepUp === true);
  if (content.contentType === 'quick_replies') for (const reply of content.quickReplies) add(reply.payload, reply.requiresStepUp);
  if (content.contentType === 'buttons') for (const button of content.buttons) if (button.type === 'postback') add(button.payload, button.requiresStepUp);
  return choices;
}

/**
 * A tap with this payload needs a passkey confirmation when any business message of the
 * conversation offered it with `requiresStepUp`: a tap that names no message (a WebSocket send)
 * cannot dodge the rule by pretending to come from an older or a menu choice.
 */
export async function needsStepUp(ctx: ServerContext, options: { conversationId: string; payload: string }): Promise<boolean> {
  for (const { body } of await openBodies(ctx, await findChoiceOffers(ctx.db, options.conversationId))) {
    if (choicesOf(JSON.parse(body) as MessageContent).get(options.payload) === true) return true;
  }
  return false;
}

/** ERR_STEP_UP_REQUIRED for a person's postback without a proof whose payload needs one; other content passes. */
export async function refuseUnprovenPostback(ctx: ServerContext, options: { conversationId: string; content: MessageContent }): Promise<void> {
  const { content, conversationId } = options;
  if (content.contentType !== 'postback') return;
  if (await needsStepUp(ctx, { conversationId, payload: content.payload })) throw new AppError('ERR_STEP_UP_REQUIRED');
}
