import type { BusinessMenu, GetStarted, MenuItem, SetBusinessMenuBody } from '@parley/protocol';
import type { ServerContext } from '../context';
import { AppError } from '../platform/errors';
import * as menus from './menu.repository';
import type { MenuColumns } from './menu.repository';

/** Menu services need only the database. */
type MenuContext = Pick<ServerContext, 'db'>;

/** The menu as stored in a business row; columns a caller did not select count as unset. */
export function menuFromRow(row: Partial<MenuColumns>): BusinessMenu {
  return {
    getStarted: row.get_started ? (JSON.parse(row.get_started) as GetStarted) : null,
    persistentMenu: row.persistent_menu ? (JSON.parse(row.persistent_menu) as MenuItem[]) : [],
  };
}

/** What people's clients get in a Business: the menu, or nothing when the business set neither part. */
export function publishedMenu(row: Partial<MenuColumns>): BusinessMenu | undefined {
  const menu = menuFromRow(row);
  return menu.getStarted || menu.persistentMenu.length > 0 ? menu : undefined;
}

export async function getMenu(ctx: MenuContext, businessId: string): Promise<BusinessMenu> {
  const row = await menus.findMenuColumns(ctx.db, businessId);
  if (!row) throw new AppError('ERR_NOT_FOUND');
  return menuFromRow(row);
}

/** Replace the parts given; `getStarted: null` or `persistentMenu: []` removes that part. */
export async function setMenu(ctx: MenuContext, businessId: string, body: SetBusinessMenuBody): Promise<BusinessMenu> {
  const columns: Partial<MenuColumns> = {};
  if (body.getStarted !== undefined) columns.get_started = body.getStarted ? JSON.stringify(body.getStarted) : null;
  if (body.persistentMenu !== undefined) columns.persistent_menu = body.persistentMenu.length > 0 ? JSON.stringify(body.persistentMenu) : null;
  await menus.updateMenuColumns(ctx.db, businessId, columns);
  return getMenu(ctx, businessId);
}

export async function clearMenu(ctx: MenuContext, businessId: string): Promise<void> {
  await menus.updateMenuColumns(ctx.db, businessId, { get_started: null, persistent_menu: null });
}
