import { Type, type Static } from '@sinclair/typebox';
import { maxPayloadLength, maxPostbackTitleLength } from './content';

/** Most top-level items a persistent menu may have (nested menus are not supported). */
export const maxMenuItems = 3;
/** Longest title of a menu item or of the get-started button: a tap sends it as a postback's title. */
export const maxMenuTitleLength = maxPostbackTitleLength;
/** Longest payload a menu item or the get-started button carries back to the business in its postback. */
export const maxMenuPayloadLength = maxPayloadLength;

const strict = { additionalProperties: false } as const;
const MenuTitle = Type.String({ minLength: 1, maxLength: maxMenuTitleLength, examples: ['Card transactions'] });
const MenuPayload = Type.String({ minLength: 1, maxLength: maxMenuPayloadLength, examples: ['SHOW_CARD_TRANSACTIONS'] });
// A pattern, not `format`, so every validator (Ajv at the edge, TypeBox checkers) reads it the same way.
const MenuUrl = Type.String({ minLength: 9, maxLength: 2048, pattern: '^https://[^\\s/?#]+[^\\s]*$', examples: ['https://sandbox-bank.example/help'] });

/** Sends a `postback` with its title and payload, as a tapped button does. */
export const PostbackMenuItem = Type.Object({ type: Type.Literal('postback'), title: MenuTitle, payload: MenuPayload }, strict);
/** Opens an https page of the business in a new tab; nothing is sent. */
export const UrlMenuItem = Type.Object({ type: Type.Literal('url'), title: MenuTitle, url: MenuUrl }, strict);
export const MenuItem = Type.Union([PostbackMenuItem, UrlMenuItem]);
export type MenuItem = Static<typeof MenuItem>;
export const PersistentMenu = Type.Array(MenuItem, { maxItems: maxMenuItems });

/** The button a person sees in a conversation where they have sent nothing yet; tapping it sends a `postback`. */
export const GetStarted = Type.Object({ title: MenuTitle, payload: MenuPayload }, { ...strict, examples: [{ title: 'Get started', payload: 'GET_STARTED' }] });
export type GetStarted = Static<typeof GetStarted>;

/** A business's persistent menu and get-started button, as its API key reads them and as people's clients get them. */
export const BusinessMenu = Type.Object(
  { getStarted: Type.Union([GetStarted, Type.Null()]), persistentMenu: PersistentMenu },
  {
    examples: [
      {
        getStarted: { title: 'Get started', payload: 'GET_STARTED' },
        persistentMenu: [
          { type: 'postback', title: 'My balance', payload: 'BALANCE' },
          { type: 'url', title: 'Help centre', url: 'https://sandbox-bank.example/help' },
        ],
      },
    ],
  },
);
export type BusinessMenu = Static<typeof BusinessMenu>;

/**
 * PUT /v1/business/profile/menu: what is given is replaced, what is left out is kept.
 * `getStarted: null` removes the button; `persistentMenu: []` removes the menu.
 */
export const SetBusinessMenuBody = Type.Object(
  { getStarted: Type.Optional(Type.Union([GetStarted, Type.Null()])), persistentMenu: Type.Optional(PersistentMenu) },
  {
    ...strict,
    minProperties: 1,
    examples: [
      { getStarted: { title: 'Get started', payload: 'GET_STARTED' } },
      { persistentMenu: [{ type: 'postback', title: 'My balance', payload: 'BALANCE' }] },
      { getStarted: null, persistentMenu: [] },
    ],
  },
);
export type SetBusinessMenuBody = Static<typeof SetBusinessMenuBody>;
