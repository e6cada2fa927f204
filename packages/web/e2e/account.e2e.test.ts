import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addVirtualAuthenticator, launchChromium, recordContext, screenshot, startParley, type RunningParley } from './harness';
import { newPerson, signUpWithPasskey, signUpWithPassword } from './people';

describe('passkeys and sessions on the account page', () => {
  let parley: RunningParley;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let log: string[] = [];

  beforeAll(async () => {
    parley = await startParley();
    browser = await launchChromium();
  });
  afterEach(({ task }) => {
    if (task.result?.state === 'fail') console.log(log.join('\n'));
  });
  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await parley?.close();
  });

  async function newContext(): Promise<BrowserContext> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    log = recordContext(context);
    contexts.push(context);
    return context;
  }

  it('signs out and back in with the passkey made at sign-up, and refuses a second passkey on the same authenticator', async () => {
    const context = await newContext();
    const page = await context.newPage();
    await addVirtualAuthenticator(context, page);
    await page.goto(`${parley.baseUrl}/app`);
    const person = newPerson('Katherine Johnson');
    await signUpWithPasskey(page, person);

    await page.getByRole('link', { name: 'Account' }).click();
    await page.getByRole('heading', { name: 'Passkeys' }).waitFor();
    expect(await page.locator('.item', { hasText: 'not used yet' }).count()).toBe(1);
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.getByText('This device already holds a passkey for this account.').waitFor();
    await page.getByRole('button', { name: /^Remove / }).click();
    await page.getByText('This is your last way to sign in; add another first.').waitFor();

    await page.getByRole('button', { name: 'Sign out', exact: true }).last().click();
    await page.getByText('You have signed out.').waitFor();
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.getByRole('heading', { name: 'Conversations', exact: true }).waitFor();
    await page.getByRole('link', { name: 'Account' }).click();
    await page.getByText(/last used/).waitFor();
    await screenshot(page, 'desktop-account');
  });

  it('adds a passkey from a second authenticator to a password account, then signs in with it', async () => {
    const context = await newContext();
    const page = await context.newPage();
    await page.goto(`${parley.baseUrl}/app`);
    await signUpWithPassword(page, newPerson('Dorothy Vaughan'));
    await addVirtualAuthenticator(context, page);
    await page.getByRole('link', { name: 'Account' }).click();
    await page.getByText('You have no passkeys yet.').waitFor();
    await page.getByLabel('Name for the new passkey (optional)').fill('Test laptop');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.getByText('Passkey added. You can now sign in with it.').waitFor();
    await page.locator('.item', { hasText: 'Test laptop' }).waitFor();

    await page.getByRole('button', { name: 'Sign out', exact: true }).last().click();
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.getByRole('heading', { name: 'Conversations', exact: true }).waitFor();

    await page.getByRole('link', { name: 'Account' }).click();
    await page.getByRole('button', { name: 'Remove Test laptop' }).click();
    await page.getByText('Passkey “Test laptop” removed.').waitFor();
    await page.getByText('You have no passkeys yet.').waitFor();
  });

  it('lists where the person is signed in, signs another device out, then signs out everywhere', async () => {
    const person = newPerson('Mary Jackson');
    const phoneContext = await newContext();
    const phone = await phoneContext.newPage();
    await phone.goto(`${parley.baseUrl}/app`);
    await signUpWithPassword(phone, person);

    const laptopContext = await newContext();
    const laptop = await laptopContext.newPage();
    await laptop.goto(`${parley.baseUrl}/app`);
    await laptop.getByRole('button', { name: 'Sign in with email and password' }).click();
    await laptop.getByLabel('Email').fill(person.email);
    await laptop.getByLabel('Password').fill(person.password);
    await laptop.getByRole('button', { name: 'Sign in', exact: true }).click();
    await laptop.getByRole('heading', { name: 'Conversations', exact: true }).waitFor();

    await laptop.getByRole('link', { name: 'Account' }).click();
    const sessions = laptop.locator('.item.session');
    await expect.poll(() => sessions.count()).toBe(2);
    await sessions.filter({ hasText: 'This device' }).waitFor();
    await sessions.filter({ hasNotText: 'This device' }).getByRole('button', { name: /^Sign out/ }).click();
    await expect.poll(() => sessions.count()).toBe(1);

    // The other device learns it was signed out as soon as it talks to Parley again.
    await phone.reload();
    await phone.getByRole('heading', { name: 'Sign in to Parley' }).waitFor();

    await laptop.getByRole('button', { name: 'Sign out everywhere' }).click();
    await laptop.getByRole('button', { name: 'Yes, sign out everywhere' }).click();
    await laptop.getByText('You have signed out on every device.').waitFor();
    await laptop.reload();
    await laptop.getByRole('heading', { name: 'Sign in to Parley' }).waitFor();
  });
});
