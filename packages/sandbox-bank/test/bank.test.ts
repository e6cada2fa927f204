import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBank, type TestBank } from './bank-fixtures';

describe('the Sandbox Bank server', () => {
  let bank: TestBank;
  beforeAll(async () => {
    bank = await startTestBank();
  });
  afterAll(() => bank.stop());

  it('answers its health check over a real socket', async () => {
    const response = await fetch(`${bank.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('never redirects a sign-in to another site', async () => {
    const response = await fetch(`${bank.url}/login?next=//evil.example/steal`);
    const page = await response.text();
    expect(page).toContain('name="next" value="/"');
    expect(page).not.toContain('evil.example');
  });
});
