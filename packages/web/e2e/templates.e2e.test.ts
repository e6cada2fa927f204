import { randomUUID } from 'node:crypto';
import type { Business, BusinessContent, CreatedApiKey, SendApiResult, WebhookDeliveryList, WebhookEvent } from '@parley/protocol';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type WebhookReceiver } from '../../server/test/webhooks-fixtures';
import { launchChromium, recordContext, screenshot, startParley, type RunningParley } from './harness';
import { bubble, newPerson, signUpWithPassword } from './people';

// The bank is this test, on the public Business API only: it learns the person's BSID from its
// webhook, sends cards and choices with the Send API, and hears the person's tap as a postback.

const operatorToken = 'e2e-operator-token-0123456789abcdef-send';

const balance: BusinessContent = {
  contentType: 'template.balance',
  accounts: [
    { name: 'Everyday account', mask: '1234', balance: { amount: '1520.35', currency: 'EUR' }, available: { amount: '1420.35', currency: 'EUR' } },
    { name: 'Savings', mask: '9876', balance: { amount: '123456789012345.6789', currency: 'EUR' } },
  ],
  asOf: '2026-11-03T09:30:00Z',
};
const transactions: BusinessContent = {
  contentType: 'template.transactions',
  title: 'Card ending 1234',
  transactions: [
    { date: '2026-11-02', merchant: 'Corner Café', amount: { amount: '-4.2', currency: 'EUR' }, status: 'pending', category: 'Food' },
    { date: '2026-11-01', merchant: 'Salary', amount: { amount: '2500', currency: 'EUR' }, status: 'booked' },
    { date: '2026-10-30', merchant: 'Book Shop', amount: { amount: '-23.99', currency: 'EUR' }, status: 'booked', category: 'Shopping' },
  ],
};
const receipt: BusinessContent = {
  contentType: 'template.receipt',
  title: 'Transfer to Ada',
  items: [
    { label: 'Amount', amount: { amount: '100', currency: 'GBP' } },
    { label: 'Fee', amount: { amount: '0.5', currency: 'GBP' } },
  ],
  total: { amount: '100.50', currency: 'GBP' },
  reference: 'TR-2026-0042',
};
const confirmation: BusinessContent = { contentType: 'template.confirmation', title: 'Card locked', text: 'Nobody can pay with your card until you unlock it.', reference: 'LOCK-77' };
const buttons: BusinessContent = {
  contentType: 'buttons',
  text: 'Anything else about your card?',
  buttons: [
    { type: 'postback', title: 'Unlock it', payload: 'UNLOCK_CARD' },
    { type: 'url', title: 'Card help', url: 'https://sandbox-bank.example/help/cards' },
  ],
};
const quickReplies: BusinessContent = {
  contentType: 'quick_replies',
  text: 'What would you like to see next?',
  quickReplies: [
    { title: 'Balance', payload: 'SHOW_BALANCE' },
    { title: 'Card transactions', payload: 'SHOW_CARD_TRANSACTIONS' },
  ],
};

interface Bank {
  readonly key: string;
  send(bsid: string, content: BusinessContent): Promise<SendApiResult>;
  deliveries(): Promise<WebhookDeliveryList>;
}

