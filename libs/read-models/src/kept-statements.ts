import * as sqlite3 from 'sqlite3';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * Most statements one connection keeps prepared. The live projection runs a handful of texts
 * (the checkpoint, a state look-up, one upsert per table); a text past the bound is prepared
 * and finalized for its one run, as TypeORM does for every statement.
 */
const MAX_KEPT_STATEMENTS = 64;

/**
 * A sqlite3 connection that keeps the statements run through `runKept` and `allKept` prepared
 * between runs. TypeORM's `query` prepares, runs and finalizes a statement per call, which was
 * about half the CPU of a live transaction of one commit: SQLite parsing the same texts again on
 * the worker thread, and two trips to it (prepare, run) instead of one.
 * Closing finalizes them first: SQLite refuses to close a connection with statements open.
 */
export class KeptStatementsDatabase extends sqlite3.Database {
  private readonly kept = new Map<string, KeptStatement>();

  /** Runs a statement that returns no rows. */
  runKept(sql: string, params: readonly unknown[]): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = (error: Error | null): void => (error ? reject(error) : resolve());
      const kept = this.statement(sql);
      if (!kept) return void this.run(sql, params, done);
      kept.prepared.catch(reject);
      kept.statement.run(params, done);
    });
  }

  /** Runs a statement and resolves with its rows. */
  allKept<T>(sql: string, params: readonly unknown[]): Promise<T[]> {
    return new Promise((resolve, reject) => {
      const done = (error: Error | null, rows: T[]): void => (error ? reject(error) : resolve(rows));
      const kept = this.statement(sql);
      if (!kept) return void this.all<T>(sql, params, done);
      kept.prepared.catch(reject);
      kept.statement.all<T>(params, done);
    });
  }

  override close(callback?: (error: Error | null) => void): void {
    // A finalize waits for its statement's prepare and runs already asked for, and the close for all of them.
    for (const { statement } of this.kept.values()) statement.finalize();
    this.kept.clear();
    super.close(callback);
  }

  /**
   * The statement kept for `sql`, null past the bound. Runs are asked for at once, in order:
   * sqlite3 queues them until the text is prepared, and drops them unanswered if it does not
   * prepare, so `prepared` carries SQLite's error to them.
   */
  private statement(sql: string): KeptStatement | null {
    const known = this.kept.get(sql);
    if (known) return known;
    if (this.kept.size >= MAX_KEPT_STATEMENTS) return null;
    let settle: (error: Error | null) => void = () => undefined;
    const statement = this.prepare(sql, (error: Error | null) => settle(error));
    const prepared = new Promise<void>((resolve, reject) => (settle = (error) => (error ? reject(error) : resolve())));
    const kept: KeptStatement = { statement, prepared };
    prepared.catch(() => {
      if (this.kept.get(sql) === kept) this.kept.delete(sql);
    });
    this.kept.set(sql, kept);
    return kept;
  }
}

interface KeptStatement {
  readonly statement: sqlite3.Statement;
  /** Settles once SQLite has prepared the text (or refused it). */
  readonly prepared: Promise<void>;
}

/** The sqlite3 module TypeORM opens connections with: every connection keeps its statements. */
export const keptStatementsSqlite = { ...sqlite3, Database: KeptStatementsDatabase };

/** The connection under `manager` when it is one that keeps statements (a SQLite read model), else null. */
export function keptStatementsOf(manager: EntityManager): KeptStatementsDatabase | null {
  const connection: unknown = (manager.connection.driver as { databaseConnection?: unknown }).databaseConnection;
  return connection instanceof KeptStatementsDatabase ? connection : null;
}

/** `manager.query` of a statement that returns rows, through the kept statements where the connection keeps them. */
export function queryKept<T>(manager: EntityManager, sql: string, params: readonly unknown[]): Promise<T[]> {
  const kept = keptStatementsOf(manager);
  return kept ? kept.allKept<T>(sql, params) : (manager.query(sql, [...params]) as Promise<T[]>);
}

/** `manager.query` of a statement that writes, through the kept statements where the connection keeps them. */
export async function executeKept(manager: EntityManager, sql: string, params: readonly unknown[]): Promise<void> {
  const kept = keptStatementsOf(manager);
  if (kept) await kept.runKept(sql, params);
  else await manager.query(sql, [...params]);
}

/**
 * `db.transaction(work)`, with BEGIN and COMMIT as kept statements where the connection keeps
 * them: TypeORM's transaction prepares both and tells its subscribers four times. The work gets the
 * DataSource's manager, which on SQLite's one connection is inside the transaction; a failed COMMIT
 * is rolled back, as TypeORM does.
 */
export async function keptTransaction<T>(db: DataSource, work: (tx: EntityManager) => Promise<T>): Promise<T> {
  const kept = keptStatementsOf(db.manager);
  if (!kept) return db.transaction(work);
  await kept.runKept('BEGIN', []);
  try {
    const result = await work(db.manager);
    await kept.runKept('COMMIT', []);
    return result;
  } catch (error) {
    await kept.runKept('ROLLBACK', []).catch(() => undefined);
    throw error;
  }
}
