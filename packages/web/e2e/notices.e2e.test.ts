import type { Business, CreatedApiKey } from '@parley/protocol';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { interruptWebSockets, launchChromium, recordContext, screenshot, startParley, type RunningParley } from './harness';
import { newPerson, signUpWithPassword } from './people';

// Bank notices as people live them: one person follows Sandbox Bank's notices from the
// conversation, the bank sends a notice through the real Notices API with its own key, and it
// appears on the open page; a second person who did not switch it on gets nothing.
const operatorToken = 'e2e-operator-token-0123456789abcdef-notices';
const maintenance = 'Online banking is down for planned maintenance on Sunday from 02:00 to 04:00 UTC. Cards keep working.';
const during = 'Card payments abroad may be declined until 15:00 today while we fix a fault. Cash machines work as usual.';
const describeText = 'Messages Sandbox Bank sends to everyone who follows it, such as planned maintenance. Sandbox Bank does not learn that you follow.';

/** The bank's key for the Notices API, made by the operator as a bank's developer would get it. */
async function noticesKey(parley: RunningParley): Promise<string> {
  const asOperator = { authorization: `Bearer ${operatorToken}`, 'content-type': 'application/json' };
  const listed = (await (await fetch(`${parley.baseUrl}/v1/admin/businesses`, { headers: asOperator })).json()) as { businesses: Business[] };
  const bank = listed.businesses.find((business) => business.slug === 'sandbox-bank');
  const response = await fetch(`${parley.baseUrl}/v1/admin/businesses/${bank?.id}/keys`, {
    method: 'POST',
    headers: asOperator,
    body: JSON.stringify({ name: 'notices', scopes: ['notices:send'] }),
  });
  return ((await response.json()) as CreatedApiKey).secret;
}

