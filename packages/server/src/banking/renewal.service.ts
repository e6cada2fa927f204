import type { ServerContext } from '../context';
import { appendMessage, openConversationOf } from '../messaging';
import * as consents from './consent.repository';
import { findInstitution } from './institution.service';

/** People are told this long before a consent ends. */
export const renewalNoticeMs = 7 * 24 * 60 * 60_000;
const checkEveryMs = 60 * 60_000;

const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Tell each person whose consent ends within 7 days, once, in their conversation with that bank:
 * a Parley message with a Renew button (to the web app, which links again; the old consent stays
 * in the history). Returns how many were told.
 */
export async function remindRenewals(ctx: ServerContext): Promise<number> {
  const now = ctx.clock.now();
  const due = await consents.consentsDueForReminder(ctx.db, { now, endsBefore: now + renewalNoticeMs, limit: 200 });
  let told = 0;
  for (const consent of due) {
    const institution = await findInstitution(ctx.db, consent.institution_id);
    // Claimed before it is sent: two nodes never both send it (a crash in between loses one reminder, not the consent).
    if (!institution || !(await consents.markReminded(ctx.db, consent.id, now))) continue;
    const { conversation } = await openConversationOf(ctx, { personId: consent.person_id, businessId: institution.business_id });
    const renewUrl = new URL(`/?renew=${consent.id}`, ctx.config.publicUrl).href;
    await appendMessage(ctx, {
      conversationId: conversation.id,
      sender: 'system',
      clientId: `renew-${consent.id}`,
      content: {
        contentType: 'buttons',
        text: `Your link with ${institution.name} ends on ${dateOf(Number(consent.expires_at))}. Renew it to keep seeing your balances and transactions here; if you do nothing, Parley stops reading and erases what it kept.`,
        buttons: [{ type: 'url', title: 'Renew', url: renewUrl }],
      },
    });
    told++;
  }
  return told;
}

/** Look for consents to remind about now and every hour; `stop` waits for a run under way. */
export function startRenewalReminders(ctx: ServerContext): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const run = () => {
    running = remindRenewals(ctx).catch((error: unknown) => ctx.log.error({ err: error }, 'renewal reminders failed'));
  };
  const timer = setInterval(run, checkEveryMs);
  timer.unref();
  run();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
