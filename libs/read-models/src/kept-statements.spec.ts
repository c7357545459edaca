import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { createDataSource } from './data-source';
import { executeKept, KeptStatementsDatabase, keptStatementsOf, keptTransaction, queryKept } from './kept-statements';

describe('kept statements', () => {
  let dir: string;
  let db: DataSource;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lb-kept-statements-'));
    db = await createDataSource({ sqlitePath: join(dir, 'read-models.sqlite') }).initialize();
    await db.query('CREATE TABLE "numbers" ("n" integer PRIMARY KEY)');
  });

  afterEach(async () => {
    if (db.isInitialized) await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const numbers = async (): Promise<number[]> =>
    (await queryKept<{ n: number }>(db.manager, 'SELECT "n" FROM "numbers" ORDER BY "n"', [])).map((row) => row.n);

  it('runs the same text again with other parameters', async () => {
    expect(keptStatementsOf(db.manager)).toBeInstanceOf(KeptStatementsDatabase);
    for (const n of [3, 1, 2]) await executeKept(db.manager, 'INSERT INTO "numbers" ("n") VALUES (?)', [n]);
    expect(await numbers()).toEqual([1, 2, 3]);
    expect(await queryKept(db.manager, 'SELECT "n" FROM "numbers" WHERE "n" > ?', [1])).toEqual([{ n: 2 }, { n: 3 }]);
    expect(await queryKept(db.manager, 'SELECT "n" FROM "numbers" WHERE "n" > ?', [2])).toEqual([{ n: 3 }]);
  });

  it("rejects a text SQLite does not prepare with SQLite's error, every time", async () => {
    for (let i = 0; i < 2; i++) await expect(queryKept(db.manager, 'SELECT "n" FROM "no_such_table"', [])).rejects.toThrow(/no such table/);
  });

  it('rejects a run that fails and keeps the statement usable', async () => {
    const insert = 'INSERT INTO "numbers" ("n") VALUES (?)';
    await executeKept(db.manager, insert, [1]);
    await expect(executeKept(db.manager, insert, [1])).rejects.toThrow(/UNIQUE/);
    await executeKept(db.manager, insert, [2]);
    expect(await numbers()).toEqual([1, 2]);
  });

  it('runs texts past the bound without keeping them', async () => {
    for (let n = 0; n < 100; n++) await executeKept(db.manager, `INSERT INTO "numbers" ("n") VALUES (${n})`, []);
    expect(await numbers()).toHaveLength(100);
  });

  it('closes a connection whose statements are kept, also with a run in flight', async () => {
    await executeKept(db.manager, 'INSERT INTO "numbers" ("n") VALUES (?)', [1]);
    const inFlight = queryKept(db.manager, 'SELECT "n" FROM "numbers"', []);
    await db.destroy();
    await expect(inFlight).resolves.toEqual([{ n: 1 }]);
  });

  it('commits a transaction, and rolls back one whose work fails', async () => {
    await keptTransaction(db, (tx) => executeKept(tx, 'INSERT INTO "numbers" ("n") VALUES (?)', [1]));
    await expect(
      keptTransaction(db, async (tx) => {
        await executeKept(tx, 'INSERT INTO "numbers" ("n") VALUES (?)', [2]);
        throw new Error('the work failed');
      }),
    ).rejects.toThrow('the work failed');
    expect(await numbers()).toEqual([1]);
    await keptTransaction(db, (tx) => executeKept(tx, 'INSERT INTO "numbers" ("n") VALUES (?)', [3]));
    expect(await numbers()).toEqual([1, 3]);
  });
});
