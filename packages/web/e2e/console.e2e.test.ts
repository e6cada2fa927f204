import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getBalances } from '../../sandbox-bank/src/customers';
import { findCustomerByUsername } from '../../sandbox-bank/src/customers/customer.repository';
import { runCli } from '../../server/src/cli/main';
import { startBankParley, type BankParley } from '../../server/test/bank-parley-fixtures';
import { signUpPerson, type TestPerson } from '../../server/test/people';
import { launchChromium, recordContext, screenshot, webDistDir } from './harness';
import { bubble, newPerson, sendMessage, signUpWithPassword } from './people';

// The agent console with the real Sandbox Bank: its bot hands a conversation over, a member of
// the bank answers it in /console, and the person sees it all in the person's app.

const password = 'correct horse battery staple';
const desktop = { width: 1440, height: 900 };
const laptop = { width: 1280, height: 760 };
const phone = { width: 390, height: 844 };
const botAnswerMs = 45_000;
const cannedText = 'Hi, I am here to help. What can I do for you?';

/** `parley business member add`, as an operator makes someone a member of the Sandbox Bank. */
async function makeMember(world: BankParley, person: TestPerson, role: 'owner' | 'developer' | 'agent'): Promise<void> {
  let err = '';
  const env: NodeJS.ProcessEnv = { DATA_DIR: world.t.config.dataDir, LOG_LEVEL: 'silent' };
  const args = ['business', 'member', 'add', '--business', 'sandbox-bank', '--email', person.me.email ?? '', '--role', role];
  const code = await runCli(args, { env, stdout: () => undefined, stderr: (text) => (err += text) });
  if (code !== 0) throw new Error(`parley business member add failed: ${err}`);
}

