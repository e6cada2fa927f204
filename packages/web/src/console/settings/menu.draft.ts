/**
 * The menu as the owner edits it (every field a string, so half-typed items survive), checked
 * with the rules the server applies, and turned into the body of PUT /v1/business/:id/menu.
 */
import { maxMenuItems, maxMenuPayloadLength, maxMenuTitleLength, type BusinessMenu, type MenuItem } from '@parley/protocol';

export interface DraftItem {
  readonly type: 'postback' | 'url';
  readonly title: string;
  /** The payload of a postback, or the https address of a link. */
  readonly target: string;
}

export interface MenuDraft {
  readonly getStartedOn: boolean;
  readonly getStartedTitle: string;
  readonly getStartedPayload: string;
  readonly items: readonly DraftItem[];
}

export const newItem: DraftItem = { type: 'postback', title: '', target: '' };

export function draftOf(menu: BusinessMenu): MenuDraft {
  return {
    getStartedOn: menu.getStarted !== null,
    getStartedTitle: menu.getStarted?.title ?? 'Get started',
    getStartedPayload: menu.getStarted?.payload ?? 'GET_STARTED',
    items: menu.persistentMenu.map((item) => ({ type: item.type, title: item.title, target: item.type === 'postback' ? item.payload : item.url })),
  };
}

const httpsUrl = /^https:\/\/[^\s/?#]+\S*$/;

function titleProblem(title: string, what: string): string | null {
  if (title.trim() === '') return `${what} needs a title.`;
  if (title.trim().length > maxMenuTitleLength) return `${what}: the title is ${title.trim().length} characters; at most ${maxMenuTitleLength}.`;
  return null;
}

function payloadProblem(payload: string, what: string): string | null {
  if (payload.trim() === '') return `${what} needs a payload (what your bot receives when someone taps it).`;
  if (payload.trim().length > maxMenuPayloadLength) return `${what}: the payload is longer than ${maxMenuPayloadLength} characters.`;
  return null;
}

/** What is wrong with the draft, one sentence per problem, in the order of the form. */
export function draftProblems(draft: MenuDraft): string[] {
  const problems: (string | null)[] = [];
  if (draft.getStartedOn) problems.push(titleProblem(draft.getStartedTitle, 'The Get started button'), payloadProblem(draft.getStartedPayload, 'The Get started button'));
  if (draft.items.length > maxMenuItems) problems.push(`A menu has at most ${maxMenuItems} items.`);
  draft.items.forEach((item, index) => {
    const what = `Menu item ${index + 1}`;
    problems.push(titleProblem(item.title, what));
    if (item.type === 'postback') problems.push(payloadProblem(item.target, what));
    else if (!httpsUrl.test(item.target.trim()) || item.target.trim().length > 2048) problems.push(`${what}: the link must be a full https:// address.`);
  });
  return problems.filter((problem): problem is string => problem !== null);
}

/** The whole menu as the draft says: both parts are sent, so what the owner sees is what people get. */
export function bodyOf(draft: MenuDraft): BusinessMenu {
  const items: MenuItem[] = draft.items.map((item) =>
    item.type === 'postback' ? { type: 'postback', title: item.title.trim(), payload: item.target.trim() } : { type: 'url', title: item.title.trim(), url: item.target.trim() },
  );
  return {
    getStarted: draft.getStartedOn ? { title: draft.getStartedTitle.trim(), payload: draft.getStartedPayload.trim() } : null,
    persistentMenu: items,
  };
}
