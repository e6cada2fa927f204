/** Signing people up through the web app, as a person would. */
import type { Page } from 'playwright-core';

let counter = 0;

export interface Person {
  readonly name: string;
  readonly email: string;
  readonly password: string;
}

export function newPerson(name = 'Grace Hopper'): Person {
  counter += 1;
  return { name, email: `person-${process.pid}-${counter}@example.com`, password: 'a long and memorable sentence' };
}

/** From the sign-in screen to the conversation list, with email and password. */
export async function signUpWithPassword(page: Page, person: Person): Promise<void> {
  await page.getByRole('button', { name: 'Create an account' }).click();
  await page.getByRole('button', { name: 'Sign up with email and password instead' }).click();
  await page.getByLabel('Your name').fill(person.name);
  await page.getByLabel('Email').fill(person.email);
  await page.getByLabel('Password').fill(person.password);
  await page.getByRole('button', { name: 'Create account', exact: true }).click();
  await page.getByRole('heading', { name: 'Conversations', exact: true }).waitFor();
}

/** From the sign-in screen to the conversation list, with a passkey made by the page's virtual authenticator. */
export async function signUpWithPasskey(page: Page, person: Person): Promise<void> {
  await page.getByRole('button', { name: 'Create an account' }).click();
  await page.getByLabel('Your name').fill(person.name);
  await page.getByLabel('Email (optional)').fill(person.email);
  await page.getByRole('button', { name: 'Create account with a passkey' }).click();
  await page.getByRole('heading', { name: 'Conversations', exact: true }).waitFor();
}

/** The chat bubble holding this text (the person's or the bank's). */
export function bubble(page: Page, text: string) {
  return page.locator('li.message', { hasText: text });
}

export async function sendMessage(page: Page, text: string): Promise<void> {
  const composer = page.getByRole('textbox', { name: /^Message to / });
  await composer.fill(text);
  await composer.press('Enter');
}
