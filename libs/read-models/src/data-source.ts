import * as sqlite3 from 'sqlite3';
import { DataSource } from 'typeorm';
import { AggregateState, Checkpoint, ListenerStats, PoolStats } from './tables/bookkeeping-tables';
import { RESOURCE_TABLES } from './tables/resource-tables';

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
 * long stack traces and makes each statement several times slower; hand it a driver without.
 */
const quietSqlite = { ...sqlite3, verbose: () => sqlite3 };

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
    enableWAL: !inMemory && !options.readOnly,
    flags: options.readOnly ? sqlite3.OPEN_READONLY : undefined,
    busyTimeout: 10_000,
  });
}

/** The writer (schema owner) and the DataSource queries use; the same one where a pool serves both. */
export interface ReadModelConnections {
  readonly writer: DataSource;
  readonly reader: DataSource;
  close(): Promise<void>;
}

export async function openReadModels(db: ReadModelDatabase): Promise<ReadModelConnections> {
  const writer = await createDataSource(db).initialize();
  const separateReader = 'sqlitePath' in db && db.sqlitePath !== ':memory:';
  // In WAL mode NORMAL loses no commit when the process dies, only on power loss; the checkpoint
  // is in the same transaction, so the consumer then resumes from what the file really holds.
  if (separateReader) await writer.query('PRAGMA synchronous = NORMAL');
  const reader = separateReader ? await createDataSource(db, { readOnly: true }).initialize() : writer;
  return {
    writer,
    reader,
    close: async () => {
      if (reader !== writer && reader.isInitialized) await reader.destroy();
      if (writer.isInitialized) await writer.destroy();
    },
  };
}
