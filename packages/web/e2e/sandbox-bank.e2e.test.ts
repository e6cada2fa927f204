import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getBalances } from '../../sandbox-bank/src/customers';
import { findCustomerByUsername } from '../../sandbox-bank/src/customers/customer.repository';
import { startBankParley, type BankParley } from '../../server/test/bank-parley-fixtures';
import { launchChromium, screenshot, webDistDir } from './harness';
import { newPerson, sendMessage, signUpWithPassword } from './people';

// The whole demo as a person meets it: Parley's web app, the Sandbox Bank's bot over signed
// webhooks, and the bank's own sign-in and link pages, in one real browser.
describe('the Sandbox Bank in the web app', () => {
  let world: BankParley;
  let browser: Browser;

  beforeAll(async () => {
    world = await startBankParley({ webDistDir });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await world?.close();
  });

  it('links the chat through the bank’s sign-in, then answers "balance" with the bank’s own figures', async () => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 850 } });
    const page = await context.newPage();
    await page.goto(`${world.t.baseUrl}/`);
    await signUpWithPassword(page, newPerson('Alice Example'));
    await page.getByRole('button', { name: 'Message Sandbox Bank' }).click();
    const link = page.getByRole('link', { name: /Link account/ });
    await link.waitFor();
    await screenshot(page, 'bank-bot-greeting');

    // The button opens the bank in a new tab: its sign-in, then a confirm page with a real form POST.
    const [bank] = await Promise.all([context.waitForEvent('page'), link.click()]);
    await bank.getByLabel('Username').fill('alice');
    await bank.getByLabel('Password').fill('alice-sandbox');
    await bank.getByRole('button', { name: 'Sign in' }).click();
    await bank.getByRole('heading', { name: /Link Sandbox Bank to your Parley chat/ }).waitFor();
    await screenshot(bank, 'bank-link-confirm');
    await bank.getByRole('button', { name: 'Link my account' }).click();
    await bank.getByRole('heading', { name: /linked/i }).waitFor();
    expect(await bank.textContent('body')).not.toContain("couldn't link");
    await bank.close();

    await page.getByRole('region', { name: 'Messages' }).getByText(/You're linked as Alice E\./).waitFor();
    await sendMessage(page, 'balance');
    const balances = page.getByRole('list', { name: 'Balances' });
    await balances.waitFor();
    const alice = await findCustomerByUsername(world.bank.ctx.db, 'alice');
    const [current] = await getBalances(world.bank.ctx, alice!.id);
    const shown = await balances.getByRole('listitem').filter({ hasText: current!.account.name }).innerText();
    // The web app writes money as people read it: £1,234.50.
    const pounds = (Math.abs(current!.bookedMinor) / 100).toLocaleString('en-GB', { minimumFractionDigits: 2 });
    expect(shown).toContain(pounds);
    await screenshot(page, 'bank-bot-balance');
    await context.close();
  });
});
