import fc from 'fast-check';
import type { AggregateBehaviour } from '@lbaas/domain';
import type { DataSource } from 'typeorm';
import { CommitLog, FAKE_DOMAIN, memberResource, networkResource, poolResource, replay } from '../test/fake-domain';
import { createDataSource } from './data-source';
import { Projector } from './projector';
import { snapshotTables } from './snapshot';
import { RESOURCE_TABLES } from './tables/resource-tables';

const P1 = '10000000-0000-4000-8000-000000000001';
const P2 = '20000000-0000-4000-8000-000000000002';
const M1 = '30000000-0000-4000-8000-000000000003';
const M2 = '40000000-0000-4000-8000-000000000004';
const N1 = '50000000-0000-4000-8000-000000000005';

const databases: DataSource[] = [];
async function freshDatabase(): Promise<DataSource> {
  const db = await createDataSource({ sqlitePath: ':memory:' }).initialize();
  databases.push(db);
  return db;
}
afterEach(async () => {
  await Promise.all(databases.splice(0).map((db) => db.destroy()));
});

const rows = (db: DataSource, collection: keyof typeof RESOURCE_TABLES) =>
  db
    .getRepository(RESOURCE_TABLES[collection].entity)
    .find({ order: { id: 'ASC' } })
    .then((found) => found.map(RESOURCE_TABLES[collection].toResource));