/** POST /v1/notices as the bank does; answers what the bank learns. */
async function sendNotice(parley: RunningParley, secret: string, text: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${parley.baseUrl}/v1/notices`, {
    method: 'POST',
    headers: { authorization: `Bearer ${secret}`, 'idempotency-key': crypto.randomUUID(), 'content-type': 'application/json' },
    body: JSON.stringify({ text }),
  });
  if (response.status !== 201) throw new Error(`sending the notice failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

const noticeCard = (page: Page, text: string) => page.getByRole('article', { name: 'Notice from Sandbox Bank' }).filter({ hasText: text });

async function openBankConversation(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Message Sandbox Bank' }).click();
  await page.waitForURL(/\/app\/c\/[0-9a-f-]{36}$/);
  await page.getByRole('heading', { name: 'Sandbox Bank', level: 1 }).waitFor();
  await waitUntilOnline(page);
}

async function waitUntilOnline(page: Page): Promise<void> {
  await expect.poll(() => page.locator('.connection-banner').getAttribute('data-visible')).toBe('false');
}

describe('notices from a bank, to the people who follow it', () => {
  let parley: RunningParley;
  let browser: Browser;
  let secret: string;
  let follower: { context: BrowserContext; page: Page; log: string[] };
  let bystander: { context: BrowserContext; page: Page; log: string[]; frames: string[] };

  async function person(name: string, viewport: { width: number; height: number }) {
    const context = await browser.newContext({ viewport });
    const log = recordContext(context);
    const page = await context.newPage();
    await page.goto(`${parley.baseUrl}/app`);
    await signUpWithPassword(page, newPerson(name));
    return { context, page, log };
  }

  beforeAll(async () => {
    parley = await startParley({ env: { PARLEY_ADMIN_TOKEN: operatorToken } });
    secret = await noticesKey(parley);
    browser = await launchChromium();
    follower = await person('Ada Lovelace', { width: 1280, height: 800 });
    const second = await person('Alan Turing', { width: 390, height: 844 });
    const frames: string[] = [];
    second.page.on('websocket', (socket) => socket.on('framereceived', (frame) => frames.push(String(frame.payload))));
    bystander = { ...second, frames };
  });
  afterEach(async ({ task }) => {
    if (task.result?.state !== 'fail') return;
    console.log([...follower.log, ...bystander.log].join('\n'));
    await screenshot(follower.page, `failed-${task.name.slice(0, 40).replace(/\W+/g, '-')}`);
  });
  afterAll(async () => {
    await browser?.close();
    await parley?.close();
  });

  it('switches notices on from the conversation, and a notice the bank sends appears live, marked as a notice to every follower', async () => {
    const { page } = follower;
    await openBankConversation(page);
    await openBankConversation(bystander.page);

    await page.getByRole('button', { name: 'Notices' }).click();
    const toggle = page.getByRole('switch', { name: 'Notices from Sandbox Bank' });
    expect(await toggle.isChecked()).toBe(false);
    expect(await toggle.getAttribute('aria-describedby').then((id) => page.locator(`[id="${id}"]`).innerText())).toBe(describeText);
    await toggle.check();
    await page.getByRole('status').filter({ hasText: 'Notices from Sandbox Bank: on.' }).waitFor();
    await screenshot(page, 'notices-switch-desktop');
    await page.keyboard.press('Escape');
    expect(await toggle.isVisible()).toBe(false);

    const answer = await sendNotice(parley, secret, maintenance);
    // The bank learns that it went out, not who follows or how many.
    expect(Object.keys(answer).sort()).toEqual(['noticeId', 'sentAt']);

    const card = noticeCard(page, maintenance);
    await card.waitFor();
    expect(await card.innerText()).toContain('To everyone who follows its notices');
    expect(await card.getByRole('button').count()).toBe(0);
    expect(await page.locator('li.message', { hasText: maintenance }).count()).toBe(0);
    await page.locator('[aria-live="polite"]').getByText(`Notice from Sandbox Bank: ${maintenance}`).waitFor();
    await screenshot(page, 'notices-live-desktop');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'notices-live-desktop-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('still shows the notice after a reload, and one sent while the connection was down once it is back', async () => {
    const { page } = follower;
    await page.reload();
    await noticeCard(page, maintenance).waitFor();
    await waitUntilOnline(page);

    const outage = interruptWebSockets(parley.app);
    await page.getByText('Reconnecting…').waitFor();
    await sendNotice(parley, secret, during);
    outage.restore();
    await noticeCard(page, during).waitFor();
    const order = await page.getByRole('article', { name: 'Notice from Sandbox Bank' }).allInnerTexts();
    expect(order.map((text) => (text.includes(maintenance) ? 'maintenance' : 'during'))).toEqual(['maintenance', 'during']);

    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'notices-live-phone');
    await page.getByRole('button', { name: 'Notices' }).click();
    await page.getByRole('switch', { name: 'Notices from Sandbox Bank' }).waitFor();
    await screenshot(page, 'notices-switch-phone');
    await page.keyboard.press('Escape');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('shows nothing to a person who did not switch notices on, live or after a reload', async () => {
    const { page, frames } = bystander;
    expect(frames.filter((frame) => frame.includes('"type":"notice"'))).toEqual([]);
    const loaded = page.waitForResponse((response) => response.url().includes('/v1/notices?'));
    await page.reload();
    expect(await (await loaded).json()).toEqual({ notices: [] });
    await page.getByText('This is the start of your conversation with Sandbox Bank.').waitFor();
    expect(await page.getByRole('article', { name: 'Notice from Sandbox Bank' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Notices' }).click();
    expect(await page.getByRole('switch', { name: 'Notices from Sandbox Bank' }).isChecked()).toBe(false);
  });

  it('shows the switch on the Alerts page beside the bank’s alerts; switching it off there hides the notices', async () => {
    const { page } = follower;
    await page.getByRole('link', { name: 'Alerts', exact: true }).click();
    const toggle = page.getByRole('switch', { name: 'Notices from Sandbox Bank' });
    await expect.poll(() => toggle.isChecked()).toBe(true);
    await toggle.scrollIntoViewIfNeeded();
    await screenshot(page, 'notices-alerts-page-desktop');
    await page.setViewportSize({ width: 390, height: 844 });
    await toggle.scrollIntoViewIfNeeded();
    await screenshot(page, 'notices-alerts-page-phone');
    await page.setViewportSize({ width: 1280, height: 800 });

    await toggle.uncheck();
    await page.getByRole('status').filter({ hasText: 'Notices from Sandbox Bank: off.' }).waitFor();
    await page.getByRole('navigation', { name: 'Conversations' }).getByRole('link', { name: /Sandbox Bank/ }).click();
    await page.getByRole('heading', { name: 'Sandbox Bank', level: 1 }).waitFor();
    await page.getByText('This is the start of your conversation with Sandbox Bank.').waitFor();
    expect(await page.getByRole('article', { name: 'Notice from Sandbox Bank' }).count()).toBe(0);
  });
});
