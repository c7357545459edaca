import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommitLog, FAKE_DOMAIN, memberResource, poolResource, replay } from '../test/fake-domain';
import { openReadModels, type ReadModelConnections } from './data-source';
import { type ProjectableCommit, Projector } from './projector';
import { rebuildBeside } from './rebuild-beside';
import { snapshotTables } from './snapshot';
import { PoolStats } from './tables/bookkeeping-tables';
import { RESOURCE_TABLES } from './tables/resource-tables';

const P1 = '10000000-0000-4000-8000-000000000001';
const P2 = '20000000-0000-4000-8000-000000000002';
const M1 = '30000000-0000-4000-8000-000000000003';

const pools = (connections: ReadModelConnections) =>
  connections.reader.getRepository(RESOURCE_TABLES.pools.entity).find({ order: { id: 'ASC' } });

/** The log up to `failAt`, then an error: a replay that breaks off midway. */
async function* breakingOff(commits: readonly ProjectableCommit[], failAt: number): AsyncIterable<ProjectableCommit> {
  for (const commit of commits) {
    if (commit.seq === failAt) throw new Error('the replay broke off');
    yield commit;
  }
}

describe('rebuildBeside', () => {
  let dir: string;
  let connections: ReadModelConnections;
  const log = new CommitLog();
  log.append('pool', P1, ['PoolCreated', 1, poolResource(P1)]);
  log.append('pool', P1, ['MemberAdded', 1, memberResource(M1, P1)]);
  log.append('pool', P2, ['PoolCreated', 1, poolResource(P2)]);

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lbt-rebuild-'));
    connections = await openReadModels({ sqlitePath: join(dir, 'read-models.sqlite') });
  });
  afterEach(async () => {
    await connections.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('leaves the serving file as it was when the replay breaks off, and a later rebuild swaps in the same rows', async () => {
    const projector = new Projector(connections.writer, FAKE_DOMAIN);
    await projector.applyCommits(log.commits);
    const served = await snapshotTables(connections.reader);
    const pauses = jest.fn(async () => undefined);

    await expect(
      rebuildBeside(connections, projector, { replay: (from) => breakingOff(log.commits.slice(from - 1), 3), pauseLive: pauses }),
    ).rejects.toThrow('the replay broke off');
    expect(pauses).not.toHaveBeenCalled();
    expect(existsSync(connections.rebuildPath ?? '')).toBe(false);
    expect(await snapshotTables(connections.reader)).toEqual(served);

    const result = await rebuildBeside(connections, projector, {
      replay: (from) => replay(log.commits.slice(from - 1)),
      pauseLive: pauses,
    });
    expect(result).toMatchObject({ commits: 3, events: 3, position: 3 });
    expect(pauses).toHaveBeenCalledTimes(1);
    expect(await snapshotTables(connections.reader)).toEqual(served);
    expect(await projector.position()).toBe(3);
  });

  it('catches up with commits appended during the build, keeps the pool stats and reads the new file through the same DataSources', async () => {
    const projector = new Projector(connections.writer, FAKE_DOMAIN);
    await projector.applyCommits(log.commits.slice(0, 2));
    const stats = { pool_id: P1, bytes_in: 7, bytes_out: 8, active_connections: 1, total_connections: 9 };
    await connections.writer.getRepository(PoolStats).save(stats);
    const reader = connections.reader;
    let appended = 2;
    const result = await rebuildBeside(connections, projector, {
      // The live projection applies the third commit while the bulk is built from the first two.
      replay: (from) => replay(log.commits.slice(from - 1, appended)),
      pauseLive: async () => {
        await projector.applyCommits(log.commits.slice(2));
        appended = 3;
      },
    });
    expect(result).toMatchObject({ commits: 3, position: 3 });
    expect(connections.reader).toBe(reader);
    expect((await pools(connections)).map((row) => row.id)).toEqual([P1, P2]);
    expect(await reader.getRepository(PoolStats).find()).toEqual([stats]);
    await projector.applyCommits(log.commits);
    expect(await projector.position()).toBe(3);
  });

  it('refuses where the database is rebuilt in place', async () => {
    const inMemory = await openReadModels({ sqlitePath: ':memory:' });
    try {
      expect(inMemory.rebuildPath).toBeNull();
      await expect(
        rebuildBeside(inMemory, new Projector(inMemory.writer, FAKE_DOMAIN), {
          replay: () => replay([]),
          pauseLive: async () => undefined,
        }),
      ).rejects.toThrow('rebuilt in place');
    } finally {
      await inMemory.close();
    }
  });
});
