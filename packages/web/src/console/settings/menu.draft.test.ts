import { describe, expect, it } from 'vitest';
import { bodyOf, draftOf, draftProblems, newItem, type MenuDraft } from './menu.draft';

const menu = {
  getStarted: { title: 'Get started', payload: 'GET_STARTED' },
  persistentMenu: [
    { type: 'postback' as const, title: 'My balance', payload: 'BALANCE' },
    { type: 'url' as const, title: 'Help centre', url: 'https://sandbox-bank.example/help' },
  ],
};

describe('the menu draft', () => {
  it('gives back the menu it was made from', () => {
    expect(draftProblems(draftOf(menu))).toEqual([]);
    expect(bodyOf(draftOf(menu))).toEqual(menu);
    expect(bodyOf({ ...draftOf(menu), getStartedOn: false, items: [] })).toEqual({ getStarted: null, persistentMenu: [] });
  });

  it('names each problem by the item it is in, as the server would refuse it', () => {
    const draft: MenuDraft = {
      ...draftOf(menu),
      items: [
        { type: 'postback', title: 'x'.repeat(31), target: 'X' },
        { type: 'url', title: 'Site', target: 'http://sandbox-bank.example/' },
        newItem,
        newItem,
      ],
    };
    expect(draftProblems(draft)).toEqual([
      'A menu has at most 3 items.',
      'Menu item 1: the title is 31 characters; at most 30.',
      'Menu item 2: the link must be a full https:// address.',
      'Menu item 3 needs a title.',
      'Menu item 3 needs a payload (what your bot receives when someone taps it).',
      'Menu item 4 needs a title.',
      'Menu item 4 needs a payload (what your bot receives when someone taps it).',
    ]);
    expect(draftProblems({ ...draft, items: [], getStartedTitle: ' ' })).toEqual(['The Get started button needs a title.']);
  });
});
