import { closeSync, fsyncSync, openSync } from 'node:fs';
import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import { createDataSource, type ReadModelConnections, removeSqliteFile } from './data-source';
import type { ProjectableCommit, Projector, RebuildOptions, RebuildProgress } from './projector';
import { upsert } from './row-writes';
import { ListenerStats, PoolStats } from './tables/bookkeeping-tables';

/** Commits per transaction while the new file catches up with what the live projection applied meanwhile. */
const CATCH_UP_BATCH = 2000;

/**
 * Nobody reads the new file before it is complete and a crash only loses the file, so it needs
 * no journal and no fsync per transaction; a large page cache keeps the indexes in memory.
 */
const BUILD_PRAGMAS = ['PRAGMA journal_mode = OFF', 'PRAGMA synchronous = OFF', 'PRAGMA temp_store = MEMORY', 'PRAGMA cache_size = -65536'];

export interface RebuildBesideSteps extends RebuildOptions {
  /** Every commit from `fromSeq` to the stream's last sequence when the replay starts, in order. */
  replay(fromSeq: number): AsyncIterable<ProjectableCommit>;
  /**
   * The bulk is built: stop applying commits to the serving file (resolves once the batch in hand
   * is committed). The new file then catches up with the stream and is swapped in.
   */
  pauseLive(): Promise<void>;
}

/**
 * Rebuilds a SQLite read model into a new file beside the serving one (`connections.rebuildPath`)
 * and swaps it in by rename once complete. The serving file answers queries and follows the
 * stream all along; a crash or an error before the swap leaves it as it was, and the next start
 * or rebuild removes the unfinished file. Pool and listener stats, which the log does not hold,
 * are copied from the serving file just before the swap.
 */
export async function rebuildBeside(
  connections: ReadModelConnections,
  projector: Projector,
  steps: RebuildBesideSteps,
): Promise<RebuildProgress> {
  const path = connections.rebuildPath;
  if (!path) throw new Error('this database is rebuilt in place: Projector.rebuild');
  removeSqliteFile(path);
  const started = process.hrtime.bigint();
  const fresh = await createDataSource({ sqlitePath: path }, { beingRebuilt: true }).initialize();
  let result: RebuildProgress;
  try {
    for (const pragma of BUILD_PRAGMAS) await fresh.query(pragma);
    const building = projector.on(fresh);
    const indexes = await dropIndexes(fresh);
    const bulk = await building.rebuild(steps.replay(1), { ...steps, unread: true });
    for (const definition of indexes) await fresh.query(definition);
    await steps.pauseLive();
    const caughtUp = await catchUp(building, steps.replay(bulk.position + 1));
    await copyRows(connections.reader, fresh, PoolStats, ['pool_id']);
    await copyRows(connections.reader, fresh, ListenerStats, ['listener_id']);
    // The mode the serving file runs in, recorded in the file before anyone opens it so.
    await fresh.query('PRAGMA journal_mode = WAL');
    result = {
      commits: bulk.commits + caughtUp.commits,
      events: bulk.events + caughtUp.events,
      position: Math.max(bulk.position, caughtUp.position),
      seconds: Number(process.hrtime.bigint() - started) / 1e9,
    };
  } catch (error) {
    await fresh.destroy();
    removeSqliteFile(path);
    throw error;
  }
  await fresh.destroy();
  // Written without fsync: it reaches the disk before the rename makes it the read model.
  syncFile(path);
  try {
    await connections.swapInRebuilt();
  } finally {
    // The new file's checkpoint may equal the old one's: the states the live projection kept are read back.
    await projector.forgetStates();
  }
  return result;
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

async function catchUp(projector: Projector, source: AsyncIterable<ProjectableCommit>): Promise<RebuildProgress> {
  const totals = { commits: 0, events: 0, position: 0, seconds: 0 };
  let batch: ProjectableCommit[] = [];
  const apply = async (): Promise<void> => {
    const applied = await projector.applyCommits(batch);
    batch = [];
    totals.commits += applied.commits;
    totals.events += applied.events;
    totals.position = applied.position;
  };
  for await (const stored of source) {
    batch.push(stored);
    if (batch.length >= CATCH_UP_BATCH) await apply();
  }
  if (batch.length > 0) await apply();
  return totals;
}

async function copyRows<T extends ObjectLiteral>(from: DataSource, to: DataSource, target: EntityTarget<T>, key: string[]): Promise<void> {
  const rows = await from.getRepository(target).find();
  await to.transaction((tx) => upsert(tx, target, rows, key));
}

function syncFile(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