/** The operator makes the bank a key; the bank registers its webhook endpoint with it. */
async function bankOnParley(parley: RunningParley, receiver: WebhookReceiver): Promise<Bank> {
  const asOperator = { authorization: `Bearer ${operatorToken}`, 'content-type': 'application/json' };
  const listed = (await (await fetch(`${parley.baseUrl}/v1/admin/businesses`, { headers: asOperator })).json()) as { businesses: Business[] };
  const sandbox = listed.businesses.find((business) => business.slug === 'sandbox-bank');
  const made = await fetch(`${parley.baseUrl}/v1/admin/businesses/${sandbox?.id}/keys`, {
    method: 'POST',
    headers: asOperator,
    body: JSON.stringify({ name: 'bot', scopes: ['messages:send', 'webhooks:manage'] }),
  });
  const { secret } = (await made.json()) as CreatedApiKey;
  const asBank = { authorization: `Bearer ${secret}`, 'content-type': 'application/json' };
  const endpoint = await fetch(`${parley.baseUrl}/v1/webhooks/endpoints`, {
    method: 'POST',
    headers: asBank,
    body: JSON.stringify({ url: receiver.url, eventTypes: ['conversation.started', 'postback'] }),
  });
  if (endpoint.status !== 201) throw new Error(`registering the endpoint failed: ${endpoint.status} ${await endpoint.text()}`);
  return {
    key: secret,
    async send(bsid, content) {
      const response = await fetch(`${parley.baseUrl}/v1/messages`, {
        method: 'POST',
        headers: { ...asBank, 'idempotency-key': randomUUID() },
        body: JSON.stringify({ recipient: { bsid }, messagingType: 'RESPONSE', content }),
      });
      if (response.status !== 201) throw new Error(`send failed: ${response.status} ${await response.text()}`);
      return (await response.json()) as SendApiResult;
    },
    deliveries: async () => (await (await fetch(`${parley.baseUrl}/v1/webhooks/deliveries`, { headers: asBank })).json()) as WebhookDeliveryList,
  };
}

/** The bank's webhook events one by one, in arrival order, skipping types it does not wait for. */
function eventStream(receiver: WebhookReceiver) {
  let seen = 0;
  return async function next<T extends WebhookEvent['type']>(type: T): Promise<Extract<WebhookEvent, { type: T }>> {
    for (;;) {
      await receiver.waitFor(seen + 1, 15_000);
      const event = JSON.parse(receiver.received[seen++]!.body) as WebhookEvent;
      if (event.type === type) return event as Extract<WebhookEvent, { type: T }>;
    }
  };
}

