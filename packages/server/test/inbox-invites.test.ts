import type { CreatedInvite, InviteList, MembershipList } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, manualClock, runParley } from './business-fixtures';
import { createTestApp, dialects, type TestApp } from './context';
import { addStaff, asMember, type Staff } from './inbox-fixtures';
import { sandboxBank } from './messaging-client';
import { signUpPerson } from './people';

// Invites: a one-time link, shown once, kept hashed, expiring after 7 days; an owner lists and
// revokes them; the person who accepts becomes a member with the invite's role.

describe.each(dialects)('console invites on %s', (dialect) => {
  let t: TestApp;
  let owner: Staff;
  let bankId: string;
  const clock = manualClock(Date.UTC(2026, 10, 22, 8, 0, 0));
  const invite = async (role = 'agent') => {
    const response = await asMember(t, owner, 'POST', `/v1/business/${bankId}/invites`, { role });
    expect(response.statusCode, response.body).toBe(201);
    return response.json() as CreatedInvite;
  };

  beforeAll(async () => {
    t = await createTestApp(dialect, { config: { adminToken }, deps: { clock } });
    bankId = (await sandboxBank(t.app, await signUpPerson(t.app))).id;
    owner = await addStaff(t, bankId, 'owner', 'Olga Owner');
  });
  afterAll(() => t.close());

  it('makes the signed-in person a member once; the same link then fails, for them and anyone else', async () => {
    const created = await invite('developer');
    expect(created.url).toBe(`${t.config.publicUrl.origin}/console/invite#${created.token}`);
    const listed = (await asMember(t, owner, 'GET', `/v1/business/${bankId}/invites`)).json() as InviteList;
    expect(listed.invites.map((i) => i.id)).toContain(created.invite.id);
    expect(JSON.stringify(listed)).not.toContain(created.token);

    const newcomer = await signUpPerson(t.app, 'Nia Newcomer');
    const preview = await asMember(t, newcomer, 'POST', '/v1/invites/preview', { token: created.token });
    expect(preview.json()).toMatchObject({ businessId: bankId, businessName: 'Sandbox Bank', role: 'developer' });
    const accepted = await asMember(t, newcomer, 'POST', '/v1/invites/accept', { token: created.token });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json()).toMatchObject({ role: 'developer', business: { id: bankId } });
    const memberships = (await t.app.inject({ url: '/v1/business', headers: { cookie: newcomer.cookie } })).json() as MembershipList;
    expect(memberships.memberships).toEqual([expect.objectContaining({ role: 'developer', business: expect.objectContaining({ id: bankId }) })]);

    const late = await signUpPerson(t.app);
    for (const who of [newcomer, late]) {
      const again = await asMember(t, who, 'POST', '/v1/invites/accept', { token: created.token });
      expect([again.statusCode, again.json().error.code]).toEqual([410, 'ERR_INVITE_INVALID']);
    }
    expect(((await asMember(t, owner, 'GET', `/v1/business/${bankId}/invites`)).json() as InviteList).invites.map((i) => i.id)).not.toContain(created.invite.id);
  });

  it('refuses a link after 7 days, a revoked link, and a made-up token alike', async () => {
    const expiring = await invite();
    const revoked = await invite();
    expect((await asMember(t, owner, 'DELETE', `/v1/business/${bankId}/invites/${revoked.invite.id}`)).statusCode).toBe(204);
    clock.advance(7 * 24 * 60 * 60 * 1000 + 1);
    const person = await signUpPerson(t.app);
    for (const token of [expiring.token, revoked.token, `inv_${'x'.repeat(43)}`]) {
      const response = await asMember(t, person, 'POST', '/v1/invites/accept', { token });
      expect([response.statusCode, response.json().error.code]).toEqual([410, 'ERR_INVITE_INVALID']);
    }
    const memberships = (await t.app.inject({ url: '/v1/business', headers: { cookie: person.cookie } })).json() as MembershipList;
    expect(memberships.memberships).toEqual([]);
  });

  it('lets the operator add members with the CLI too', async () => {
    const person = await signUpPerson(t.app, 'Cli Agent');
    const run = await runParley(t.config, ['business', 'member', 'add', '--business', 'sandbox-bank', '--email', person.me.email!, '--role', 'agent']);
    expect(run.code, run.stderr).toBe(0);
    const memberships = (await t.app.inject({ url: '/v1/business', headers: { cookie: person.cookie } })).json() as MembershipList;
    expect(memberships.memberships.map((m) => m.role)).toEqual(['agent']);
  });
});
