import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../server/src/cli/main';
import { startBankParley, type BankParley } from '../../server/test/bank-parley-fixtures';
import { signUpPerson, type TestPerson } from '../../server/test/people';
import { launchChromium, recordContext, screenshot, webDistDir } from './harness';

// The agent console with the real Sandbox Bank: its bot hands a conversation over, a member of
// the bank answers it in /console, and the person sees it all in the person's app.

const password = 'correct horse battery staple';
const desktop = { width: 1440, height: 900 };
const laptop = { width: 1280, height: 760 };

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
    world = await startBankParley({ webDistDir });
    browser = await launchChromium();
  });
  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await world?.close();
  });

  it('lets an owner make an API key shown once, and revoke it; someone with no business gets a plain explanation', async () => {
    const owner = await signUpPerson(world.t.app, 'Olivia Owner');
    await makeMember(world, owner, 'owner');
    const page = await open(desktop);
    await signInToConsole(page, world, owner);
    await page.getByRole('navigation', { name: 'Console sections' }).getByRole('link', { name: 'Settings' }).click();
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

    await page.getByRole('link', { name: 'Members' }).click();
    await page.getByRole('row', { name: /Olivia Owner/ }).waitFor();
    await screenshot(page, 'console-settings-members');

    const stranger = await signUpPerson(world.t.app, 'Sam Stranger');
    const other = await open(laptop);
    await signInToConsole(other, world, stranger);
    await other.getByRole('heading', { name: 'No business yet' }).waitFor();
    expect(await other.getByRole('main').innerText()).toContain('not a member of any business');
  });
});
