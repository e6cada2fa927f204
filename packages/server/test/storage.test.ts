import fs from 'node:fs';
import path from 'node:path';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import SQLite from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Dialect } from '../src/platform/db/database';
import { fixedQuery } from '../src/platform/db/fixed-query';
import { runStatement } from '../src/platform/db/values-list';
import { inTransaction } from '../src/platform/db/run-now';
import { migrations } from '../src/platform/db/migrations';
import { dialects, freshStore } from './context';

const drops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const drop of drops.splice(0)) await drop();
});

async function store(dialect: Dialect): Promise<{ dataDir: string; databaseUrl: string | null }> {
  const fresh = await freshStore(dialect);
  drops.push(fresh.drop);
  return fresh;
}

function kyselyOn(dialect: Dialect, where: { dataDir: string; databaseUrl: string | null }): Kysely<unknown> {
  if (dialect === 'postgres') return new Kysely({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: where.databaseUrl!, max: 2 }) }) });
  const database = new SQLite(path.join(where.dataDir, 'parley.db'));
  database.pragma('foreign_keys = ON');
  return new Kysely({ dialect: new SqliteDialect({ database }) });
}

/** Migrate up to and including `last`, in order. */
async function migrateTo(db: Kysely<unknown>, last: string): Promise<void> {
  const result = await new Migrator({ db, provider: { getMigrations: async () => migrations } }).migrateTo(last);
  if (result.error) throw result.error;
}

describe.each(dialects)('message storage on %s', (dialect) => {
  it('migration 0019 keeps every message and still refuses a second message under one (conversation, clientId)', async () => {
    const where = await store(dialect);
    const db = kyselyOn(dialect, where);
    try {
      await migrateTo(db, '0018_notices');
      await sql`insert into people (id, display_name, created_at) values ('p1', 'Ada', 1)`.execute(db);
      await sql`insert into businesses (id, slug, name, created_at) values ('b1', 'bank', 'Bank', 1), ('b2', 'other', 'Other bank', 1)`.execute(db);
      await sql`insert into conversations (id, person_id, business_id, created_at, last_message_at, last_seq) values ('c1', 'p1', 'b1', 1, 1, 3), ('c2', 'p1', 'b2', 1, 1, 1)`.execute(db);
      await sql`insert into messages (conversation_id, seq, client_id, sender, content_type, body, created_at, agent_name)
        values ('c1', 1, 'k1', 'person', 'text', 'one', 10, null), ('c1', 2, null, 'business', 'text', 'two', 11, 'Grace'),
               ('c1', 3, 'k2', 'person', 'text', 'three', 12, null), ('c2', 1, 'k1', 'person', 'text', 'other', 13, null)`.execute(db);

      await migrateTo(db, '0019_message_client_order');

      const rows = await sql<{ conversation_id: string; seq: number; client_id: string | null; body: string; agent_name: string | null }>`
        select conversation_id, seq, client_id, body, agent_name from messages order by conversation_id, seq`.execute(db);
      expect(rows.rows.map((row) => [row.conversation_id, Number(row.seq), row.client_id, row.body, row.agent_name])).toEqual([
        ['c1', 1, 'k1', 'one', null],
        ['c1', 2, null, 'two', 'Grace'],
        ['c1', 3, 'k2', 'three', null],
        ['c2', 1, 'k1', 'other', null],
      ]);
      // The same clientId in another conversation is fine; twice in one conversation is not.
      await sql`insert into messages (conversation_id, seq, client_id, sender, content_type, body, created_at) values ('c2', 2, 'k2', 'person', 'text', 'x', 14)`.execute(db);
      await expect(sql`insert into messages (conversation_id, seq, client_id, sender, content_type, body, created_at) values ('c1', 4, 'k2', 'person', 'text', 'x', 15)`.execute(db)).rejects.toThrow(/unique|duplicate/i);
      // The unique index leads with client_id.
      expect(await uniqueColumns(db, dialect)).toEqual(['client_id', 'conversation_id']);
      // Deleting a conversation still takes its messages with it.
      await sql`delete from conversations where id = 'c2'`.execute(db);
      const left = await sql<{ n: number }>`select count(*) as n from messages where conversation_id = 'c2'`.execute(db);
      expect(Number(left.rows[0]!.n)).toBe(0);
    } finally {
      await db.destroy();
    }
  });
});

