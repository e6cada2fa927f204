import type { Insertable, Selectable } from 'kysely';
import type { Db } from '../database';
import type { WsTicketsTable } from './identity.table';

export type WsTicketRow = Selectable<WsTicketsTable>;

export async function insertWsTicket(db: Db, ticket: Insertable<WsTicketsTable>): Promise<void> {
  await db.insertInto('ws_tickets').values(ticket).execute();
}

/** Delete and return the ticket in one statement: a ticket admits one upgrade, however many race for it. */
export async function takeWsTicket(db: Db, id: string): Promise<WsTicketRow | undefined> {
  return db.deleteFrom('ws_tickets').where('id', '=', id).returningAll().executeTakeFirst();
}

export async function deleteExpiredWsTickets(db: Db, now: number): Promise<void> {
  await db.deleteFrom('ws_tickets').where('expires_at', '<=', now).execute();
}
