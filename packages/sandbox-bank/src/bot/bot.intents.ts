/** Why a charge is disputed; the customer picks one by quick reply. */
export const disputeReasons = {
  unrecognised: "I don't recognise it",
  duplicate: 'Charged twice',
  not_received: 'Item not received',
  wrong_amount: 'Wrong amount',
} as const;
export type DisputeReason = keyof typeof disputeReasons;

/** What the person wants, read from their text or from the payload of what they tapped. */
export type Intent =
  | { readonly kind: 'greet' }
  | { readonly kind: 'help' }
  | { readonly kind: 'thanks' }
  | { readonly kind: 'balance' }
  | { readonly kind: 'transactions' }
  | { readonly kind: 'card.menu' }
  | { readonly kind: 'lock'; readonly cardId?: string }
  | { readonly kind: 'unlock'; readonly cardId?: string }
  /** The tap on "Unlock with passkey": acted on only with a step-up proof. */
  | { readonly kind: 'unlock.confirm'; readonly cardId: string }
  | { readonly kind: 'dispute' }
  | { readonly kind: 'dispute.pick'; readonly transactionId: string }
  | { readonly kind: 'dispute.reason'; readonly transactionId: string; readonly reason: DisputeReason }
  | { readonly kind: 'human' }
  | { readonly kind: 'link' }
  | { readonly kind: 'unlink' }
  | { readonly kind: 'unknown' };

/** Payloads of the bot's buttons, quick replies and menu items. Ids ride after a colon. */
export const payloads = {
  getStarted: 'GET_STARTED',
  help: 'HELP',
  balance: 'BALANCE',
  transactions: 'TRANSACTIONS',
  cardMenu: 'CARD_MENU',
  lock: (cardId?: string) => (cardId ? `LOCK_CARD:${cardId}` : 'LOCK_CARD'),
  unlock: (cardId?: string) => (cardId ? `UNLOCK_CARD:${cardId}` : 'UNLOCK_CARD'),
  unlockConfirm: (cardId: string) => `UNLOCK_CONFIRM:${cardId}`,
  dispute: 'DISPUTE',
  disputePick: (transactionId: string) => `DISPUTE_TX:${transactionId}`,
  disputeReason: (transactionId: string, reason: DisputeReason) => `DISPUTE_REASON:${reason}:${transactionId}`,
  human: 'HUMAN',
  link: 'LINK',
  unlink: 'UNLINK',
} as const;

const simple: Record<string, Intent> = {
  GET_STARTED: { kind: 'greet' },
  HELP: { kind: 'help' },
  BALANCE: { kind: 'balance' },
  TRANSACTIONS: { kind: 'transactions' },
  CARD_MENU: { kind: 'card.menu' },
  LOCK_CARD: { kind: 'lock' },
  UNLOCK_CARD: { kind: 'unlock' },
  DISPUTE: { kind: 'dispute' },
  HUMAN: { kind: 'human' },
  LINK: { kind: 'link' },
  UNLINK: { kind: 'unlink' },
};

function isReason(value: string): value is DisputeReason {
  return Object.hasOwn(disputeReasons, value);
}

/**
 * The intent of a tapped payload. A payload is what the person said, not proof the bot offered
 * it (a client can send any postback): the ids in it are checked against the linked customer
 * by whoever acts on them.
 */
export function intentOfPayload(payload: string): Intent {
  const known = simple[payload];
  if (known) return known;
  const [head = '', ...rest] = payload.split(':');
  const tail = rest.join(':');
  if (!tail) return { kind: 'unknown' };
  switch (head) {
    case 'LOCK_CARD':
      return { kind: 'lock', cardId: tail };
    case 'UNLOCK_CARD':
      return { kind: 'unlock', cardId: tail };
    case 'UNLOCK_CONFIRM':
      return { kind: 'unlock.confirm', cardId: tail };
    case 'DISPUTE_TX':
      return { kind: 'dispute.pick', transactionId: tail };
    case 'DISPUTE_REASON': {
      const [reason = '', ...id] = rest;
      return isReason(reason) && id.length > 0 ? { kind: 'dispute.reason', reason, transactionId: id.join(':') } : { kind: 'unknown' };
    }
    // FRAUD_MINE / FRAUD_NOT_MINE were the quick replies of fraud alerts before the Alert API:
    // answers now come as `alert.answered`, locking only with a passkey, so an old tap does nothing.
    default:
      return { kind: 'unknown' };
  }
}

/** Lower case, curly quotes straightened, punctuation gone, spaces collapsed: "Lock my card!!" → "lock my card". */
export function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/[’‘`]/g, "'")
    .replace(/[^\p{L}\p{N}' ]+/gu, ' ')
    .replace(/'/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

// Order matters: the first rule that matches wins, so "unlock" is tried before "lock",
// "dispute a payment" before "payments", "unlink" before "link".
const rules: readonly [RegExp, Intent][] = [
  [/\b(unlink|disconnect|forget me)\b/, { kind: 'unlink' }],
  [/\b(human|person|agent|someone|somebody|advis[eo]r|operator|representative|staff|real people)\b|\b(speak|talk|chat) to (a|an|the|some)\b|\bcall me\b/, { kind: 'human' }],
  [/\b(dispute|chargeback|charge ?back|charged twice|double charged|dont recogni[sz]e|unrecogni[sz]ed|wrong (amount|charge)|refund)\b/, { kind: 'dispute' }],
  [/\b(unlock|unfreeze|unblock|reactivate|unlocking)\b/, { kind: 'unlock' }],
  [/\b(lock|freeze|block|stolen|lost)\b.*\bcard\b|\bcard\b.*\b(lock|freeze|block|stolen|lost)\b|^(lock|freeze|block)( it)?$/, { kind: 'lock' }],
  [/\b(balances?|how much (money )?(do i have|have i got|is (there|left))|funds|whats in my account)\b/, { kind: 'balance' }],
  [/\b(transactions?|recent|spending|spent|statement|history|payments?|purchases?)\b/, { kind: 'transactions' }],
  [/\b(cards?)\b/, { kind: 'card.menu' }],
  [/\b(link|connect|log ?in|sign ?in)\b/, { kind: 'link' }],
  [/\b(thanks?|thank you|cheers|ta)\b/, { kind: 'thanks' }],
  [/^(hi|hello|hey|hiya|yo|good (morning|afternoon|evening)|start|get started|menu)( there)?$/, { kind: 'greet' }],
  [/\b(help|what can you do|options|what do you do)\b/, { kind: 'help' }],
];

/** The intent of typed text, matched loosely: case, punctuation and a few synonyms do not matter. */
export function intentOfText(text: string): Intent {
  const said = normalise(text);
  for (const [pattern, intent] of rules) if (pattern.test(said)) return intent;
  return { kind: 'unknown' };
}
