import type { SetBusinessMenuBody } from '@parley/protocol';
import { payloads } from './bot.intents';

/**
 * The get-started button and the persistent menu. Parley allows three menu items (docs/menu.md),
 * so "Card & help" opens the card actions and the way to a person as quick replies.
 */
export const botMenu: SetBusinessMenuBody = {
  getStarted: { title: 'Get started', payload: payloads.getStarted },
  persistentMenu: [
    { type: 'postback', title: 'Balance', payload: payloads.balance },
    { type: 'postback', title: 'Recent transactions', payload: payloads.transactions },
    { type: 'postback', title: 'Card & help', payload: payloads.cardMenu },
  ],
};
