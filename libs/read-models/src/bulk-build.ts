import type { DataSource } from 'typeorm';
import { createDataSource } from './data-source';
import type { ProjectableCommit, Projector, RebuildOptions, RebuildProgress } from './projector';

/**
 * Nobody reads the new file before it is complete and a crash only loses the file, so it needs
 * no journal and no fsync per transaction; a large page cache keeps the indexes in memory.
 */
const BUILD_PRAGMAS = ['PRAGMA journal_mode = OFF', 'PRAGMA synchronous = OFF', 'PRAGMA temp_store = MEMORY', 'PRAGMA cache_size = -65536'];

/** Opens the new file a rebuild writes, with the schema and the pragmas of a file nobody reads yet. */
export async function openBuildingFile(path: string): Promise<DataSource> {
  const db = await createDataSource({ sqlitePath: path }, { beingRebuilt: true }).initialize();
  try {
    for (const pragma of BUILD_PRAGMAS) await db.query(pragma);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return db;
}

/**
 * The bulk of a rebuild into the new file at `path`: every commit `source` yields folded in memory
 * and written once at the end (`unread`), the secondary indexes made after the rows, the file
 * closed. The same in the thread that reads the stream and in the fold worker.
 */
export async function buildBulk(
  path: string,
  projectorOn: (db: DataSource) => Projector,
  source: AsyncIterable<ProjectableCommit>,
  options: RebuildOptions,
): Promise<RebuildProgress> {
  const db = await openBuildingFile(path);
  try {
    const indexes = await dropIndexes(db);
    const bulk = await projectorOn(db).rebuild(source, { ...options, unread: true });
    for (const definition of indexes) await db.query(definition);
    return bulk;
  } finally {
    await db.destroy();
  }
}

/**
 * Drops the secondary indexes and answers their definitions: made again over the full tables,
 * each is one sorted build instead of an update per row inserted.
 */
async function dropIndexes(db: DataSource): Promise<string[]> {
  const indexes: { name: string; sql: string }[] = await db.query(
    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL",
  );
  for (const { name } of indexes) await db.query(`DROP INDEX "${name}"`);
  return indexes.map((index) => index.sql);
}