describe('Projector', () => {
  it('writes one row for a commit delivered twice, and skips the redelivery', async () => {
    const db = await freshDatabase();
    const projector = new Projector(db, FAKE_DOMAIN);
    const log = new CommitLog();
    const created = log.append('pool', P1, ['PoolCreated', 1, poolResource(P1)]);

    expect(await projector.applyCommits([created])).toEqual({ position: 1, commits: 1, events: 1 });
    expect(await projector.applyCommits([created])).toEqual({ position: 1, commits: 0, events: 0 });
    expect(await projector.applyCommits([created, created])).toEqual({ position: 1, commits: 0, events: 0 });
    expect(await rows(db, 'pools')).toEqual([poolResource(P1)]);
    expect(await projector.position()).toBe(1);
  });

  it('rebuilds an unread database with one write at the end, reporting progress as it folds', async () => {
    const db = await freshDatabase();
    const log = new CommitLog();
    log.append('pool', P1, ['PoolCreated', 1, poolResource(P1)]);
    log.append('pool', P1, ['MemberAdded', 1, memberResource(M1, P1)]);
    log.append('pool', P2, ['PoolCreated', 1, poolResource(P2)]);
    log.append('pool', P1, ['MemberRemoved', 1, { memberId: M1 }]);

    const progress: number[] = [];
    const result = await new Projector(db, FAKE_DOMAIN).rebuild(replay([...log.commits, log.commits[1]]), {
      batchEvents: 2,
      unread: true,
      onProgress: (p) => progress.push(p.position),
    });
    expect(result).toMatchObject({ commits: 4, events: 4, position: 4 });
    expect(progress).toEqual([2, 4]);
    expect(await rows(db, 'pools')).toEqual([poolResource(P1), poolResource(P2)]);
    expect(await rows(db, 'members')).toEqual([]);
    expect(await new Projector(db, FAKE_DOMAIN).position()).toBe(4);
  });

  it('applies a commit repeated inside one batch once', async () => {
    const db = await freshDatabase();
    const log = new CommitLog();
    const created = log.append('pool', P1, ['PoolCreated', 1, poolResource(P1)]);
    const member = log.append('pool', P1, ['MemberAdded', 1, memberResource(M1, P1)]);

    const result = await new Projector(db, FAKE_DOMAIN).applyCommits([created, created, member, member]);
    expect(result).toEqual({ position: 2, commits: 2, events: 2 });
    expect(await rows(db, 'members')).toEqual([memberResource(M1, P1)]);
  });

  it('writes what the views show after the commit: changed rows, new rows, and the lists in other rows', async () => {
    const db = await freshDatabase();
    const projector = new Projector(db, FAKE_DOMAIN);
    const log = new CommitLog();
    await projector.applyCommits([log.append('pool', P1, ['PoolCreated', 1, poolResource(P1)])]);
    await projector.applyCommits([
      log.append('pool', P1, ['MemberAdded', 1, memberResource(M1, P1)], ['MemberAdded', 1, memberResource(M2, P1, { weight: 5 })]),
    ]);
    await projector.applyCommits([log.append('pool', P1, ['PoolRenamed', 2, { name: 'web' }])]);

    expect(await rows(db, 'pools')).toEqual([poolResource(P1, { name: 'web', members: [M1, M2] })]);
    expect(await rows(db, 'members')).toEqual([memberResource(M1, P1), memberResource(M2, P1, { weight: 5 })]);
  });

  it('upcasts stored events of an old version before evolving', async () => {
    const db = await freshDatabase();
    const log = new CommitLog();
    log.append('pool', P1, ['PoolCreated', 1, poolResource(P1)]);
    log.append('pool', P1, ['PoolRenamed', 1, { title: 'from-v1' }]);
    await new Projector(db, FAKE_DOMAIN).applyCommits(log.commits);
    expect((await rows(db, 'pools')).map((pool) => pool.name)).toEqual(['from-v1']);
  });

  it('deletes the rows that vanish from the views, and leaves other aggregates alone', async () => {
    const db = await freshDatabase();
    const projector = new Projector(db, FAKE_DOMAIN);
    const log = new CommitLog();
    log.append(
      'pool',
      P1,
      ['PoolCreated', 1, poolResource(P1)],
      ['MemberAdded', 1, memberResource(M1, P1)],
      ['MemberAdded', 1, memberResource(M2, P1)],
    );
    log.append('pool', P2, ['PoolCreated', 1, poolResource(P2)]);
    log.append('pool', P1, ['MemberRemoved', 1, { memberId: M1 }]);
    for (const commit of log.commits) await projector.applyCommits([commit]);
    expect(await rows(db, 'members')).toEqual([memberResource(M2, P1)]);
    expect((await rows(db, 'pools')).map((pool) => [pool.id, pool.members])).toEqual([
      [P1, [M2]],
      [P2, []],
    ]);

    await projector.applyCommits([log.append('pool', P1, ['PoolDeleted', 1, {}])]);
    expect(await rows(db, 'members')).toEqual([]);
    expect(await rows(db, 'pools')).toEqual([poolResource(P2)]);
  });

  it('keeps a boolean column with a colon in its Neutron name', async () => {
    const db = await freshDatabase();
    const log = new CommitLog();
    log.append('network', N1, ['NetworkCreated', 1, networkResource(N1, { 'router:external': true })]);
    await new Projector(db, FAKE_DOMAIN).applyCommits(log.commits);
    expect(await rows(db, 'networks')).toEqual([networkResource(N1, { 'router:external': true })]);
  });

  it('advances the checkpoint over commits of aggregates the registry does not project', async () => {
    const db = await freshDatabase();
    const log = new CommitLog();
    log.append('vip', P1, ['VipCreated', 1, {}]);
    log.append('pool', P2, ['PoolCreated', 1, poolResource(P2)]);
    expect(await new Projector(db, FAKE_DOMAIN).applyCommits(log.commits)).toEqual({ position: 2, commits: 2, events: 1 });
  });

  it('writes nothing of a batch when one of its commits fails, checkpoint included', async () => {
    const db = await freshDatabase();
    const failing: AggregateBehaviour = {
      ...FAKE_DOMAIN.aggregates.pool!,
      evolve: (state, event) => {
        if (event.type === 'Boom') throw new Error('boom');
        return FAKE_DOMAIN.aggregates.pool!.evolve(state, event);
      },
    };
    const projector = new Projector(db, { ...FAKE_DOMAIN, aggregates: { pool: failing } });
    const log = new CommitLog();
    await projector.applyCommits([log.append('pool', P1, ['PoolCreated', 1, poolResource(P1)])]);
    const before = await snapshotTables(db);

    const batch = [log.append('pool', P2, ['PoolCreated', 1, poolResource(P2)]), log.append('pool', P1, ['Boom', 1, {}])];
    await expect(projector.applyCommits(batch)).rejects.toThrow('boom');
    expect(await snapshotTables(db)).toEqual(before);
    expect(await projector.position()).toBe(1);
  });

  it('continues from the stored state after a restart, as if it had never stopped', async () => {
    const log = new CommitLog();
    log.append('pool', P1, ['PoolCreated', 1, poolResource(P1)]);
    log.append('pool', P1, ['MemberAdded', 1, memberResource(M1, P1)]);
    log.append('pool', P1, ['PoolRenamed', 2, { name: 'renamed' }]);
    log.append('pool', P1, ['MemberRemoved', 1, { memberId: M1 }]);

    const restarted = await freshDatabase();
    for (const commit of log.commits) await new Projector(restarted, FAKE_DOMAIN).applyCommits([commit]);
    const rebuilt = await freshDatabase();
    await new Projector(rebuilt, FAKE_DOMAIN).rebuild(replay(log.commits));
    expect(await snapshotTables(restarted)).toEqual(await snapshotTables(rebuilt));
  });

  it('reads the states back when another projector wrote since, or after a failed batch', async () => {
    const db = await freshDatabase();
    const [first, second] = [new Projector(db, FAKE_DOMAIN), new Projector(db, FAKE_DOMAIN)];
    const log = new CommitLog();
    const commits = [
      log.append('pool', P1, ['PoolCreated', 1, poolResource(P1)]),
      log.append('pool', P1, ['MemberAdded', 1, memberResource(M1, P1)]),
      log.append('pool', P1, ['PoolRenamed', 2, { name: 'renamed' }]),
      log.append('pool', P1, ['MemberAdded', 1, memberResource(M2, P1)]),
      log.append('pool', P1, ['MemberRemoved', 1, { memberId: M1 }]),
    ];
    // Two processes on one PostgreSQL database take turns: each batch goes to either.
    for (const [i, commit] of commits.entries()) await (i % 3 === 1 ? second : first).applyCommits([commit]);
    const rebuilt = await freshDatabase();
    await new Projector(rebuilt, FAKE_DOMAIN).rebuild(replay(commits));
    expect(await snapshotTables(db)).toEqual(await snapshotTables(rebuilt));

    const failing = new Projector(db, {
      ...FAKE_DOMAIN,
      upcast: (event) => {
        if (event.type === 'PoolRenamed') throw new Error('boom');
        return FAKE_DOMAIN.upcast(event);
      },
    });
    const more = [
      log.append('pool', P1, ['MemberAdded', 1, memberResource(M1, P1)]),
      log.append('pool', P1, ['PoolRenamed', 2, { name: 'again' }]),
    ];
    await failing.applyCommits([commits[4]]);
    await expect(failing.applyCommits(more)).rejects.toThrow('boom');
    await first.applyCommits(more);
    await new Projector(rebuilt, FAKE_DOMAIN).rebuild(replay(log.commits));
    expect(await snapshotTables(db)).toEqual(await snapshotTables(rebuilt));
  });

  it('rebuilds from scratch: stale rows go, the checkpoint restarts from the first commit', async () => {
    const db = await freshDatabase();
    const projector = new Projector(db, FAKE_DOMAIN);
    const log = new CommitLog();
    log.append('pool', P1, ['PoolCreated', 1, poolResource(P1)]);
    log.append('pool', P2, ['PoolCreated', 1, poolResource(P2)]);
    await projector.applyCommits(log.commits);
    await db.getRepository(RESOURCE_TABLES.members.entity).save(RESOURCE_TABLES.members.toRow(memberResource(M1, P1)));

    const progress: number[] = [];
    const result = await projector.rebuild(replay(log.commits.slice(0, 1)), { onProgress: (p) => progress.push(p.position) });
    expect(result).toMatchObject({ commits: 1, events: 1, position: 1 });
    expect(progress).toEqual([1]);
    expect(await rows(db, 'pools')).toEqual([poolResource(P1)]);
    expect(await rows(db, 'members')).toEqual([]);
    expect(await projector.position()).toBe(1);
  });

  it('rebuilds to the live rows when aggregates written while the replay went on are folded again, in many parts', async () => {
    const pools = 1200;
    const poolId = (n: number) => `${String(n).padStart(8, '0')}-0000-4000-8000-000000000000`;
    const memberId = (n: number, m: number) => `${String(n).padStart(8, '0')}-000${m}-4000-8000-000000000000`;
    const log = new CommitLog();
    for (let n = 0; n < pools; n++) {
      log.append('pool', poolId(n), ['PoolCreated', 1, poolResource(poolId(n))]);
      log.append('pool', poolId(n), ['MemberAdded', 1, memberResource(memberId(n, 1), poolId(n))]);
    }
    // Long after each pool was written: a member removed (a row deleted), one added, a name with U+0000, some deleted.
    for (let n = 0; n < pools; n += 2) {
      log.append('pool', poolId(n), ['MemberRemoved', 1, { memberId: memberId(n, 1) }]);
      log.append('pool', poolId(n), ['MemberAdded', 1, memberResource(memberId(n, 2), poolId(n))]);
      log.append('pool', poolId(n), ['PoolRenamed', 2, { name: n % 10 === 0 ? `pool\u0000${n}` : `pool-${n}` }]);
      if (n % 6 === 0) log.append('pool', poolId(n), ['PoolDeleted', 1, {}]);
    }
    const live = await freshDatabase();
    const projector = new Projector(live, FAKE_DOMAIN);
    for (let at = 0; at < log.commits.length; at += 700) await projector.applyCommits(log.commits.slice(at, at + 700));

    const rebuilt = await freshDatabase();
    const result = await new Projector(rebuilt, FAKE_DOMAIN).rebuild(replay(log.commits), { batchEvents: 300, unread: true });
    expect(result).toMatchObject({ commits: log.commits.length, position: log.commits.length });
    expect(await snapshotTables(rebuilt)).toEqual(await snapshotTables(live));
    expect((await rows(rebuilt, 'members')).length).toBe(pools - pools / 2 / 3);
  });

  describe('equals a rebuild, whatever the batching and redelivery', () => {
    type Step =
      | { kind: 'create'; pool: number }
      | { kind: 'rename'; pool: number; name: string }
      | { kind: 'add'; pool: number; member: number; weight: number }
      | { kind: 'remove'; pool: number; member: number }
      | { kind: 'delete'; pool: number };
    const poolId = (pool: number) => `${pool}0000000-0000-4000-8000-000000000000`;
    const memberId = (pool: number, member: number) => `${pool}${member}000000-0000-4000-8000-000000000000`;
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.record({ kind: fc.constant('create' as const), pool: fc.integer({ min: 1, max: 3 }) }),
      fc.record({ kind: fc.constant('rename' as const), pool: fc.integer({ min: 1, max: 3 }), name: fc.string({ maxLength: 8 }) }),
      fc.record({
        kind: fc.constant('add' as const),
        pool: fc.integer({ min: 1, max: 3 }),
        member: fc.integer({ min: 1, max: 9 }),
        weight: fc.integer({ min: 0, max: 256 }),
      }),
      fc.record({ kind: fc.constant('remove' as const), pool: fc.integer({ min: 1, max: 3 }), member: fc.integer({ min: 1, max: 9 }) }),
      fc.record({ kind: fc.constant('delete' as const), pool: fc.integer({ min: 1, max: 3 }) }),
    );
    const toCommits = (steps: Step[]) => {
      const log = new CommitLog();
      for (const s of steps) {
        const id = poolId(s.pool);
        if (s.kind === 'create') log.append('pool', id, ['PoolCreated', 1, poolResource(id)]);
        if (s.kind === 'rename') log.append('pool', id, ['PoolRenamed', 2, { name: s.name }]);
        if (s.kind === 'add')
          log.append('pool', id, ['MemberAdded', 1, memberResource(memberId(s.pool, s.member), id, { weight: s.weight })]);
        if (s.kind === 'remove') log.append('pool', id, ['MemberRemoved', 1, { memberId: memberId(s.pool, s.member) }]);
        if (s.kind === 'delete') log.append('pool', id, ['PoolDeleted', 1, {}]);
      }
      return log.commits;
    };

    it('holds for random histories', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(step, { maxLength: 25 }),
          fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1 }),
          fc.integer({ min: 1, max: 10 }),
          fc.boolean(),
          async (steps, redeliveries, batchEvents, unread) => {
            const commits = toCommits(steps);
            const live = await createDataSource({ sqlitePath: ':memory:' }).initialize();
            const rebuilt = await createDataSource({ sqlitePath: ':memory:' }).initialize();
            try {
              const projector = new Projector(live, FAKE_DOMAIN);
              let at = 0;
              for (let i = 0; at < commits.length; i++) {
                const take = redeliveries[i % redeliveries.length];
                // Each delivery re-sends the last commit already applied, as a redelivery after a crash would.
                await projector.applyCommits(commits.slice(Math.max(0, at - 1), at + take));
                at += take;
              }
              await new Projector(rebuilt, FAKE_DOMAIN).rebuild(replay(commits), { batchEvents, unread });
              expect(await snapshotTables(live)).toEqual(await snapshotTables(rebuilt));
            } finally {
              await Promise.all([live.destroy(), rebuilt.destroy()]);
            }
          },
        ),
        { numRuns: 40 },
      );
    });
  });
});