describe('a bank sends cards and choices; the person sees them and taps one', () => {
  let parley: RunningParley;
  let receiver: WebhookReceiver;
  let bank: Bank;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let bsid: string;
  let nextEvent: ReturnType<typeof eventStream>;
  let log: string[] = [];

  beforeAll(async () => {
    parley = await startParley({ env: { PARLEY_ADMIN_TOKEN: operatorToken, PARLEY_WEBHOOKS_ALLOW_PRIVATE: '1' } });
    receiver = await startReceiver();
    bank = await bankOnParley(parley, receiver);
    nextEvent = eventStream(receiver);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US', timezoneId: 'UTC' });
    log = recordContext(context);
    page = await context.newPage();
    await page.goto(`${parley.baseUrl}/app`);
    await signUpWithPassword(page, newPerson('Ada Lovelace'));
  });
  afterEach(async ({ task }) => {
    if (task.result?.state !== 'fail') return;
    console.log(log.join('\n'));
    await screenshot(page, `failed-${task.name.slice(0, 40).replace(/\W+/g, '-')}`);
  });
  afterAll(async () => {
    await browser?.close();
    await receiver?.close();
    await parley?.close();
  });

  it('shows a balance card, a transaction list, a receipt, a confirmation and buttons, each as it should read', async () => {
    await page.getByRole('button', { name: 'Message Sandbox Bank' }).click();
    await page.getByRole('heading', { name: 'Sandbox Bank', level: 1 }).waitFor();
    bsid = (await nextEvent('conversation.started')).data.bsid;
    for (const content of [balance, transactions, receipt, confirmation, buttons]) await bank.send(bsid, content);

    const balances = page.getByRole('list', { name: 'Balances' });
    await balances.waitFor();
    const everyday = balances.getByRole('listitem').filter({ hasText: 'Everyday account' });
    await everyday.getByText('ending in 1234').waitFor();
    expect(await everyday.locator('.balance-amount').innerText()).toMatch(/€1,520\.35$/);
    expect(await everyday.locator('.balance-available').innerText()).toBe('Available €1,420.35');
    // Not a cent lost to a float: 19 significant digits, exactly as the bank sent them.
    await balances.getByText('€123,456,789,012,345.6789').waitFor();
    await page.getByText('As of Nov 3, 9:30 AM').waitFor();

    const list = page.getByRole('list', { name: 'Card ending 1234' });
    await expect.poll(() => list.getByRole('listitem').count()).toBe(3);
    const cafe = list.getByRole('listitem').filter({ hasText: 'Corner Café' });
    expect(await cafe.locator('time').innerText()).toBe('Nov 2');
    await cafe.getByText('Pending', { exact: true }).waitFor();
    expect(await cafe.locator('.transaction-amount').innerText()).toMatch(/-€4\.20$/);
    expect(await cafe.getAttribute('data-status')).toBe('pending');
    expect(await list.getByRole('listitem').filter({ hasText: 'Salary' }).innerText()).toContain('+€2,500.00');

    const lines = page.getByRole('list', { name: 'Transfer to Ada: items' });
    expect(await lines.getByRole('listitem').allInnerTexts()).toEqual(['Amount\n£100.00', 'Fee\n£0.50']);
    await bubble(page, 'Transfer to Ada').getByText('£100.50').waitFor();
    await bubble(page, 'Card locked').getByText('Reference LOCK-77').waitFor();

    const help = page.getByRole('link', { name: /Card help/ });
    expect(await help.getAttribute('href')).toBe('https://sandbox-bank.example/help/cards');
    expect(await help.getAttribute('target')).toBe('_blank');
    expect(await help.getAttribute('rel')).toContain('noopener');
    await page.getByRole('button', { name: 'Unlock it' }).waitFor();
    await screenshot(page, 'desktop-templates');
  });

  it('offers quick replies as chips; a tap is sent as a postback, shown as its title, and reaches the bank', async () => {
    await bank.send(bsid, quickReplies);
    const chips = page.getByRole('list', { name: 'Quick replies' });
    await chips.getByRole('button', { name: 'Card transactions' }).waitFor();
    await expect.poll(() => chips.getByRole('button').count()).toBe(2);
    await screenshot(page, 'desktop-quick-replies');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'phone-quick-replies');
    await page.getByRole('list', { name: 'Balances' }).scrollIntoViewIfNeeded();
    await screenshot(page, 'phone-balance');
    await page.getByRole('list', { name: 'Card ending 1234' }).scrollIntoViewIfNeeded();
    await screenshot(page, 'phone-transactions');

    await chips.getByRole('button', { name: 'Card transactions' }).click();
    const mine = page.locator('li.message.from-person', { hasText: 'Card transactions' });
    await expect.poll(() => mine.getAttribute('data-state')).toBe('sent');
    await chips.waitFor({ state: 'detached' });

    const event = await nextEvent('postback');
    expect(event.data).toEqual({ bsid, conversationId: expect.any(String), seq: Number(await mine.getAttribute('data-seq')), title: 'Card transactions', payload: 'SHOW_CARD_TRANSACTIONS' });
    const listed = (await bank.deliveries()).deliveries.filter((delivery) => delivery.eventType === 'postback');
    expect(listed).toHaveLength(1);

    // A postback button sends its choice the same way, and stays (it is not a question answered once).
    await page.getByRole('button', { name: 'Unlock it' }).click();
    await expect.poll(() => page.locator('li.message.from-person', { hasText: 'Unlock it' }).getAttribute('data-state')).toBe('sent');
    expect((await nextEvent('postback')).data.payload).toBe('UNLOCK_CARD');
    await screenshot(page, 'phone-after-postbacks');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.getByRole('list', { name: 'Card ending 1234' }).scrollIntoViewIfNeeded();
    await screenshot(page, 'phone-dark-templates');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1280, height: 900 });
  });
});