/** Sign in at /console with email and password, as a member would. */
async function signInToConsole(page: Page, world: BankParley, person: TestPerson): Promise<void> {
  await page.goto(`${world.t.baseUrl}/console`);
  await page.getByRole('button', { name: 'Sign in with email and password' }).click();
  await page.getByLabel('Email').fill(person.me.email ?? '');
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

describe('the agent console', () => {
  let world: BankParley;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const logs: string[][] = [];

  const open = async (viewport: { width: number; height: number }): Promise<Page> => {
    const context = await browser.newContext({ viewport });
    contexts.push(context);
    logs.push(recordContext(context));
    return context.newPage();
  };

  beforeAll(async () => {
    // linkable: a person can link the Sandbox Bank in Money, so an approved reveal has a value to read.
    world = await startBankParley({ webDistDir, linkable: true });
    browser = await launchChromium();
  });
  afterEach(async ({ task }) => {
    // What every page said (console errors, requests, socket frames), to read when a test fails.
    if (task.result?.state === 'fail') for (const log of logs) console.log(log.slice(-200).join('\n'));
    logs.length = 0;
    // Closed consoles go offline, so round-robin in the next test sees only its own agents.
    for (const context of contexts.splice(0)) await context.close();
  });
  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await world?.close();
  });

  it('lets an owner make an API key shown once and revoke it, and invite someone by a one-time link who then joins', async () => {
    const owner = await signUpPerson(world.t.app, 'Olivia Owner');
    await makeMember(world, owner, 'owner');
    const page = await open(desktop);
    await signInToConsole(page, world, owner);
    await page.getByRole('navigation', { name: 'Console sections' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'How people see Sandbox Bank' }).waitFor();
    await screenshot(page, 'console-settings-profile');

    // The owner edits the menu people see: a wrong link is named before anything is sent, the fix is kept.
    const menuForm = page.locator('form.menu-form');
    const removeButtons = menuForm.getByRole('button', { name: /^Remove menu item/ });
    while ((await removeButtons.count()) > 0) await removeButtons.first().click();
    await menuForm.getByRole('button', { name: 'Add item' }).click();
    const balanceItem = menuForm.locator('li[aria-label="Menu item 1"]');
    await balanceItem.getByLabel('Title').fill('My balance');
    await balanceItem.getByLabel('Payload').fill('BALANCE');
    await menuForm.getByRole('button', { name: 'Add item' }).click();
    const helpItem = menuForm.locator('li[aria-label="Menu item 2"]');
    await helpItem.getByLabel('Title').fill('Help centre');
    await helpItem.getByLabel('When tapped').selectOption('url');
    await helpItem.getByLabel('Link (https)').fill('http://sandbox-bank.example/help');
    await menuForm.getByRole('button', { name: 'Save menu' }).click();
    await menuForm.getByRole('alert').getByText('Menu item 2: the link must be a full https:// address.').waitFor();
    await helpItem.getByLabel('Link (https)').fill('https://sandbox-bank.example/help');
    await menuForm.getByRole('button', { name: 'Save menu' }).click();
    await menuForm.getByRole('status').getByText(/^Saved\./).waitFor();
    await menuForm.scrollIntoViewIfNeeded();
    await screenshot(page, 'console-settings-menu');
    await page.reload();
    await expect.poll(() => menuForm.locator('li[aria-label="Menu item 2"]').getByLabel('Link (https)').inputValue()).toBe('https://sandbox-bank.example/help');
    expect(await menuForm.locator('li[aria-label="Menu item 1"]').getByLabel('Payload').inputValue()).toBe('BALANCE');
    await page.setViewportSize(laptop);
    await menuForm.scrollIntoViewIfNeeded();
    await screenshot(page, 'console-settings-menu-laptop');
    await page.setViewportSize(desktop);

    await page.getByRole('link', { name: 'API keys' }).click();
    await page.getByLabel('Name').fill('Console test key');
    await page.getByRole('button', { name: 'Make key' }).click();
    const secret = await page.getByTestId('new-key-secret').innerText();
    expect(secret).toMatch(/^pk_/);
    const row = page.getByRole('row', { name: /Console test key/ });
    await expect.poll(() => row.innerText()).toContain('Live');
    await screenshot(page, 'console-settings-keys');
    await row.getByRole('button', { name: 'Revoke Console test key' }).click();
    await page.getByRole('button', { name: 'Revoke key' }).click();
    await expect.poll(() => row.innerText()).toContain('Revoked');
    // The secret is gone for good once acknowledged.
    await page.getByRole('button', { name: 'I have stored it' }).click();
    expect(await page.content()).not.toContain(secret);

    await page.getByRole('link', { name: 'Webhooks' }).click();
    // The bank's bot endpoint, registered by startBankParley, and its deliveries.
    await page.getByRole('row', { name: /sandbox-bank|\/parley\/webhooks|127\.0\.0\.1/ }).first().waitFor();
    await screenshot(page, 'console-settings-webhooks');

    // Someone with no business is told plainly, then joins by the owner's one-time link.
    const stranger = await signUpPerson(world.t.app, 'Sam Newcomer');
    const other = await open(laptop);
    await signInToConsole(other, world, stranger);
    await other.getByRole('heading', { name: 'No business yet' }).waitFor();
    expect(await other.getByRole('main').innerText()).toContain('not a member of any business');
    await screenshot(other, 'console-no-business');

    await page.getByRole('link', { name: 'Members' }).click();
    await page.getByRole('button', { name: 'Make invite link' }).click();
    const inviteUrl = await page.getByTestId('invite-url').innerText();
    expect(inviteUrl).toContain('/console/invite');
    await page.getByRole('row', { name: /Olivia Owner \(you\)/ }).waitFor();
    await screenshot(page, 'console-settings-members');
    await page.setViewportSize(laptop);
    await screenshot(page, 'console-settings-members-laptop');

    await other.goto(inviteUrl.replace(/^https?:\/\/[^/]+/, world.t.baseUrl));
    await other.getByRole('button', { name: 'Join Sandbox Bank' }).waitFor();
    await screenshot(other, 'console-invite');
    await other.getByRole('button', { name: 'Join Sandbox Bank' }).click();
    await other.getByRole('heading', { name: 'Inbox', exact: true }).waitFor();
    // Used once: the same link is refused now.
    await other.goto(inviteUrl.replace(/^https?:\/\/[^/]+/, world.t.baseUrl));
    await other.getByRole('heading', { name: 'This invite can’t be used' }).waitFor();
    await page.reload();
    await page.getByRole('row', { name: /Sam Newcomer/ }).waitFor();
  });

  it('hands a conversation from the bot to an agent live; the agent answers, notes, asks to reveal and resolves; the person rates, and the rating shows in the stats', async () => {
    const agent = await signUpPerson(world.t.app, 'Ana Agent');
    await makeMember(world, agent, 'agent');
    // An owner saves a reply the agent will use by its shortcut.
    const owner = await signUpPerson(world.t.app, 'Omar Owner');
    await makeMember(world, owner, 'owner');
    const saved = await world.t.app.inject({
      method: 'POST',
      url: `/v1/business/${world.bankBusinessId}/canned`,
      headers: owner.headers,
      payload: { shortcut: 'hello', text: cannedText },
    });
    expect(saved.statusCode).toBe(201);
    const desk = await open(desktop);
    await signInToConsole(desk, world, agent);
    await desk.getByRole('heading', { name: 'Inbox', exact: true }).waitFor();
    await desk.getByRole('switch', { name: /Online/ }).waitFor();

    // The person, on a phone, asks the bank's real bot for a person.
    const person = await open(phone);
    await person.goto(`${world.t.baseUrl}/`);
    await signUpWithPassword(person, newPerson('Pat Person'));
    await person.getByRole('button', { name: 'Message Sandbox Bank' }).click();
    // The bot answers through a signed webhook and the Send API; on a loaded machine that can take a while.
    await person.getByRole('region', { name: 'Messages' }).getByText(/Sandbox Bank assistant/).waitFor({ timeout: botAnswerMs });
    await sendMessage(person, 'Can I talk to a person please?');
    await bubble(person, "I'm passing you to a member of our team").waitFor({ timeout: botAnswerMs });

    // It appears in the agent's inbox without a reload.
    const row = desk.locator('a.inbox-row').first();
    await row.waitFor({ timeout: botAnswerMs });
    expect(await row.innerText()).toMatch(/open/i);
    await screenshot(desk, 'console-inbox-new');
    await row.click();
    const thread = desk.getByRole('log', { name: 'Conversation' });
    // Round-robin gave it to the only agent online.
    const assigned = desk.getByRole('combobox', { name: 'Assigned to' });
    await expect.poll(async () => (await assigned.locator('option:checked').innerText()).trim()).toMatch(/^Ana Agent \(me\)/);
    expect(await row.innerText()).toContain('Ana Agent');
    await thread.getByText('Can I talk to a person please?').waitFor();
    // The bot's own words are in the thread too.
    await thread.getByText(/passing you to a member of our team/).waitFor();

    // A saved reply by its shortcut: "/" and the start of it, Enter to use it, Enter to send.
    const composer = desk.getByRole('textbox', { name: 'Reply to the customer' });
    await composer.fill('/hel');
    await desk.getByRole('listbox', { name: 'Saved replies' }).waitFor();
    await composer.press('Enter');
    expect(await composer.inputValue()).toBe(cannedText);
    await composer.press('Enter');
    await bubble(person, cannedText).waitFor();
    expect(await bubble(person, cannedText).innerText()).toContain('Ana Agent');

    // The person's typing shows in the console, then their words.
    await person.getByRole('textbox', { name: /^Message to / }).fill('My card payment');
    await thread.getByText('Customer is typing…').waitFor();
    await sendMessage(person, 'My card payment looks wrong');
    await thread.getByText('My card payment looks wrong').waitFor();

    // An internal note: on the agent's side only.
    await desk.getByRole('tab', { name: 'Internal note' }).click();
    await desk.getByRole('textbox', { name: 'Internal note' }).fill('Sounds worried about a card payment');
    await desk.getByRole('button', { name: 'Add note' }).click();
    await thread.locator('.thread-note', { hasText: 'Sounds worried about a card payment' }).waitFor();
    await desk.getByRole('tab', { name: 'Reply to customer' }).click();

    // Ask to reveal one field; the person declines with one tap and the agent sees it live.
    await desk.getByLabel('Field to ask for').selectOption('account_mask');
    await desk.getByRole('button', { name: 'Ask', exact: true }).click();
    const revealCard = person.locator('.reveal-card');
    await revealCard.getByRole('button', { name: 'Decline' }).waitFor();
    await screenshot(person, 'console-person-reveal-phone');
    await revealCard.getByRole('button', { name: 'Decline' }).click();
    await revealCard.getByText('You declined. Nothing was shared.').waitFor();
    await desk.locator('.reveal-declined').waitFor();
    await screenshot(desk, 'console-conversation-desktop');
    await desk.setViewportSize(laptop);
    await screenshot(desk, 'console-conversation-laptop');
    await desk.emulateMedia({ colorScheme: 'dark' });
    await screenshot(desk, 'console-conversation-dark');
    await desk.emulateMedia({ colorScheme: 'light' });
    await desk.setViewportSize(desktop);

    await desk.getByRole('button', { name: 'Resolve', exact: true }).click();
    // Back with the bot: no composer, a way to take it over again, and out of the Open list.
    await desk.getByRole('button', { name: 'Take over from the bot' }).waitFor();
    await desk.locator('a.inbox-row').waitFor({ state: 'detached' });
    const survey = person.locator('.csat-card');
    await survey.waitFor();
    await survey.getByRole('button', { name: '5 out of 5, Excellent' }).click();
    await survey.getByText('You rated 5/5 (Excellent). Thank you.').waitFor();
    await screenshot(person, 'console-person-rated-phone');
    // After a reload the card still knows: the rating, and no buttons that would only answer "already rated".
    await person.reload();
    await person.locator('.csat-card').getByText('You rated 5/5 (Excellent). Thank you.').waitFor();
    expect(await person.locator('.csat-card button').count()).toBe(0);
    expect(await person.locator('body').innerText()).not.toContain('Sounds worried');

    await desk.getByRole('navigation', { name: 'Console sections' }).getByRole('link', { name: 'Stats' }).click();
    const anaRow = desk.getByRole('row', { name: /Ana Agent/ });
    await anaRow.waitFor();
    expect(await anaRow.innerText()).toContain('5.00 / 5');
    await screenshot(desk, 'console-stats');
    await desk.setViewportSize(laptop);
    await screenshot(desk, 'console-stats-laptop');
  }, 120_000);

  it('shows the agent an approved reveal live: the field the person shared from their linked bank, and nothing more', async () => {
    const agent = await signUpPerson(world.t.app, 'Rui Agent');
    await makeMember(world, agent, 'agent');
    const desk = await open(laptop);
    await signInToConsole(desk, world, agent);
    await desk.getByRole('heading', { name: 'Inbox', exact: true }).waitFor();

    // The person links Sandbox Bank to Parley (Money), at the bank's own pages, as alice.
    const person = await open(phone);
    await person.goto(`${world.t.baseUrl}/`);
    await signUpWithPassword(person, newPerson('Alice Example'));
    await person.goto(`${world.t.baseUrl}/app/money`);
    await person.getByRole('button', { name: 'Continue to your bank' }).click();
    await person.getByLabel('Username').fill('alice');
    await person.getByLabel('Password').fill('alice-sandbox');
    await person.getByRole('button', { name: 'Sign in' }).click();
    await person.getByRole('heading', { name: /is asking to see your data/ }).waitFor();
    const accounts = person.getByRole('checkbox');
    for (let i = 0; i < (await accounts.count()); i += 1) await accounts.nth(i).check();
    await person.getByRole('button', { name: 'Allow' }).click();
    await person.getByRole('status').filter({ hasText: 'Your bank is linked' }).waitFor();

    // Linking may already have opened the bank's conversation (its alerts offer): open it either way.
    await person.goto(`${world.t.baseUrl}/app`);
    await person.locator('a.conversation-row, button:has-text("Message Sandbox Bank")').first().click();
    await sendMessage(person, 'I need to speak to someone');
    await desk.locator('a.inbox-row').first().click({ timeout: botAnswerMs });
    await desk.getByLabel('Field to ask for').selectOption('account_mask');
    await desk.getByRole('button', { name: 'Ask', exact: true }).click();
    await desk.locator('.reveal-pending').waitFor();

    const card = person.locator('.reveal-card');
    await card.getByRole('button', { name: 'Approve' }).click();
    await card.getByText(/You shared it/).waitFor();
    const approved = desk.locator('.reveal-approved');
    await approved.locator('.reveal-value').waitFor();
    const alice = await findCustomerByUsername(world.bank.ctx.db, 'alice');
    const [current] = await getBalances(world.bank.ctx, alice!.id);
    const mask = current!.account.mask;
    expect(await approved.innerText()).toContain(mask);
    // Only the field asked for: the balance of that account is not in the agent's view.
    const pounds = (Math.abs(current!.bookedMinor) / 100).toLocaleString('en-GB', { minimumFractionDigits: 2 });
    expect(await desk.locator('.customer-panel').innerText()).not.toContain(pounds);
    await approved.scrollIntoViewIfNeeded();
    await screenshot(desk, 'console-reveal-approved-laptop');
    await screenshot(person, 'console-person-reveal-approved-phone');

    // A long thread: the console opens on its last 100 messages and pages back to the first, keeping the agent's place.
    const conversationId = new URL(desk.url()).pathname.split('/').at(-1)!;
    for (let i = 1; i <= 110; i += 1) {
      const reply = await world.t.app.inject({ method: 'POST', url: `/v1/business/${world.bankBusinessId}/inbox/${conversationId}/messages`, headers: agent.headers, payload: { clientId: `long-reply-${i}`, content: { contentType: 'text', text: `Checking ${i}` } } });
      expect(reply.statusCode, reply.body).toBe(201);
    }
    await desk.reload();
    const thread = desk.getByRole('log', { name: 'Conversation' });
    const earlier = thread.getByRole('button', { name: 'Load earlier messages' });
    await earlier.waitFor();
    expect(await thread.getByText('I need to speak to someone').count()).toBe(0);
    const firstHeld = thread.locator('li.thread-message').first();
    const seq = await firstHeld.getAttribute('data-seq');
    // The agent scrolls up to the top of what is loaded, as they would to reach the button.
    await earlier.scrollIntoViewIfNeeded();
    const placeBefore = (await firstHeld.boundingBox())!.y;
    await screenshot(desk, 'console-thread-load-earlier-laptop');
    await earlier.click();
    await thread.getByText('I need to speak to someone').waitFor({ state: 'attached' });
    await earlier.waitFor({ state: 'detached' });
    expect((await thread.locator(`li.thread-message[data-seq="${seq}"]`).boundingBox())!.y).toBeCloseTo(placeBefore, -1);
    await screenshot(desk, 'console-thread-earlier-laptop');
  }, 120_000);
});
