import { closeSync, fsyncSync, openSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import * as sqlite3 from 'sqlite3';
import { DataSource } from 'typeorm';
import { AggregateState, Checkpoint, ListenerStats, PoolStats } from './tables/bookkeeping-tables';
import { RESOURCE_TABLES } from './tables/resource-tables';
import { keptStatementsSqlite } from './kept-statements';
import { WalCheckpoints } from './wal-checkpoints';

/** Where the read models live: a SQLite file (`:memory:` for unit tests) or a PostgreSQL URL. */
export type ReadModelDatabase = { readonly sqlitePath: string } | { readonly url: string };

export const DEFAULT_SQLITE_PATH = '.lbaas/read-models.sqlite';

/** LBAAS_DB_URL (postgres://...) wins over LBAAS_DB_PATH (SQLite, default .lbaas/read-models.sqlite). */
export function databaseFromEnv(env: NodeJS.ProcessEnv = process.env): ReadModelDatabase {
  const url = env.LBAAS_DB_URL?.trim();
  if (url) {
    if (!/^postgres(ql)?:\/\//.test(url)) throw new Error(`LBAAS_DB_URL must be a postgres:// URL, got ${url.split('@').pop()}`);
    return { url };
  }
  return { sqlitePath: env.LBAAS_DB_PATH?.trim() || DEFAULT_SQLITE_PATH };
}

/**
 * TypeORM switches sqlite3 into verbose mode, which formats every statement's arguments for
 * long stack traces and makes each statement several times slower; hand it a driver without,
 * whose connections keep the projector's statements prepared (kept-statements.ts).
 */
const quietSqlite = { ...keptStatementsSqlite, verbose: () => keptStatementsSqlite };

export const READ_MODEL_ENTITIES = [
  ...Object.values(RESOURCE_TABLES).map((table) => table.entity),
  Checkpoint,
  AggregateState,
  PoolStats,
  ListenerStats,
];

export interface DataSourceOptions {
  /** A second SQLite connection for queries: it reads committed data while the projector writes. */
  readonly readOnly?: boolean;
  /** A file a rebuild writes and nobody reads until it is complete: no write-ahead log (see rebuild-beside.ts). */
  readonly beingRebuilt?: boolean;
}

/**
 * An uninitialised DataSource over every read-model table. The writer creates the schema
 * (read models are disposable: a schema change is followed by a rebuild, not a migration).
 */
export function createDataSource(db: ReadModelDatabase, options: DataSourceOptions = {}): DataSource {
  const common = { entities: READ_MODEL_ENTITIES, synchronize: !options.readOnly, logging: false } as const;
  if ('url' in db) return new DataSource({ ...common, type: 'postgres', url: db.url });
  const inMemory = db.sqlitePath === ':memory:';
  return new DataSource({
    ...common,
    type: 'sqlite',
    driver: quietSqlite,
    database: db.sqlitePath,
    // WAL lets the reader see the last committed transaction while the projector writes the next.
    enableWAL: !inMemory && !options.readOnly && !options.beingRebuilt,
    flags: options.readOnly ? sqlite3.OPEN_READONLY : undefined,
    busyTimeout: 10_000,
  });
}

/** The writer (schema owner) and the DataSource queries use; the same one where a pool serves both. */
export interface ReadModelConnections {
  readonly writer: DataSource;
  readonly reader: DataSource;
  /**
   * Where a rebuild writes its replacement of the SQLite file, beside it, so a crash mid-rebuild
   * leaves the serving file as it was; null where the database is rebuilt in place (PostgreSQL, `:memory:`).
   */
  readonly rebuildPath: string | null;
  /**
   * Puts the finished file at `rebuildPath` in place of the serving one by rename, which is
   * atomic: the writer and the reader close, the file is renamed, both open again (the same
   * DataSource objects, so whoever holds them reads the new file).
   */
  swapInRebuilt(): Promise<void>;
  /** Resolves when the tables can be read: at once, except while a rebuilt file is being swapped in. */
  readable(): Promise<void>;
  close(): Promise<void>;
}

/** The files SQLite keeps beside a database file. */
const SIDE_FILES = ['-wal', '-shm', '-journal'];

/** Removes a file and the files SQLite keeps beside it; absent ones are no error. */
export function removeSqliteFile(path: string): void {
  for (const suffix of ['', ...SIDE_FILES]) rmSync(`${path}${suffix}`, { force: true });
}

/** Makes a rename or a new file in `directory` survive a power loss. */
export function syncDirectory(directory: string): void {
  const fd = openSync(directory, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Opens the writer and, on a file, the connection that checkpoints its write-ahead log. */
async function openWriter(writer: DataSource, db: ReadModelDatabase, separateReader: boolean): Promise<WalCheckpoints | null> {
  await writer.initialize();
  if (!separateReader || !('sqlitePath' in db)) return null;
  // In WAL mode NORMAL loses no commit when the process dies, only on power loss; the checkpoint
  // is in the same transaction, so the consumer then resumes from what the file really holds.
  await writer.query('PRAGMA synchronous = NORMAL');
  await writer.query(WalCheckpoints.WRITER_PRAGMA);
  return WalCheckpoints.start(db.sqlitePath);
}

export async function openReadModels(db: ReadModelDatabase): Promise<ReadModelConnections> {
  const separateReader = 'sqlitePath' in db && db.sqlitePath !== ':memory:';
  const rebuildPath = separateReader ? `${db.sqlitePath}.rebuild` : null;
  // A rebuild that crashed left its unfinished file: it is no part of the read models.
  if (rebuildPath) removeSqliteFile(rebuildPath);
  const writer = createDataSource(db);
  let checkpoints = await openWriter(writer, db, separateReader);
  const reader = separateReader ? await createDataSource(db, { readOnly: true }).initialize() : writer;
  let swapping: Promise<void> = Promise.resolve();
  return {
    writer,
    reader,
    rebuildPath,
    readable: () => swapping,
    swapInRebuilt: async () => {
      if (!rebuildPath || !('sqlitePath' in db)) throw new Error('the read models are rebuilt in place on this database');
      let swapped = (): void => undefined;
      swapping = new Promise((resolve) => (swapped = resolve));
      try {
        // The last connection to close checkpoints the write-ahead log into the file and removes it;
        // whatever SQLite still left beside the old file belongs to it, not to the new one.
        await checkpoints?.close();
        checkpoints = null;
        if (reader.isInitialized) await reader.destroy();
        if (writer.isInitialized) await writer.destroy();
        for (const suffix of SIDE_FILES) rmSync(`${db.sqlitePath}${suffix}`, { force: true });
        renameSync(rebuildPath, db.sqlitePath);
        syncDirectory(dirname(db.sqlitePath));
        checkpoints = await openWriter(writer, db, separateReader);
        await reader.initialize();
      } finally {
        swapped();
      }
    },
    close: async () => {
      await swapping;
      await checkpoints?.close();
      checkpoints = null;
      if (reader !== writer && reader.isInitialized) await reader.destroy();
      if (writer.isInitialized) await writer.destroy();
    },
  };
}
