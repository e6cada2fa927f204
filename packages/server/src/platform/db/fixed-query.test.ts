import SQLite from 'better-sqlite3';
import { Kysely, sql, SqliteDialect } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedQuery } from './fixed-query';

interface Tables {
  notes: { id: string; owner: string; state: string; rank: number };
}

describe('fixedQuery', () => {
  let db: Kysely<Tables>;

  beforeEach(async () => {
    db = new Kysely<Tables>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) });
    await db.schema.createTable('notes').addColumn('id', 'text', (c) => c.primaryKey()).addColumn('owner', 'text').addColumn('state', 'text').addColumn('rank', 'integer').execute();
    await db
      .insertInto('notes')
      .values([
        { id: 'a', owner: 'ann', state: 'open', rank: 1 },
        { id: 'b', owner: 'ann', state: 'done', rank: 2 },
        { id: 'c', owner: 'bob', state: 'open', rank: 3 },
      ])
      .execute();
  });

  afterEach(async () => {
    await db.destroy();
  });

  it('answers what the built query answers, for every set of values, and builds it only once', async () => {
    let builds = 0;
    // 'open' is a constant of the query: it must stay bound on every call, beside the arguments.
    const openOf = fixedQuery((kdb: Kysely<Tables>, owner: string, minRank: number) => {
      builds++;
      return kdb.selectFrom('notes').select(['id', 'rank']).where('owner', '=', owner).where('state', '=', 'open').where('rank', '>=', minRank).orderBy('id');
    });
    expect(await openOf(db, 'ann', 0)).toEqual([{ id: 'a', rank: 1 }]);
    expect(await openOf(db, 'bob', 0)).toEqual([{ id: 'c', rank: 3 }]);
    expect(await openOf(db, 'bob', 4)).toEqual([]);
    expect(builds).toBe(1);
  });

  it('serves a transaction of the same database with the same compiled query', async () => {
    const setState = fixedQuery((kdb: Kysely<Tables>, id: string, state: string) => kdb.updateTable('notes').set({ state }).where('id', '=', id));
    await db.transaction().execute(async (trx) => {
      await setState(trx, 'a', 'done');
    });
    await setState(db, 'c', 'done');
    expect(await db.selectFrom('notes').select('id').where('state', '=', 'done').orderBy('id').execute()).toEqual([{ id: 'a' }, { id: 'b' }, { id: 'c' }]);
  });

  it('refuses a query that writes an argument into its SQL text instead of binding it', async () => {
    const inlined = fixedQuery((kdb: Kysely<Tables>, owner: string) => kdb.selectFrom('notes').selectAll().where('owner', '=', sql.lit(owner)));
    await expect(inlined(db, 'ann')).rejects.toThrow(/inlined/);
  });
});
