import fs from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getBalances } from '../../sandbox-bank/src/customers';
import { findCustomerByUsername } from '../../sandbox-bank/src/customers/customer.repository';
import { startBankParley, type BankParley } from '../../server/test/bank-parley-fixtures';
import { launchChromium, recordContext, screenshot, webDistDir } from './harness';
import { newPerson, signUpWithPassword } from './people';

// Issue 5 as a person meets it: link the Sandbox Bank through its real sign-in and consent
// pages, see balances and both charts, revoke in the Privacy Center, and see the data gone.
describe('the Money panel and the Privacy Center', () => {
  let world: BankParley;
  let browser: Browser;

  beforeAll(async () => {
    world = await startBankParley({ webDistDir, linkable: true });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await world?.close();
  });

  it('links the bank at the bank, shows balances and charts, revoking erases them with a receipt, and the account exports and deletes', async () => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 850 }, acceptDownloads: true });
    const log = recordContext(context);
    const page = await context.newPage();
    try {
      await page.goto(`${world.t.baseUrl}/`);
      const person = newPerson('Alice Example');
      await signUpWithPassword(page, person);
      // The bank's conversation offers the link; the Money panel has the form.
      await page.getByRole('button', { name: 'Message Sandbox Bank' }).click();
      await page.getByRole('link', { name: 'Link a bank' }).waitFor();
      await page.setViewportSize({ width: 390, height: 844 });
      await screenshot(page, 'money-chat-entry-phone');
      await page.setViewportSize({ width: 1200, height: 850 });
      await page.getByRole('link', { name: 'Link a bank' }).click();
      await page.getByText('No bank is linked yet').waitFor();
      // Each permission is offered with what it is for, all chosen; 90 days unless changed.
      await expect(page.getByRole('checkbox', { name: /Balances/ }).isChecked()).resolves.toBe(true);
      await expect(page.getByLabel('For how long').inputValue()).resolves.toBe('90');
      await screenshot(page, 'money-link-form');

      // Cancelling at the bank comes back with a clear message, and nothing linked.
      await page.getByRole('button', { name: 'Continue to your bank' }).click();
      await page.getByRole('button', { name: 'Cancel' }).click();
      await page.getByRole('alert').filter({ hasText: 'You cancelled at your bank. Nothing was linked and nothing was stored.' }).waitFor();
      expect(new URL(page.url()).search).toBe('');
      await screenshot(page, 'money-link-cancelled');

      await page.getByRole('button', { name: 'Continue to your bank' }).click();
      await page.getByLabel('Username').fill('alice');
      await page.getByLabel('Password').fill('alice-sandbox');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: /is asking to see your data/ }).waitFor();
      const accounts = page.getByRole('checkbox');
      for (let i = 0; i < (await accounts.count()); i += 1) await accounts.nth(i).check();
      await screenshot(page, 'money-bank-consent');
      await page.getByRole('button', { name: 'Allow' }).click();

      // Back in Parley: the notice, and the bank's own figures.
      await page.getByRole('status').filter({ hasText: 'Your bank is linked' }).waitFor();
      expect(new URL(page.url()).pathname).toBe('/app/money');
      const alice = await findCustomerByUsername(world.bank.ctx.db, 'alice');
      const [current] = await getBalances(world.bank.ctx, alice!.id);
      const pounds = (Math.abs(current!.bookedMinor) / 100).toLocaleString('en-GB', { minimumFractionDigits: 2 });
      const balances = page.getByRole('list', { name: 'Balances' });
      await balances.getByRole('listitem').filter({ hasText: current!.account.name }).filter({ hasText: pounds }).waitFor();
      await page.getByRole('img', { name: /Spending by category, last 30 days/ }).waitFor();
      await page.getByRole('img', { name: /Balance over the last 30 days/ }).waitFor();
      await page.getByText(/From Sandbox Bank at/).first().waitFor();
      await screenshot(page, 'money-desktop');

      // Search: a merchant's name narrows the list to that merchant.
      const first = page.getByRole('list', { name: 'Transactions' }).getByRole('listitem').first();
      const merchant = (await first.locator('.item-title').innerText()).trim();
      await page.getByLabel('Merchant or description').fill(merchant);
      const titles = await page.getByRole('list', { name: 'Transactions' }).locator('.item-title').allInnerTexts();
      expect(titles.length).toBeGreaterThan(0);
      expect(titles.every((title) => title.toLowerCase().includes(merchant.toLowerCase()))).toBe(true);
      await page.getByRole('heading', { name: 'Transactions' }).scrollIntoViewIfNeeded();
      await screenshot(page, 'money-transactions-search');
      await page.getByLabel('Merchant or description').fill('');

      await page.emulateMedia({ colorScheme: 'dark' });
      await screenshot(page, 'money-desktop-dark');
      await page.emulateMedia({ colorScheme: 'light' });
      await page.setViewportSize({ width: 390, height: 844 });
      await page.getByRole('heading', { name: 'Money', exact: true }).scrollIntoViewIfNeeded();
      await screenshot(page, 'money-phone');
      await page.setViewportSize({ width: 1200, height: 850 });

      // The Privacy Center: the link, its purposes, the reads just made; revoke in one tap, confirmed.
      await page.getByRole('link', { name: 'Privacy', exact: true }).click();
      await page.getByRole('heading', { name: /Sandbox Bank\s*Active/ }).waitFor();
      await page.getByRole('list', { name: 'Access log entries' }).getByRole('listitem').filter({ hasText: 'Balances · Sandbox Bank' }).first().waitFor();
      await page.getByRole('button', { name: 'Download Consent receipt, Sandbox Bank' }).waitFor();
      await screenshot(page, 'privacy-desktop');
      // The filters narrow the log: the reads before linking were refused, those after allowed.
      const entries = page.getByRole('list', { name: 'Access log entries' }).getByRole('listitem');
      // Both kinds are on show before a filter, so wait for the filtered list, not for one entry.
      await page.getByLabel('Outcome').selectOption('refused');
      await expect.poll(() => entries.filter({ hasText: 'Allowed' }).count()).toBe(0);
      await entries.filter({ hasText: 'no consent covers this data' }).first().waitFor();
      await page.getByLabel('Outcome').selectOption('allowed');
      await expect.poll(() => entries.filter({ hasText: 'Refused' }).count()).toBe(0);
      await entries.filter({ hasText: 'Balances · Sandbox Bank' }).first().waitFor();
      await page.getByRole('heading', { name: 'Access log' }).scrollIntoViewIfNeeded();
      await screenshot(page, 'privacy-access-log');
      await page.getByRole('button', { name: 'Revoke Sandbox Bank' }).click();
      await screenshot(page, 'privacy-confirm');
      await page.getByRole('button', { name: 'Yes, revoke' }).click();
      await page.getByRole('status').filter({ hasText: 'Sandbox Bank is unlinked' }).waitFor();
      const revocation = page.getByRole('list', { name: 'Receipts' }).getByRole('listitem').filter({ hasText: 'Revocation receipt, Sandbox Bank' });
      await revocation.waitFor();
      await page.getByText('No bank is linked. Parley cannot read any of your bank data.').waitFor();
      await page.setViewportSize({ width: 390, height: 844 });
      await screenshot(page, 'privacy-phone-revoked');
      await page.setViewportSize({ width: 1200, height: 850 });

      // The receipt downloads as a compact JWS.
      const [download] = await Promise.all([page.waitForEvent('download'), revocation.getByRole('button', { name: /Download/ }).click()]);
      const jws = fs.readFileSync((await download.path())!, 'utf8');
      expect(jws).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
      const claims = JSON.parse(Buffer.from(jws.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
      expect(JSON.stringify(claims)).toContain('Sandbox Bank');

      // The money data is gone.
      await page.getByRole('link', { name: 'Money', exact: true }).click();
      await page.getByText('No bank is linked yet').waitFor();
      expect(await page.getByRole('list', { name: 'Balances' }).count()).toBe(0);
      await screenshot(page, 'money-after-revoke');

      // Everything Parley holds about me, as one file — and then gone for good.
      await page.getByRole('link', { name: 'Privacy', exact: true }).click();
      const [exported] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download my data' }).click()]);
      const everything = fs.readFileSync((await exported.path())!, 'utf8');
      expect(everything).toContain(person.email);
      expect(everything).toContain('Sandbox Bank');
      await page.getByRole('button', { name: 'Delete my account' }).click();
      const forGood = page.getByRole('button', { name: 'Delete my account for good' });
      expect(await forGood.isDisabled()).toBe(true);
      await page.getByRole('textbox', { name: /To delete your account, type/ }).fill('delete my account');
      await forGood.click();
      await page.getByText('Your account is deleted.').waitFor();
      await page.getByRole('button', { name: 'Sign in with email and password' }).click();
      await page.getByLabel('Email').fill(person.email);
      await page.getByLabel('Password').fill(person.password);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.getByText('The email or password is not right.').waitFor();
    } catch (error) {
      console.log(log.slice(-60).join('\n'));
      throw error;
    } finally {
      await context.close();
    }
  });
});
