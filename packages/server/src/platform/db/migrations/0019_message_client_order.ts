import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * The resend check's unique index leads with the clientId instead of the conversation:
 * (client_id, conversation_id). Clients make time-ordered clientIds (UUIDv7), so a commit's new
 * keys land together at the end of the index instead of one on each conversation's page (a
 * commit of 7 messages wrote 21.6 WAL pages instead of 29.6 in a SQLite harness). A
 * lookup by (conversation_id, client_id) uses the index either way, and uniqueness of the pair
 * is unchanged. SQLite cannot change a table constraint in place, so it rebuilds the table.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await reorder(db, ['client_id', 'conversation_id']);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await reorder(db, ['conversation_id', 'client_id']);
}

const columns = ['conversation_id', 'seq', 'client_id', 'sender', 'content_type', 'body', 'created_at', 'agent_name'] as const;

async function reorder(db: Kysely<unknown>, unique: readonly ['client_id', 'conversation_id'] | readonly ['conversation_id', 'client_id']): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`alter table messages drop constraint messages_client_id`.execute(db);
    await sql`alter table messages add constraint messages_client_id unique (${sql.join(unique.map((column) => sql.ref(column)))})`.execute(db);
    return;
  }
  await db.transaction().execute(async (trx) => {
    await trx.schema
      .createTable('messages_reordered')
      .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('client_id', 'text')
      .addColumn('sender', 'text', (c) => c.notNull())
      .addColumn('content_type', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('agent_name', 'text')
      .addPrimaryKeyConstraint('messages_pk', ['conversation_id', 'seq'])
      .addUniqueConstraint('messages_client_id', [...unique])
      .execute();
    const list = sql.join(columns.map((column) => sql.ref(column)));
    await sql`insert into messages_reordered (${list}) select ${list} from messages order by rowid`.execute(trx);
    await trx.schema.dropTable('messages').execute();
    await trx.schema.alterTable('messages_reordered').renameTo('messages').execute();
  });
}
