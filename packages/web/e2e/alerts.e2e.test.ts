import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorize, getAuthorization, listCards, simulateAuthorizations } from '../../sandbox-bank/src/cards';
import { findCustomerByUsername } from '../../sandbox-bank/src/customers/customer.repository';
import { startBankParley, type BankParley } from '../../server/test/bank-parley-fixtures';
import { addVirtualAuthenticator, launchChromium, recordContext, screenshot, webDistDir } from './harness';
import { newPerson, sendMessage, signUpWithPasskey } from './people';

// The fraud-alert story as a person lives it, with everything real: Parley and its web app, the
// Sandbox Bank (its sign-in, consent pages, card network and bot), Chromium with a virtual
// passkey authenticator. The person links the bank, switches card alerts on, the card network
// holds a suspicious payment, the alert appears on the open page, "No, lock my card" asks for the
// passkey, the bank verifies Parley's proof and locks the card, and the next payment is declined.
describe('a fraud alert, answered with a passkey', () => {
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

  /** Link the bank's chat to Alice at the bank (the bot's account link, in a new tab). */
  async function linkChat(page: Page): Promise<void> {
    const link = page.getByRole('link', { name: /Link account/ });
    await link.waitFor();
    const [bank] = await Promise.all([page.context().waitForEvent('page'), link.click()]);
    await bank.getByLabel('Username').fill('alice');
    await bank.getByLabel('Password').fill('alice-sandbox');
    await bank.getByRole('button', { name: 'Sign in' }).click();
    await bank.getByRole('button', { name: 'Link my account' }).click();
    await bank.getByRole('heading', { name: /linked/i }).waitFor();
    await bank.close();
    await page.bringToFront();
    await page.getByRole('region', { name: 'Messages' }).getByText(/You're linked as Alice E\./).waitFor();
  }

  /** Link the bank in the Money panel (its consent pages); Parley then offers the bank's alerts. */
  async function linkMoney(page: Page): Promise<void> {
    await page.getByRole('link', { name: 'Money', exact: true }).click();
    await page.getByRole('button', { name: 'Continue to your bank' }).click();
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill('alice-sandbox');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: /is asking to see your data/ }).waitFor();
    const accounts = page.getByRole('checkbox');
    for (let i = 0; i < (await accounts.count()); i += 1) await accounts.nth(i).check();
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.getByRole('status').filter({ hasText: 'Your bank is linked' }).waitFor();
  }

  it('links the bank, switches card alerts on, and locks the card from the alert with a passkey; the next payment is declined', async () => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 850 } });
    const log = recordContext(context);
    const page = await context.newPage();
    try {
      await addVirtualAuthenticator(context, page);
      await page.goto(`${world.t.baseUrl}/`);
      await signUpWithPasskey(page, newPerson('Alice Example'));
      await page.getByRole('button', { name: 'Message Sandbox Bank' }).click();
      await linkChat(page);
      await linkMoney(page);

      // Right after linking: the bank's alerts and its notices, every one off until switched on.
      const offer = page.getByRole('region', { name: 'Get alerts from Sandbox Bank?' });
      const cardAlerts = offer.getByRole('switch', { name: 'Card payments to check' });
      await cardAlerts.waitFor();
      expect(await offer.getByRole('switch').evaluateAll((switches) => switches.map((s) => (s as HTMLInputElement).checked))).toEqual([false, false, false, false, false, false]);
      await expect(offer.getByRole('switch', { name: 'Notices from Sandbox Bank' }).isChecked()).resolves.toBe(false);
      await screenshot(page, 'alerts-offer-after-link');
      await cardAlerts.check();
      await offer.getByRole('status').filter({ hasText: 'Card payments to check from Sandbox Bank: on.' }).waitFor();

      // The conversation is open when the card network holds a suspicious payment.
      await page.getByRole('navigation', { name: 'Conversations' }).getByRole('link', { name: /Sandbox Bank/ }).click();
      await page.getByRole('region', { name: 'Messages' }).waitFor();
      const alice = (await findCustomerByUsername(world.bank.ctx.db, 'alice'))!;
      const [held] = await simulateAuthorizations(world.bank.ctx, { customer: 'alice', suspicious: true });
      expect(held?.status).toBe('held');
      const card = page.getByRole('article', { name: /^Alert: Did you just spend £842\.10 at / });
      await card.waitFor();
      expect(await card.innerText()).toContain(held!.cardLast4);
      await card.scrollIntoViewIfNeeded();
      await screenshot(page, 'alert-card-desktop');
      await page.emulateMedia({ colorScheme: 'dark' });
      await screenshot(page, 'alert-card-desktop-dark');
      await page.emulateMedia({ colorScheme: 'light' });
      await page.setViewportSize({ width: 390, height: 844 });
      await card.scrollIntoViewIfNeeded();
      await screenshot(page, 'alert-card-phone');
      await page.setViewportSize({ width: 1200, height: 850 });

      // "No, lock my card": the passkey (the virtual authenticator says yes), then the bank acts.
      await card.getByRole('button', { name: /No, lock my card/ }).click();
      await card.getByRole('status').filter({ hasText: 'You answered “No, lock my card”' }).filter({ hasText: 'confirmed with your passkey' }).waitFor();
      await page.getByRole('region', { name: 'Messages' }).getByText('Payment declined, card locked').waitFor();
      expect((await getAuthorization(world.bank.ctx, held!.id))?.status).toBe('declined');
      const locked = (await listCards(world.bank.ctx, alice.id)).find((candidate) => candidate.id === held!.cardId);
      expect(locked?.locked).toBe(true);
      const next = await authorize(world.bank.ctx, { cardId: held!.cardId, amountMinor: 450, merchant: 'Pret A Manger', mcc: '5814', country: 'GB' });
      expect([next.status, next.declineReason]).toEqual(['declined', 'card_locked']);
      await screenshot(page, 'alert-answered-desktop');
      await page.setViewportSize({ width: 390, height: 844 });
      await screenshot(page, 'alert-answered-phone');
      await page.setViewportSize({ width: 1200, height: 850 });

      // Unlocking asks for the passkey too, through the bot's step-up button.
      await sendMessage(page, 'unlock my card');
      await page.getByRole('button', { name: /Unlock with passkey/ }).click();
      const unlocked = page.getByRole('region', { name: 'Messages' }).getByText('Card unlocked');
      // A refusal is shown under the button: fail with its words rather than a timeout.
      await unlocked.or(page.locator('.step-up-error')).first().waitFor();
      expect(await page.locator('.step-up-error').allInnerTexts()).toEqual([]);
      await unlocked.waitFor();
      expect((await listCards(world.bank.ctx, alice.id)).find((candidate) => candidate.id === held!.cardId)?.locked).toBe(false);
      await screenshot(page, 'unlock-with-passkey');

      // An alert that ends while it is on screen shows as expired and offers no answer any more.
      const { bsid } = await world.bank.ctx.db.selectFrom('bot_links').select('bsid').where('customer_id', '=', alice.id).executeTakeFirstOrThrow();
      await world.parley.sendAlert(
        {
          recipient: { bsid },
          kind: 'card_transaction_review',
          headline: 'Did you just spend £12.00 at Corner Shop in Leeds?',
          facts: { amount: { amount: '12.00', currency: 'GBP' }, merchant: 'Corner Shop', place: 'Leeds, United Kingdom', time: new Date().toISOString() },
          actions: [{ id: 'confirm', label: 'Yes, it was me', style: 'primary', requiresStepUp: false }],
          expiresAt: Date.now() + 3_000,
        },
        { idempotencyKey: 'e2e-expiring-alert' },
      );
      const expiring = page.getByRole('article', { name: /£12\.00 at Corner Shop/ });
      await expiring.getByRole('button', { name: 'Yes, it was me' }).waitFor();
      await expiring.getByText(/This alert expired at .* and can no longer be answered\./).waitFor({ timeout: 15_000 });
      expect(await expiring.getByRole('button').count()).toBe(0);
      await screenshot(page, 'alert-expired');

      // The Alerts page: the switch as set, and the alerts with their answers.
      await page.getByRole('link', { name: 'Alerts', exact: true }).click();
      const history = page.getByRole('list', { name: 'Alerts' });
      const entry = history.getByRole('listitem').filter({ hasText: 'Did you just spend £842.10' });
      await entry.filter({ hasText: 'Answered' }).filter({ hasText: '“No, lock my card”' }).filter({ hasText: 'confirmed with your passkey' }).waitFor();
      expect(await entry.innerText()).toContain('Sandbox Bank');
      await history.getByRole('listitem').filter({ hasText: 'Corner Shop' }).filter({ hasText: 'Expired' }).waitFor();
      expect(await page.getByRole('list', { name: 'Alerts from Sandbox Bank' }).getByRole('switch', { name: 'Card payments to check' }).isChecked()).toBe(true);
      await screenshot(page, 'alerts-page-desktop');
      await page.getByRole('heading', { name: 'Alert history' }).scrollIntoViewIfNeeded();
      await screenshot(page, 'alerts-history-desktop');
      await page.emulateMedia({ colorScheme: 'dark' });
      await screenshot(page, 'alerts-history-desktop-dark');
      await page.emulateMedia({ colorScheme: 'light' });
      await page.setViewportSize({ width: 390, height: 844 });
      await page.getByRole('heading', { name: 'Alerts', exact: true }).scrollIntoViewIfNeeded();
      await screenshot(page, 'alerts-page-phone');
      await page.getByRole('heading', { name: 'Alert history' }).scrollIntoViewIfNeeded();
      await screenshot(page, 'alerts-history-phone');
    } catch (error) {
      console.log(log.slice(-80).join('\n'));
      throw error;
    } finally {
      await context.close();
    }
  });
});
