import { describe, expect, it } from 'vitest';
import { intentOfPayload, intentOfText, normalise, payloads } from './bot.intents';

describe('what the bot reads from text', () => {
  it.each([
    ['balance', 'balance'],
    ['What is my BALANCE?', 'balance'],
    ['how much money do I have', 'balance'],
    ['Recent transactions', 'transactions'],
    ['show me my spending!!', 'transactions'],
    ['lock my card', 'lock'],
    ['Freeze my card please', 'lock'],
    ['I lost my card', 'lock'],
    ['unlock my card', 'unlock'],
    ['UNFREEZE MY CARD.', 'unlock'],
    ['dispute a charge', 'dispute'],
    ["I don't recognise this payment", 'dispute'],
    ['I don’t recognise this payment', 'dispute'],
    ['I was charged twice', 'dispute'],
    ['talk to a person', 'human'],
    ['Can I speak to an agent?', 'human'],
    ['unlink', 'unlink'],
    ['link my account', 'link'],
    ['hello', 'greet'],
    ['Good morning!', 'greet'],
    ['thanks', 'thanks'],
    ['what can you do', 'help'],
    ['card', 'card.menu'],
    ['purple monkey dishwasher', 'unknown'],
    ['', 'unknown'],
  ])('"%s" → %s', (said, kind) => {
    expect(intentOfText(said).kind).toBe(kind);
  });

  it('ignores case, punctuation and spacing', () => {
    expect(normalise('  Lock   MY card!!! ')).toBe('lock my card');
  });
});

describe('what the bot reads from a tapped payload', () => {
  it('reads back every payload it makes, ids included', () => {
    expect(intentOfPayload(payloads.balance)).toEqual({ kind: 'balance' });
    expect(intentOfPayload(payloads.lock('card-1'))).toEqual({ kind: 'lock', cardId: 'card-1' });
    expect(intentOfPayload(payloads.unlock())).toEqual({ kind: 'unlock' });
    expect(intentOfPayload(payloads.disputePick('tx:1'))).toEqual({ kind: 'dispute.pick', transactionId: 'tx:1' });
    expect(intentOfPayload(payloads.disputeReason('tx:1', 'duplicate'))).toEqual({ kind: 'dispute.reason', transactionId: 'tx:1', reason: 'duplicate' });
    expect(intentOfPayload(payloads.unlockConfirm('card-1'))).toEqual({ kind: 'unlock.confirm', cardId: 'card-1' });
  });

  it('treats a payload it never makes as not understood', () => {
    expect(intentOfPayload('DISPUTE_REASON:made_up:tx-1').kind).toBe('unknown');
    expect(intentOfPayload('LOCK_CARD:').kind).toBe('unknown');
    expect(intentOfPayload('SOMETHING_ELSE').kind).toBe('unknown');
    // The quick replies of fraud alerts before the Alert API: "not me" must not lock without a passkey.
    expect(intentOfPayload('FRAUD_NOT_MINE:auth-1').kind).toBe('unknown');
  });
});
