import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBank, type TestBank } from '../../test/bank-fixtures';
import { findCustomerByUsername } from '../customers';
import { completeLink, isLinkTokenLive, linkedCustomerId, linkTokenTtlMs, offerLink, shortName, unlink } from './link.service';

// Account-linking tokens on a real bank database, with the bank's clock in the test's hands.

describe('account-linking tokens', () => {
  let bank: TestBank;
  let now = Date.UTC(2026, 10, 22, 9, 0, 0);
  let aliceId: string;
  const tokenOf = (url: string) => new URL(url).searchParams.get('token')!;

  beforeAll(async () => {
    bank = await startTestBank({ deps: { clock: { now: () => now } } });
    aliceId = (await findCustomerByUsername(bank.ctx.db, 'alice'))!.id;
  });
  afterAll(() => bank?.stop());

  it('offers a /link URL on the bank with a fresh random token, kept only as a hash', async () => {
    const first = await offerLink(bank.ctx, 'bsid_one');
    const second = await offerLink(bank.ctx, 'bsid_one');
    expect(first).toMatch(new RegExp(`^${bank.url}/link\\?token=[A-Za-z0-9_-]{43}$`));
    expect(tokenOf(first)).not.toBe(tokenOf(second));
    const rows = await bank.ctx.db.selectFrom('bot_link_tokens').selectAll().execute();
    expect(rows.some((row) => row.token_hash === tokenOf(first) || JSON.stringify(row).includes(tokenOf(first)))).toBe(false);
  });

  it('links the BSID it was offered to, once', async () => {
    const token = tokenOf(await offerLink(bank.ctx, 'bsid_two'));
    expect(await completeLink(bank.ctx, { token, customerId: aliceId })).toBe('bsid_two');
    expect(await linkedCustomerId(bank.ctx, 'bsid_two')).toBe(aliceId);
    expect(await completeLink(bank.ctx, { token, customerId: aliceId })).toBeNull();
    expect(await isLinkTokenLive(bank.ctx, token)).toBe(false);
    expect(await unlink(bank.ctx, 'bsid_two')).toBe(true);
    expect(await linkedCustomerId(bank.ctx, 'bsid_two')).toBeNull();
  });

  it('expires a token after 10 minutes', async () => {
    const token = tokenOf(await offerLink(bank.ctx, 'bsid_three'));
    now += linkTokenTtlMs - 1;
    expect(await isLinkTokenLive(bank.ctx, token)).toBe(true);
    now += 1;
    expect(await isLinkTokenLive(bank.ctx, token)).toBe(false);
    expect(await completeLink(bank.ctx, { token, customerId: aliceId })).toBeNull();
    expect(await linkedCustomerId(bank.ctx, 'bsid_three')).toBeNull();
  });

  it('names a customer in chat by first name and initial', () => {
    expect(shortName('Alice Example')).toBe('Alice E.');
    expect(shortName('Cher')).toBe('Cher');
  });
});
