import { describe, expect, it } from 'vitest';
import { consolePath, parseConsoleRoute } from './console.routes';

describe('console routes', () => {
  it('reads every console address back from the path it builds', () => {
    const business = '3f1c2b1e-8a9d-4c51-9b7e-3c2d1f0a9b8c';
    const conversation = '0a1b2c3d-8a9d-4c51-9b7e-3c2d1f0a9b8c';
    expect(parseConsoleRoute(consolePath.inbox(business))).toEqual({ name: 'inbox', businessId: business, conversationId: null });
    expect(parseConsoleRoute(consolePath.inbox(business, conversation))).toEqual({ name: 'inbox', businessId: business, conversationId: conversation });
    expect(parseConsoleRoute(consolePath.stats(business))).toEqual({ name: 'stats', businessId: business });
    expect(parseConsoleRoute(consolePath.settings(business, 'keys'))).toEqual({ name: 'settings', businessId: business, section: 'keys' });
    expect(parseConsoleRoute(`/console/${business}`)).toEqual({ name: 'inbox', businessId: business, conversationId: null });
  });

  it('sends unknown sections and bare /console to the business picker, and reads invite links', () => {
    expect(parseConsoleRoute('/console')).toEqual({ name: 'picker' });
    expect(parseConsoleRoute('/console/')).toEqual({ name: 'picker' });
    expect(parseConsoleRoute('/console/abc/nonsense')).toEqual({ name: 'picker' });
    expect(parseConsoleRoute('/console/invite/inv_abcdefgh12345')).toEqual({ name: 'invite', token: 'inv_abcdefgh12345' });
    expect(parseConsoleRoute('/console/invite')).toEqual({ name: 'invite', token: null });
    expect(parseConsoleRoute('/console/abc/settings/unknown')).toEqual({ name: 'settings', businessId: 'abc', section: 'profile' });
  });
});
