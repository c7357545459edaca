import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AGGREGATES, networkDecider, poolDecider, subnetDecider, upcast } from '@lbaas/domain';
import { encodeCommit } from '@lbaas/event-log';
import { DomainHistory, TENANT } from '../test/domain-history';
import { buildBulk, openBuildingFile } from './bulk-build';
import { foldInWorker } from './fold-in-worker';
import type { RawCommit } from './fold-worker-protocol';
import { Projector } from './projector';
import { snapshotTables } from './snapshot';

/** The worker the projections service runs: the built one (`npm run build` first). */
const BUILT_WORKER = join(__dirname, '..', 'dist', 'fold-worker.js');
const id = (n: number) => `${String(n).padStart(8, '0')}-0000-4000-8000-0000000000f0`;
const [NET, SUBNET] = [id(1), id(2)];

/** A network with a subnet and pools of members, some removed and deleted: a few thousand commits. */
function history(pools: number): DomainHistory {
  const h = new DomainHistory();
  h.run(networkDecider, NET, {
    type: 'CreateNetwork',
    data: { networkId: NET, tenantId: TENANT, name: 'net', adminStateUp: true, shared: false, external: false },
  });
  h.run(subnetDecider, SUBNET, { type: 'CreateSubnet', data: { subnetId: SUBNET, tenantId: TENANT, networkId: NET, cidr: '198.18.0.0/16' } });
  for (let n = 0; n < pools; n++) {
    const poolId = id(100 + n);
    h.run(poolDecider, poolId, {
      type: 'CreatePool',
      data: { poolId, tenantId: TENANT, name: `p${n}`, description: '', subnetId: SUBNET, protocol: 'HTTP', lbMethod: 'ROUND_ROBIN', adminStateUp: true, provider: 'haproxy' },
    });
    for (let m = 0; m < 3; m++) {
      const address = `198.18.${(n * 3 + m + 1) >> 8}.${(n * 3 + m + 1) & 255}`;
      h.run(poolDecider, poolId, {
        type: 'AddMember',
        data: { poolId, memberId: id(10_000 + n * 3 + m), tenantId: TENANT, address, protocolPort: 80, weight: 1, adminStateUp: true },
      });
    }
    if (n % 7 === 0) h.run(poolDecider, poolId, { type: 'RemoveMember', data: { poolId, memberId: id(10_000 + n * 3) } });
    if (n % 11 === 0) h.run(poolDecider, poolId, { type: 'DeletePool', data: { poolId } });
  }
  return h;
}

describe('foldInWorker', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'lbt-fold-worker-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the same file as the fold in this thread, an undecodable message passed over the same way', async () => {
    const h = history(600);
    const raw: RawCommit[] = h.commits.map(({ seq, subject, commit }) => ({ seq, subject, data: encodeCommit(commit) }));
    // A message that is not a commit, as a foreign publisher could leave in the stream.
    const poison = { seq: raw.length + 1, subject: `lbaas.events.pool.${id(100)}`, data: new TextEncoder().encode('not json') };
    const undecodable: number[] = [];
    async function* replayRaw() {
      yield* raw;
      yield poison;
    }
    const inWorker = await foldInWorker(join(dir, 'worker.sqlite'), replayRaw(), { onUndecodable: (seq) => undecodable.push(seq) }, BUILT_WORKER);

    async function* replay() {
      yield* h.commits;
      yield { seq: poison.seq, subject: poison.subject, commit: { commitId: `undecodable-${poison.seq}`, events: [] } };
    }
    const domain = { aggregates: AGGREGATES, upcast };
    const inThread = await buildBulk(join(dir, 'thread.sqlite'), (db) => new Projector(db, domain), replay(), {});

    expect(undecodable).toEqual([poison.seq]);
    expect(inWorker).toMatchObject({ commits: inThread.commits, events: inThread.events, position: poison.seq });
    const [worker, thread] = [await openBuildingFile(join(dir, 'worker.sqlite')), await openBuildingFile(join(dir, 'thread.sqlite'))];
    try {
      const tables = await snapshotTables(worker);
      expect(tables).toEqual(await snapshotTables(thread));
      expect(tables.members?.length).toBeGreaterThan(1000);
    } finally {
      await Promise.all([worker.destroy(), thread.destroy()]);
    }
  });

  it('rejects, with the worker ended, when the replay breaks off', async () => {
    const raw = history(20).commits.map(({ seq, subject, commit }) => ({ seq, subject, data: encodeCommit(commit) }));
    async function* breakingOff() {
      yield* raw.slice(0, 10);
      throw new Error('the replay broke off');
    }
    await expect(foldInWorker(join(dir, 'worker.sqlite'), breakingOff(), {}, BUILT_WORKER)).rejects.toThrow('the replay broke off');
  });
});
