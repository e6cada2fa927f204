import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshot, startParley, type RunningParley } from './harness';

describe('email and password, the fallback to passkeys', () => {
  let parley: RunningParley;
  let browser: Browser;

  beforeAll(async () => {
    parley = await startParley();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await parley?.close();
  });

  it('signs up, signs out, refuses a wrong password and signs in again', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
    const page = await context.newPage();
    await page.goto(`${parley.baseUrl}/`);
    await page.waitForURL(`${parley.baseUrl}/app`);
    await page.getByRole('heading', { name: 'Sign in to Parley' }).waitFor();
    await screenshot(page, 'phone-sign-in');

    await page.getByRole('button', { name: 'Create an account' }).click();
    await page.getByRole('button', { name: 'Sign up with email and password instead' }).click();
    await page.getByLabel('Your name').fill('Ada Lovelace');
    await page.getByLabel('Email').fill('ada@example.com');
    await page.getByLabel('Password').fill('too short');
    await page.getByRole('button', { name: 'Create account', exact: true }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('at least 12 characters');

    await page.getByLabel('Password').fill('analytical engine notes');
    await page.getByRole('button', { name: 'Create account', exact: true }).click();
    await page.getByRole('heading', { name: 'Conversations' }).waitFor();
    await page.getByRole('button', { name: 'Message Sandbox Bank' }).waitFor();
    await screenshot(page, 'phone-conversation-list');

    await page.getByRole('link', { name: 'Account' }).click();
    await page.getByRole('heading', { name: 'Account and security' }).waitFor();
    await page.getByText('ada@example.com').waitFor();
    await screenshot(page, 'phone-account');
    await page.getByRole('button', { name: 'Sign out', exact: true }).last().click();
    await page.getByText('You have signed out.').waitFor();

    await page.getByRole('button', { name: 'Sign in with email and password' }).click();
    await page.getByLabel('Email').fill('ada@example.com');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByText('The email or password is not right.').waitFor();

    await page.getByLabel('Password').fill('analytical engine notes');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Conversations' }).waitFor();

    // The session is a cookie: a reload stays signed in.
    await page.reload();
    await page.getByRole('heading', { name: 'Conversations' }).waitFor();
    await context.close();
  });
});
