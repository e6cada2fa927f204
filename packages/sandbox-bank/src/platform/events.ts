import { EventEmitter } from 'node:events';

/** What happens inside the bank that another part of it acts on. */
export interface BankEventMap {
  /** The card network held a suspicious authorization; the customer should be asked about it. */
  'authorization.held': [{ readonly customerId: string; readonly authorizationId: string }];
  /** A consent ended: the customer revoked it at the bank, or the client deleted it. */
  'consent.revoked': [{ readonly consentId: string; readonly clientId: string; readonly by: 'customer' | 'client' }];
}

/** An in-process, typed event bus. Listeners run synchronously; do async work in them without awaiting the emit. */
export class BankEvents extends EventEmitter<BankEventMap> {}