async function uniqueColumns(db: Kysely<unknown>, dialect: Dialect): Promise<string[]> {
  if (dialect === 'postgres') {
    const result = await sql<{ definition: string }>`select pg_get_constraintdef(oid) as definition from pg_constraint where conname = 'messages_client_id'`.execute(db);
    return /\(([^)]*)\)/.exec(result.rows[0]!.definition)![1]!.split(',').map((column) => column.trim());
  }
  const indexes = await sql<{ name: string; unique: number; origin: string }>`pragma index_list('messages')`.execute(db);
  const index = indexes.rows.find((row) => row.unique === 1 && row.origin === 'u')!;
  const info = await sql<{ name: string }>`select name from pragma_index_info(${index.name}) order by seqno`.execute(db);
  return info.rows.map((row) => row.name);
}

/** Salt-1 of the WAL header: SQLite changes it each time the WAL starts over from its beginning. */
function walSalt(file: string): number | null {
  try {
    const fd = fs.openSync(`${file}-wal`, 'r');
    try {
      const header = Buffer.alloc(32);
      if (fs.readSync(fd, header, 0, 32, 0) < 32) return null;
      return header.readUInt32BE(16);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return null;
  }
}

describe.each(dialects)('statements beside a transaction on %s', (dialect) => {
  it('a statement run while a transaction is open is not part of it, and one on an idle database runs at once', async () => {
    const where = await store(dialect);
    const database = await openDatabase<unknown>({ dataDir: where.dataDir, databaseUrl: where.databaseUrl, sqliteSync: 'normal' });
    const db = database.db as Kysely<unknown>;
    const insertPerson = (id: string) => runStatement(db, `insert into people (id, display_name, created_at) values (${dialect === 'postgres' ? '$1, $2, $3' : '?, ?, ?'})`, [id, id, 1]);
    try {
      let outside: Promise<unknown> | undefined;
      const aborted = db.transaction().execute(async (trx) => {
        await sql`insert into people (id, display_name, created_at) values ('inside', 'inside', 1)`.execute(trx);
        // Issued while the transaction holds the connection: it must wait, not join it.
        outside = insertPerson('outside');
        await new Promise((resolve) => setTimeout(resolve, 20));
        throw new Error('roll back');
      });
      await expect(aborted).rejects.toThrow('roll back');
      await outside;
      const kept = await runStatement<{ id: string }>(db, "select id from people where id in ('inside', 'outside') order by id", []);
      expect(kept.map((row) => row.id)).toEqual(['outside']);

      const fixed = fixedQuery((kysely: Kysely<{ people: { id: string; display_name: string } }>, id: string) => kysely.selectFrom('people').select('display_name').where('id', '=', id));
      expect(await fixed(db as unknown as Kysely<{ people: { id: string; display_name: string } }>, 'outside')).toEqual([{ display_name: 'outside' }]);
      await insertPerson('idle');
      expect(Number((await runStatement<{ n: number }>(db, "select count(*) as n from people where id = 'idle'", []))[0]?.n)).toBe(1);
    } finally {
      await database.close();
    }
  });
});

describe.each(dialects)('statements inside a transaction on %s', (dialect) => {
  it("a transaction's own statements are part of it: they see each other, roll back with it and commit with it, while one from outside waits", async () => {
    const where = await store(dialect);
    const database = await openDatabase<unknown>({ dataDir: where.dataDir, databaseUrl: where.databaseUrl, sqliteSync: 'normal' });
    const db = database.db as Kysely<unknown>;
    const values = dialect === 'postgres' ? '$1, $2, $3' : '?, ?, ?';
    const insertPerson = (on: Kysely<unknown>, id: string) => runStatement(on, `insert into people (id, display_name, created_at) values (${values})`, [id, id, 1]);
    type People = { people: { id: string; display_name: string } };
    const nameOf = fixedQuery((kysely: Kysely<People>, id: string) => kysely.selectFrom('people').select('display_name').where('id', '=', id));
    const ids = async () => (await runStatement<{ id: string }>(db, "select id from people where id in ('mine', 'outside', 'kept') order by id", [])).map((row) => row.id);
    try {
      let outside: Promise<unknown> | undefined;
      const aborted = inTransaction(db, async (trx) => {
        await insertPerson(trx, 'mine');
        expect(await nameOf(trx as unknown as Kysely<People>, 'mine')).toEqual([{ display_name: 'mine' }]);
        outside = insertPerson(db, 'outside');
        await new Promise((resolve) => setTimeout(resolve, 20));
        // On SQLite's one connection the outside statement waits for this transaction to end (on
        // PostgreSQL it commits on a connection of its own).
        if (dialect === 'sqlite') expect(await nameOf(trx as unknown as Kysely<People>, 'outside')).toEqual([]);
        throw new Error('roll back');
      });
      await expect(aborted).rejects.toThrow('roll back');
      await outside;
      expect(await ids()).toEqual(['outside']);
      let ended: Kysely<unknown> | undefined;
      await inTransaction(db, async (trx) => {
        ended = trx;
        await insertPerson(trx, 'kept');
      });
      expect(await ids()).toEqual(['kept', 'outside']);
      if (dialect === 'sqlite' && ended) {
        // A query issued on a transaction after it ended must not land in whatever holds the connection next.
        await expect(sql`delete from people`.execute(ended)).rejects.toThrow('A query on a transaction that has ended.');
        await expect(insertPerson(ended, 'late')).rejects.toThrow('A query on a transaction that has ended.');
        expect(await ids()).toEqual(['kept', 'outside']);
      }
    } finally {
      await database.close();
    }
  });
});

describe('SQLite rows', () => {
  it('are the rows better-sqlite3 itself gives, for every column type, duplicate names, a stream, and a `select *` after the table grew', async () => {
    const where = await store('sqlite');
    const database = await openDatabase<unknown>({ dataDir: where.dataDir, databaseUrl: null, sqliteSync: 'normal' });
    const db = database.db as Kysely<unknown>;
    const direct = new SQLite(path.join(where.dataDir, 'parley.db'), { readonly: true });
    try {
      await sql`create table scratch (id integer primary key, t text, r real, b blob, n text)`.execute(db);
      await sql`insert into scratch (id, t, r, b, n) values (1, 'one', 1.5, x'0102', null), (2, 'two', -2.25, x'', 'x')`.execute(db);
      const queries = [
        'select * from scratch order by id',
        "select id, t as same, r as same, 'fixed' as \"odd name.with dots\", count(*) over () as \"0\" from scratch order by id",
        'select t from scratch where id = 99',
      ];
      for (const text of queries) {
        const expected = direct.prepare(text).all();
        // Through Kysely (its driver prepares through Parley's statement cache), and through the run-now path.
        expect((await sql.raw(text).execute(db)).rows).toEqual(expected);
        expect(await runStatement(db, text, [])).toEqual(expected);
        expect(Object.getPrototypeOf((await runStatement<object>(db, text, []))[0] ?? {})).toBe(Object.prototype);
      }
      const streamed: unknown[] = [];
      for await (const row of (db as Kysely<{ scratch: { id: number; t: string } }>).selectFrom('scratch').select(['id', 't']).orderBy('id').stream()) streamed.push(row);
      expect(streamed).toEqual([{ id: 1, t: 'one' }, { id: 2, t: 'two' }]);

      // A cached `select *` is prepared again by SQLite after the schema changes: its rows follow.
      await sql`alter table scratch add column later text default 'added'`.execute(db);
      expect(await runStatement(db, queries[0]!, [])).toEqual(direct.prepare(queries[0]!).all());
      expect((await runStatement<{ later: string }>(db, queries[0]!, []))[0]?.later).toBe('added');
    } finally {
      direct.close();
      await database.close();
    }
  });
});

describe('SQLite write-ahead log', () => {
  it('starts over again and again while commits never stop, so it cannot grow without end', async () => {
    const where = await store('sqlite');
    const database = await openDatabase<unknown>({ dataDir: where.dataDir, databaseUrl: null, sqliteSync: 'normal' }, { checkpointEveryMs: 50 });
    const db = database.db as Kysely<unknown>;
    const file = path.join(where.dataDir, 'parley.db');
    try {
      await sql`create table scratch (id integer primary key, k text not null unique, v blob not null)`.execute(db);
      const salts = new Set<number>();
      const filler = Buffer.alloc(2000, 7);
      const until = Date.now() + 3000;
      let n = 0;
      // Back-to-back commits, each touching random index pages, with only a turn of the event
      // loop between them: a checkpoint in the worker alone can never copy the whole WAL.
      while (Date.now() < until) {
        await db.transaction().execute(async (trx) => {
          for (let i = 0; i < 20; i++) await sql`insert into scratch (k, v) values (${`${Math.random()}`}, ${filler})`.execute(trx);
        });
        n += 1;
        const salt = walSalt(file);
        if (salt !== null) salts.add(salt);
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(n).toBeGreaterThan(100);
      // Each distinct salt is one restart of the WAL; a checkpoint every 50 ms over 3 s gives dozens.
      expect(salts.size).toBeGreaterThan(5);
    } finally {
      await database.close();
    }
  });
});
