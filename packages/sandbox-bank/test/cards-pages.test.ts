import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listCards } from '../src/cards';
import { findCustomerByUsername } from '../src/customers';
import { startTestBank, type TestBank } from './bank-fixtures';

describe('the bank\'s demo home page', () => {
  let bank: TestBank;
  const held: string[] = [];
  beforeAll(async () => {
    bank = await startTestBank({ config: { seed: 'pages' } });
    bank.ctx.events.on('authorization.held', (event) => held.push(event.authorizationId));
  });
  afterAll(() => bank.stop());

  async function signIn(username: string): Promise<string> {
    const response = await fetch(`${bank.url}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username, password: `${username}-sandbox`, next: '/' }),
    });
    expect(response.status).toBe(303);
    return response.headers.get('set-cookie')!.split(';')[0]!;
  }

  const post = (path: string, input: { cookie?: string; origin?: string | null; form?: Record<string, string> } = {}) =>
    fetch(`${bank.url}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(input.cookie ? { cookie: input.cookie } : {}),
        ...(input.origin === null ? {} : { origin: input.origin ?? bank.url }),
      },
      body: new URLSearchParams(input.form ?? {}),
    });

  it('welcomes a signed-out visitor with a sign-in link', async () => {
    const page = await (await fetch(bank.url)).text();
    expect(page).toContain('Welcome to Sandbox Bank');
    expect(page).toContain('href="/login?next=/"');
    expect(page).not.toContain('Simulate');
  });

  it('shows a signed-in customer their accounts, balances, cards and the simulate buttons', async () => {
    const page = await (await fetch(bank.url, { headers: { cookie: await signIn('alice') } })).text();
    expect(page).toContain('Hello, Alice Example');
    for (const text of ['Everyday Current Account', 'Easy Saver', 'Sandbox Rewards Credit Card', 'Debit card', 'Credit card', 'Simulate a card payment', 'Simulate a suspicious payment', 'available credit']) {
      expect(page).toContain(text);
    }
    expect(page).toMatch(/Balance −?£[\d,]+\.\d\d/);
  });

  it('locks and unlocks a card from the page, and refuses a post without the bank\'s Origin', async () => {
    const cookie = await signIn('alice');
    const alice = (await findCustomerByUsername(bank.ctx.db, 'alice'))!;
    const [card] = await listCards(bank.ctx, alice.id);
    expect((await post(`/cards/${card!.id}/lock`, { cookie, origin: null })).status).toBe(403);
    expect((await post(`/cards/${card!.id}/lock`, { cookie, origin: 'https://evil.example' })).status).toBe(403);
    expect((await listCards(bank.ctx, alice.id))[0]!.locked).toBe(false);

    const locked = await post(`/cards/${card!.id}/lock`, { cookie });
    expect(locked.status).toBe(303);
    expect(locked.headers.get('location')).toBe('/');
    expect((await listCards(bank.ctx, alice.id))[0]!.locked).toBe(true);
    const page = await (await fetch(bank.url, { headers: { cookie } })).text();
    expect(page).toContain(`data-card="${card!.id}" data-locked="yes"`);
    expect(page).toContain(`action="/cards/${card!.id}/unlock"`);
    await post(`/cards/${card!.id}/unlock`, { cookie });
    expect((await listCards(bank.ctx, alice.id))[0]!.locked).toBe(false);
  });

  it('never lets one customer lock another\'s card, and sends a signed-out post to sign in', async () => {
    const alice = (await findCustomerByUsername(bank.ctx.db, 'alice'))!;
    const [card] = await listCards(bank.ctx, alice.id);
    expect((await post(`/cards/${card!.id}/lock`, { cookie: await signIn('bob') })).status).toBe(404);
    const signedOut = await post(`/cards/${card!.id}/lock`);
    expect(signedOut.status).toBe(303);
    expect(signedOut.headers.get('location')).toBe('/login?next=/');
    expect((await listCards(bank.ctx, alice.id))[0]!.locked).toBe(false);
  });

  it('simulates a suspicious payment from the button: held, shown with Yes/No, and the bot is told', async () => {
    const cookie = await signIn('bob');
    const response = await post('/demo/simulate', { cookie, form: { count: '0', suspicious: 'true' } });
    expect(response.status).toBe(303);
    const page = await (await fetch(bank.url, { headers: { cookie } })).text();
    expect(page).toContain('data-status="held"');
    expect(page).toContain('842.10');
    expect(page).toContain('It was me');
    expect(held).toHaveLength(1);
    // Answering from the page lets it through.
    const answer = await post(`/authorizations/${held[0]}/approve`, { cookie });
    expect(answer.status).toBe(303);
    expect(await (await fetch(bank.url, { headers: { cookie } })).text()).toContain(`data-authorization="${held[0]}" data-status="approved"`);
  });

  it('answers the simulate route in JSON for the CLI and rejects bad input with a 400', async () => {
    const cookie = await signIn('alice');
    const response = await fetch(`${bank.url}/demo/simulate`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, origin: bank.url, accept: 'application/json' },
      body: new URLSearchParams({ count: '2', suspicious: 'false' }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { authorizations: { status: string; merchantName: string }[] };
    expect(body.authorizations).toHaveLength(2);
    expect(body.authorizations.every((auth) => auth.status === 'approved')).toBe(true);
    expect((await post('/demo/simulate', { cookie, form: { count: 'lots' } })).status).toBe(400);
    expect((await post('/demo/simulate', { cookie, form: { count: '500' } })).status).toBe(400);
  });
});
