import type { BusinessContent } from '@parley/sdk';
import { disputeReasons, payloads, type DisputeReason } from './bot.intents';

// What the bot says, as Parley content. Pure functions of what they are given: no database, no I/O.

type QuickReplies = Extract<BusinessContent, { contentType: 'quick_replies' }>['quickReplies'];

/** Titles of quick replies are at most 20 characters (they must fit on a chip on a phone). */
export function chipTitle(text: string): string {
  return text.length <= 20 ? text : `${text.slice(0, 19).trimEnd()}…`;
}

const everything: QuickReplies = [
  { title: 'Balance', payload: payloads.balance },
  { title: 'Recent transactions', payload: payloads.transactions },
  { title: 'Lock my card', payload: payloads.lock() },
  { title: 'Unlock my card', payload: payloads.unlock() },
  { title: 'Dispute a charge', payload: payloads.dispute },
  { title: 'Talk to a person', payload: payloads.human },
];

const abilities = 'I can show your balance and recent transactions, lock or unlock your card, help you dispute a charge, or put you through to a person.';

/** The first words of the bot, and the same menu whenever the person asks for it. */
export function greeting(input: { linkedAs: string | null; linkUrl: string | null }): BusinessContent {
  if (input.linkedAs !== null || input.linkUrl === null) {
    const hello = input.linkedAs ? `Hi ${input.linkedAs}! ` : 'Hi! ';
    return { contentType: 'quick_replies', text: `${hello}${abilities} What would you like to do?`, quickReplies: everything };
  }
  // Parley has just shown the bank's own greeting: no second "Hi".
  return linkOffer(input.linkUrl, `I'm the Sandbox Bank assistant. ${abilities} First, link your Sandbox Bank account so I know it's you.`);
}

/** The account-link button (and a way to a person without linking). */
export function linkOffer(url: string, text: string): BusinessContent {
  return {
    contentType: 'buttons',
    text,
    buttons: [
      { type: 'account_link', title: 'Link account', url },
      { type: 'postback', title: 'Talk to a person', payload: payloads.human },
    ],
  };
}

export const needsLink = (what: string): string =>
  `To ${what} I need to know who you are at Sandbox Bank. Link your account: you'll sign in at the bank, and nothing is shared until you say so. The link works once, for 10 minutes.`;

/** Never silence: what the bot did not understand is answered with what it can do. */
export function notUnderstood(linked: boolean): BusinessContent {
  const text = `Sorry, I didn't catch that. ${abilities} Tap one of these, or type it in your own words${linked ? '' : ' (link your account first for anything about your money)'}.`;
  return { contentType: 'quick_replies', text, quickReplies: everything };
}

export function help(linked: boolean): BusinessContent {
  return { contentType: 'quick_replies', text: `${abilities}${linked ? '' : ' For anything about your money, link your account first: say "link my account".'}`, quickReplies: everything };
}

export function cardMenu(): BusinessContent {
  return {
    contentType: 'quick_replies',
    text: 'What would you like to do with your card?',
    quickReplies: [
      { title: 'Lock my card', payload: payloads.lock() },
      { title: 'Unlock my card', payload: payloads.unlock() },
      { title: 'Dispute a charge', payload: payloads.dispute },
      { title: 'Recent transactions', payload: payloads.transactions },
      { title: 'Talk to a person', payload: payloads.human },
    ],
  };
}

export function linked(name: string): BusinessContent {
  return {
    contentType: 'quick_replies',
    text: `You're linked as ${name}${name.endsWith('.') ? '' : '.'} Ask me for your balance, your recent transactions or your card. You can unlink at any time.`,
    quickReplies: [
      { title: 'Balance', payload: payloads.balance },
      { title: 'Recent transactions', payload: payloads.transactions },
      { title: 'Unlink', payload: payloads.unlink },
    ],
  };
}

export function unlinked(url: string): BusinessContent {
  return linkOffer(url, "Done: this chat is no longer linked to your Sandbox Bank account, and I can't see your accounts any more. Link again whenever you like.");
}

export function handingOver(): BusinessContent {
  return { contentType: 'text', text: "I'm passing you to a member of our team. They'll reply here; I'll stay out of the way until they're done." };
}

export function backFromInbox(): BusinessContent {
  return { contentType: 'quick_replies', text: "I'm back. Anything else I can help with?", quickReplies: everything };
}

export function reasonChoice(transactionId: string, description: string): BusinessContent {
  return {
    contentType: 'quick_replies',
    text: `What's wrong with ${description}?`,
    quickReplies: (Object.entries(disputeReasons) as [DisputeReason, string][]).map(([reason, title]) => ({ title, payload: payloads.disputeReason(transactionId, reason) })),
  };
}

export function text(value: string): BusinessContent {
  return { contentType: 'text', text: value };
}
