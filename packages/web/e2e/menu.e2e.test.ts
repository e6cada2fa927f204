import type { Business, BusinessMenu, CreatedApiKey, HistoryPage } from '@parley/protocol';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, recordContext, screenshot, startParley, type RunningParley } from './harness';
import { bubble, newPerson, signUpWithPassword } from './people';

const operatorToken = 'e2e-operator-token-0123456789abcdef-menu';
// 'Recent card transactions' is longer than a quick reply's title may be (20), as menu titles may (30).
const menu = {
  getStarted: { title: 'Get started', payload: 'GET_STARTED' },
  persistentMenu: [
    { type: 'postback', title: 'My balance', payload: 'SHOW_BALANCE' },
    { type: 'postback', title: 'Recent card transactions', payload: 'SHOW_CARD_TRANSACTIONS' },
    { type: 'url', title: 'Help centre', url: 'https://sandbox-bank.example/help' },
  ],
} satisfies BusinessMenu;

/** The bank, through the Business API with its own key: the key is made by the operator. */
async function bankSetsMenu(parley: RunningParley): Promise<void> {
  const asOperator = { authorization: `Bearer ${operatorToken}`, 'content-type': 'application/json' };
  const listed = (await (await fetch(`${parley.baseUrl}/v1/admin/businesses`, { headers: asOperator })).json()) as { businesses: Business[] };
  const bank = listed.businesses.find((business) => business.slug === 'sandbox-bank');
  const keyResponse = await fetch(`${parley.baseUrl}/v1/admin/businesses/${bank?.id}/keys`, {
    method: 'POST',
    headers: asOperator,
    body: JSON.stringify({ name: 'bot', scopes: ['messages:send'] }),
  });
  const { secret } = (await keyResponse.json()) as CreatedApiKey;
  const put = await fetch(`${parley.baseUrl}/v1/business/profile/menu`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
    body: JSON.stringify(menu),
  });
  if (put.status !== 200) throw new Error(`setting the menu failed: ${put.status} ${await put.text()}`);
}

/** What the server stored in the conversation, read by the person's own session. */
async function storedContents(page: Page): Promise<unknown[]> {
  const conversationId = new URL(page.url()).pathname.split('/').at(-1);
  return page.evaluate(async (id) => {
    const response = await fetch(`/v1/conversations/${id}/messages`);
    return ((await response.json()) as HistoryPage).messages.map((message) => message.content);
  }, conversationId);
}

const focusedText = (page: Page) => page.evaluate(() => document.activeElement?.textContent?.trim() ?? null);

describe('a bank with a get-started button and a persistent menu', () => {
  let parley: RunningParley;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let log: string[] = [];

  beforeAll(async () => {
    parley = await startParley({ env: { PARLEY_ADMIN_TOKEN: operatorToken } });
    await bankSetsMenu(parley);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
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
    await parley?.close();
  });

  it('offers Get started in a new conversation; a tap sends its postback, and the button goes away', async () => {
    await page.getByRole('button', { name: 'Message Sandbox Bank' }).click();
    await page.waitForURL(/\/app\/c\/[0-9a-f-]{36}$/);
    const getStarted = page.getByRole('button', { name: 'Get started', exact: true });
    await getStarted.waitFor();
    await screenshot(page, 'desktop-get-started');

    await getStarted.click();
    await expect.poll(() => bubble(page, 'Get started').getAttribute('data-state')).toBe('sent');
    await getStarted.waitFor({ state: 'detached' });
    expect(await storedContents(page)).toContainEqual({ contentType: 'postback', ...menu.getStarted });

    await page.reload();
    await bubble(page, 'Get started').waitFor();
    expect(await getStarted.count()).toBe(0);
  });

  it('opens the menu from the keyboard, sends the chosen item, and Escape closes it with focus back on the button', async () => {
    const menuButton = page.getByRole('button', { name: 'Menu', exact: true });
    await menuButton.focus();
    await page.keyboard.press('Enter');
    const popup = page.getByRole('menu', { name: 'Sandbox Bank menu' });
    await popup.waitFor();
    expect(await menuButton.getAttribute('aria-expanded')).toBe('true');
    expect(await focusedText(page)).toBe('My balance');
    const help = popup.getByRole('menuitem', { name: /Help centre/ });
    expect([await help.getAttribute('href'), await help.getAttribute('target'), await help.getAttribute('rel')]).toEqual([
      'https://sandbox-bank.example/help',
      '_blank',
      'noopener noreferrer',
    ]);
    await screenshot(page, 'desktop-menu-open');

    await page.keyboard.press('ArrowDown');
    expect(await focusedText(page)).toBe('Recent card transactions');
    await page.keyboard.press('Enter');
    await popup.waitFor({ state: 'detached' });
    expect(await focusedText(page)).toBe('Menu');
    await expect.poll(() => bubble(page, 'Recent card transactions').getAttribute('data-state')).toBe('sent');
    expect(await storedContents(page)).toContainEqual({ contentType: 'postback', title: 'Recent card transactions', payload: 'SHOW_CARD_TRANSACTIONS' });
    await screenshot(page, 'desktop-menu-sent');

    await page.keyboard.press('ArrowUp');
    await popup.waitFor();
    expect(await focusedText(page)).toContain('Help centre');
    await page.keyboard.press('Escape');
    await popup.waitFor({ state: 'detached' });
    expect(await focusedText(page)).toBe('Menu');

    await page.keyboard.press('Enter');
    await popup.waitFor();
    await page.keyboard.press('Tab');
    await popup.waitFor({ state: 'detached' });
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.id)).toMatch(/^composer-/);
    expect(await bubble(page, 'Help centre').count()).toBe(0);
  });

  it('fits a phone in dark mode: Get started above the composer, the menu opens above it', async () => {
    // A new person in their own browser context: one who has sent nothing yet.
    const phoneContext = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, colorScheme: 'dark' });
    const phone = await phoneContext.newPage();
    await phone.goto(`${parley.baseUrl}/app`);
    await signUpWithPassword(phone, newPerson('Alan Turing'));
    await phone.getByRole('button', { name: 'Message Sandbox Bank' }).click();
    const getStarted = phone.getByRole('button', { name: 'Get started', exact: true });
    await getStarted.waitFor();
    const composer = phone.getByRole('textbox', { name: /^Message to / });
    const [buttonBox, composerBox] = [await getStarted.boundingBox(), await composer.boundingBox()];
    expect(buttonBox && composerBox && buttonBox.y + buttonBox.height <= composerBox.y).toBe(true);
    await screenshot(phone, 'phone-get-started');

    await phone.getByRole('button', { name: 'Menu', exact: true }).tap();
    const item = phone.getByRole('menuitem', { name: 'My balance' });
    await item.waitFor();
    const itemBox = await item.boundingBox();
    expect(itemBox && itemBox.x >= 0 && itemBox.x + itemBox.width <= 390).toBe(true);
    await screenshot(phone, 'phone-menu-open');
    await item.tap();
    await expect.poll(() => bubble(phone, 'My balance').getAttribute('data-state')).toBe('sent');
    await screenshot(phone, 'phone-menu-sent');
    // Any message of the person's retires the get-started button.
    await getStarted.waitFor({ state: 'detached' });
    await phoneContext.close();
  });
});
