import type { BusinessContent, SendApiResult, WebhookEventData } from '@parley/sdk';
import { decodeJwt } from 'jose';
import { isStepUpOffer, rememberStepUpOffers } from './bot.repository';
import { text } from './bot.replies';
import type { BotRuntime } from './bot.runtime';
import { unlockConfirmed } from './card.answers';
import { checkStepUp } from './step-up.check';

type Postback = WebhookEventData<'postback'>;

/**
 * The message a proof claims to confirm a button of (`ref` = `<conversationId>:<seq>`), read
 * without trusting it: verifyStepUp then checks the signature over exactly that claim.
 */
function offeredSeq(proof: string | undefined, conversationId: string): number | null {
  if (!proof) return null;
  try {
    const { ref } = decodeJwt(proof);
    const match = typeof ref === 'string' ? /^(.+):(\d{1,15})$/.exec(ref) : null;
    return match && match[1] === conversationId ? Number(match[2]) : null;
  } catch {
    return null;
  }
}

/**
 * "Unlock with passkey" was tapped: unlock only if the postback carries a step-up proof that
 * Parley signed for this BSID, for this payload on a message where the bot offered exactly this
 * button, never used before. Otherwise the card stays locked and the customer is told why.
 */
export async function unlockWithStepUp(bot: BotRuntime, input: { customerId: string; cardId: string; postback: Postback }): Promise<BusinessContent[]> {
  const { postback } = input;
  const { conversationId, payload } = postback;
  const seq = offeredSeq(postback.stepUp, conversationId);
  const offered = seq !== null && (await isStepUpOffer(bot.ctx.db, { conversationId, seq, payload }));
  const proof = offered ? await checkStepUp(bot, { proof: postback.stepUp, bsid: postback.bsid, expect: { kind: 'postback', conversationId, seq, payload } }) : null;
  if (!proof?.ok) {
    if (!offered) bot.ctx.log.warn({ bsid: postback.bsid }, 'bot: an unlock tap without a proof for a button the bot offered');
    return [text('I couldn\'t confirm with your passkey that it\'s you, so your card stays locked. Say "unlock my card" to try again.')];
  }
  return unlockConfirmed(bot.ctx, { customerId: input.customerId, cardId: input.cardId });
}

/** After sending: remember each message that offered a button needing a passkey. */
export async function rememberOffers(bot: BotRuntime, contents: readonly BusinessContent[], sent: readonly SendApiResult[]): Promise<void> {
  const rows = contents.flatMap((content, index) => {
    const landed = sent[index];
    if (!landed || content.contentType !== 'buttons') return [];
    return content.buttons
      .filter((button) => button.type === 'postback' && button.requiresStepUp === true)
      .map((button) => ({ conversation_id: landed.conversationId, seq: landed.seq, payload: button.type === 'postback' ? button.payload : '', created_at: bot.ctx.clock.now() }));
  });
  await rememberStepUpOffers(bot.ctx.db, rows);
}
