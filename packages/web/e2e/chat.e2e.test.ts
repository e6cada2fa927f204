import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addVirtualAuthenticator, bankSide, interruptWebSockets, launchChromium, recordContext, screenshot, startParley, type RunningParley } from './harness';
import { bubble, newPerson, sendMessage, signUpWithPasskey } from './people';

describe('a person who signed up with a passkey chats with Sandbox Bank', () => {
  let parley: RunningParley;
  let browser: Browser;
  let context: BrowserContext;
  let first: Page;
  let conversationUrl: string;
  let log: string[] = [];

  beforeAll(async () => {
    parley = await startParley();
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    log = recordContext(context);
    first = await context.newPage();
    await addVirtualAuthenticator(context, first);
    await first.goto(`${parley.baseUrl}/app`);
    await signUpWithPasskey(first, newPerson());
  });
  afterEach(async ({ task }) => {
    if (task.result?.state !== 'fail') return;
    console.log(log.join('\n'));
    await screenshot(first, `failed-${task.name.slice(0, 40).replace(/\W+/g, '-')}`);
  });
  afterAll(async () => {
    await browser?.close();
    await parley?.close();
  });

  it('opens the conversation, sends a message that is marked sent, and still shows it after a reload', async () => {
    await first.getByRole('button', { name: 'Message Sandbox Bank' }).click();
    await first.waitForURL(/\/app\/c\/[0-9a-f-]{36}$/);
    conversationUrl = first.url();
    await first.getByRole('heading', { name: 'Sandbox Bank', level: 1 }).waitFor();

    await sendMessage(first, 'Hello, is my card still locked?');
    const sent = bubble(first, 'Hello, is my card still locked?');
    await expect.poll(() => sent.getAttribute('data-state')).toBe('sent');
    await sent.getByText('Sent', { exact: true }).waitFor();
    await screenshot(first, 'desktop-chat');

    await first.reload();
    await expect.poll(() => bubble(first, 'Hello, is my card still locked?').getAttribute('data-state')).toBe('sent');
    await first.getByRole('link', { name: /Sandbox Bank/ }).getByText('You: Hello, is my card still locked?').waitFor();
  });

  it('shows a message sent in one tab live in another tab of the same person', async () => {
    const second = await context.newPage();
    await second.goto(conversationUrl);
    await bubble(second, 'Hello, is my card still locked?').waitFor();
    await waitUntilOnline(second);

    await first.bringToFront();
    await sendMessage(first, 'Sent from the first tab');
    await bubble(second, 'Sent from the first tab').waitFor();
    await expect.poll(() => bubble(second, 'Sent from the first tab').getAttribute('data-state')).toBe('sent');
    await second.close();
  });

  it('says it is reconnecting while the connection is down, and sends what was written meanwhile once, after it is back', async () => {
    const second = await context.newPage();
    await second.goto(conversationUrl);
    await waitUntilOnline(second);
    await first.bringToFront();

    const outage = interruptWebSockets(parley.app);
    await first.getByText('Reconnecting…').waitFor();
    await sendMessage(first, 'Written while offline');
    expect(await bubble(first, 'Written while offline').getAttribute('data-state')).toBe('sending');
    await first.getByText('Your message will be sent when the connection is back.').waitFor();
    await screenshot(first, 'desktop-reconnecting');

    outage.restore();
    await expect.poll(() => bubble(first, 'Written while offline').getAttribute('data-state'), { timeout: 30_000 }).toBe('sent');
    await first.getByText('Reconnecting…').waitFor({ state: 'detached' });
    await bubble(second, 'Written while offline').waitFor({ timeout: 30_000 });
    await first.reload();
    await bubble(first, 'Written while offline').waitFor();
    expect(await bubble(first, 'Written while offline').count()).toBe(1);
    expect(await bubble(second, 'Written while offline').count()).toBe(1);
    await second.close();
  });

  it('shows the bank typing, its reply live (counted unread while elsewhere), and read ticks', async () => {
    const conversationId = conversationUrl.split('/').at(-1) ?? '';
    const me = (await (await context.request.get(`${parley.baseUrl}/v1/me`)).json()) as { id: string };
    const bank = bankSide(parley, conversationId, me.id);

    bank.typing('start');
    await first.getByText('Sandbox Bank is typing…').waitFor();
    await screenshot(first, 'desktop-bank-typing');
    const reply = await bank.reply('Your card is unlocked. Anything else?');
    await bubble(first, 'Your card is unlocked. Anything else?').waitFor();
    await first.getByText('Sandbox Bank is typing…').waitFor({ state: 'detached' });
    await expect.poll(() => first.locator('[aria-live="polite"]').last().textContent()).toContain('Sandbox Bank: Your card is unlocked.');

    const own = bubble(first, 'Written while offline');
    expect(await own.getAttribute('data-state')).toBe('sent');
    bank.read(reply.seq);
    await expect.poll(() => own.getAttribute('data-state')).toBe('read');
    await own.getByText('Read', { exact: true }).waitFor();

    // Away from the chat, a reply is unread until the person opens the conversation.
    await first.getByRole('link', { name: 'Account' }).click();
    await bank.reply('One more thing: your new card is on its way.');
    const row = first.getByRole('link', { name: /Sandbox Bank/ });
    await row.getByText('1 unread').waitFor();
    await row.getByText('One more thing: your new card is on its way.').waitFor();
    await screenshot(first, 'desktop-unread');
    await row.click();
    await bubble(first, 'One more thing: your new card is on its way.').waitFor();
    await row.getByText('1 unread').waitFor({ state: 'detached' });
    await first.reload();
    await first.getByRole('link', { name: /Sandbox Bank/ }).getByText('One more thing').waitFor();
    expect(await first.getByText('1 unread').count()).toBe(0);
  });

  it('loads earlier messages when scrolling back through a long history', async () => {
    const conversationId = conversationUrl.split('/').at(-1) ?? '';
    const me = await (await context.request.get(`${parley.baseUrl}/v1/me`)).json();
    for (let i = 1; i <= 60; i++) {
      const response = await context.request.post(`${parley.baseUrl}/v1/conversations/${conversationId}/messages`, {
        headers: { 'x-csrf-token': me.csrfToken, origin: parley.baseUrl },
        data: { clientId: `history-${String(i).padStart(4, '0')}`, content: { contentType: 'text', text: `History message ${i}` } },
      });
      expect(response.status()).toBe(201);
    }
    await first.reload();
    await bubble(first, 'History message 60').waitFor();
    expect(await bubble(first, 'Hello, is my card still locked?').count()).toBe(0);
    await first.getByRole('button', { name: 'Load earlier messages' }).click();
    await bubble(first, 'Hello, is my card still locked?').waitFor();
    await first.getByText('This is the start of your conversation with Sandbox Bank.').waitFor();
  });

  it('fits a phone screen: the list and the chat are separate screens', async () => {
    const phone = await context.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(`${parley.baseUrl}/app`);
    await phone.getByRole('link', { name: /Sandbox Bank/ }).waitFor();
    await screenshot(phone, 'phone-list-signed-in');
    await phone.getByRole('link', { name: /Sandbox Bank/ }).click();
    await bubble(phone, 'History message 60').waitFor();
    expect(await phone.getByRole('heading', { name: 'Conversations', exact: true }).isVisible()).toBe(false);
    await screenshot(phone, 'phone-chat');
    await phone.getByRole('link', { name: 'Back to conversations' }).click();
    await phone.getByRole('heading', { name: 'Conversations', exact: true }).waitFor();
    await phone.close();
  });
});

/** The page's socket said hello: no banner and the list loaded. */
async function waitUntilOnline(page: Page): Promise<void> {
  await page.getByRole('link', { name: /Sandbox Bank/ }).waitFor();
  await expect.poll(() => page.locator('.connection-banner').getAttribute('data-visible')).toBe('false');
}
