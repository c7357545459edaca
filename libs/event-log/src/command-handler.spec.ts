import {
  type AggregateType,
  ConcurrencyConflict,
  type EventEnvelope,
  type EventMetadata,
  nodeDecider,
  type PoolCommand,
  poolDecider,
  type PoolState,
  Unavailable,
} from '@lbaas/domain';
import { APPEND_ATTEMPTS, handleCommand } from './command-handler';
import type { AggregateHistory, AppendOptions, AppendResult, EventStore } from './event-store';

interface StoredCommit {
  readonly seq: number;
  readonly subject: string;
  readonly commitId: string;
  readonly events: readonly EventEnvelope[];
}

/**
 * The log in memory with JetStream's expected-last-subject-sequence check. `interleave` runs
 * before an append is checked, as another writer that appends between our read and our write.
 */
class InMemoryStore implements EventStore {
  readonly commits: StoredCommit[] = [];
  reads = 0;
  interleave: (() => void) | null = null;
  failWith: Error | null = null;

  async read(aggregate: AggregateType, id: string): Promise<AggregateHistory> {
    this.reads++;
    const mine = this.commits.filter((c) => c.subject === `${aggregate}.${id}`);
    return { events: mine.flatMap((c) => c.events), version: mine.at(-1)?.seq ?? 0 };
  }

  async append(aggregate: AggregateType, id: string, events: readonly EventEnvelope[], options: AppendOptions): Promise<AppendResult> {
    if (this.failWith) throw this.failWith;
    this.interleave?.();
    return this.write(aggregate, id, events, options);
  }

  write(aggregate: AggregateType, id: string, events: readonly EventEnvelope[], options: AppendOptions): AppendResult {
    const subject = `${aggregate}.${id}`;
    const last = this.commits.filter((c) => c.subject === subject).at(-1)?.seq ?? 0;
    if (last !== options.expectedVersion) throw new ConcurrencyConflict(subject);
    const seq = this.commits.length + 1;
    this.commits.push({ seq, subject, commitId: options.commitId, events });
    return { seq, duplicate: false };
  }

  /** Another writer's commit, decided on what it reads now. */
  otherWriter(aggregate: AggregateType, id: string, events: readonly EventEnvelope[]): void {
    const last = this.commits.filter((c) => c.subject === `${aggregate}.${id}`).at(-1)?.seq ?? 0;
    this.write(aggregate, id, events, { expectedVersion: last, commitId: `other-${this.commits.length}` });
  }
}

const POOL = 'pool-1';
const ADMIN: EventMetadata = { actor: 'admin-user', tenantId: 'admin-tenant', correlationId: 'req-42', causationId: null };
const envelope = (type: string, data: unknown, seq: number): EventEnvelope => ({
  id: `stored-${seq}`,
  type,
  version: 1,
  aggregate: 'pool',
  aggregateId: POOL,
  tenantId: 'tenant-a',
  actor: 'someone',
  occurredAt: '2026-01-01T00:00:00.000Z',
  correlationId: `other-${seq}`,
  causationId: null,
  data,
});
const poolCreated = envelope(
  'PoolCreated',
  {
    poolId: POOL,
    tenantId: 'tenant-a',
    name: 'web',
    description: '',
    subnetId: 'sub',
    protocol: 'HTTP',
    lbMethod: 'ROUND_ROBIN',
    adminStateUp: true,
    provider: 'haproxy',
  },
  1,
);
const memberAdded = (memberId: string, seq: number) =>
  envelope(
    'MemberAdded',
    {
      poolId: POOL,
      memberId,
      tenantId: 'tenant-a',
      address: `198.18.2.${seq}`,
      protocolPort: 80,
      weight: 1,
      adminStateUp: true,
    },
    seq,
  );
const otherUpdate = (seq: number) =>
  envelope('PoolUpdated', { poolId: POOL, name: 'web', description: '', lbMethod: 'LEAST_CONNECTIONS', adminStateUp: true }, seq);

const rename: PoolCommand = { type: 'UpdatePool', data: { poolId: POOL, name: 'ours' } };
const noPause = { pause: async () => undefined };

function storeWithPool(...more: EventEnvelope[]): InMemoryStore {
  const store = new InMemoryStore();
  store.otherWriter('pool', POOL, [poolCreated, ...more]);
  return store;
}

describe('handleCommand', () => {
  it('after a conflict reads again, decides on what the other writer appended and appends once', async () => {
    const store = storeWithPool();
    const pauses: number[] = [];
    store.interleave = () => {
      store.interleave = null;
      store.otherWriter('pool', POOL, [otherUpdate(2)]);
    };
    const result = await handleCommand(store, poolDecider, POOL, rename, ADMIN, { pause: async (attempt) => void pauses.push(attempt) });
    expect(pauses).toEqual([1]);
    expect(store.reads).toBe(2);
    // The second decision starts from the other writer's lb method: last writer wins per command, nothing lost.
    expect(result).toMatchObject({ appended: true, seq: 3, state: { kind: 'live', name: 'ours', lbMethod: 'LEAST_CONNECTIONS' } });
    expect(store.commits.map((c) => c.events.map((e) => e.type))).toEqual([['PoolCreated'], ['PoolUpdated'], ['PoolUpdated']]);
    expect(result.events).toEqual(store.commits[2].events);
  });

  it(`ends in ConcurrencyConflict naming the object after ${APPEND_ATTEMPTS} lost races, with a pause after each but the last`, async () => {
    const store = storeWithPool();
    const pauses: number[] = [];
    let seq = 2;
    store.interleave = () => store.otherWriter('pool', POOL, [otherUpdate(seq++)]);
    const handled = handleCommand(store, poolDecider, POOL, rename, ADMIN, { pause: async (attempt) => void pauses.push(attempt) });
    await expect(handled).rejects.toThrow(ConcurrencyConflict);
    await expect(handled).rejects.toThrow(
      `Pool ${POOL} was changed by other requests each of the 8 times this request decided on it, so the request was not completed: retry it.`,
    );
    expect(store.reads).toBe(APPEND_ATTEMPTS);
    expect(pauses).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(store.commits.flatMap((c) => c.events).every((e) => e.actor === 'someone')).toBe(true);
  });

  it('takes the number of attempts as an option', async () => {
    const store = storeWithPool();
    let seq = 2;
    store.interleave = () => store.otherWriter('pool', POOL, [otherUpdate(seq++)]);
    await expect(handleCommand(store, poolDecider, POOL, rename, ADMIN, { ...noPause, attempts: 3 })).rejects.toThrow(
      'each of the 3 times',
    );
    expect(store.reads).toBe(3);
  });

  it('does not retry other failures', async () => {
    const store = storeWithPool();
    store.failWith = new Unavailable('no quorum');
    await expect(handleCommand(store, poolDecider, POOL, rename, ADMIN, noPause)).rejects.toThrow(Unavailable);
    expect(store.reads).toBe(1);
  });

  it("stamps every event: the correlation id, a causation chain from the cause, the owner's tenant, one time and injected ids", async () => {
    const store = storeWithPool(memberAdded('m1', 2), memberAdded('m2', 3));
    let n = 0;
    const result = await handleCommand(
      store,
      poolDecider,
      POOL,
      { type: 'DeletePool', data: { poolId: POOL } },
      { ...ADMIN, causationId: 'cause-7' },
      { now: () => '2026-02-03T04:05:06.000Z', eventId: () => `event-${++n}`, commitId: () => 'commit-1' },
    );
    const [m1, m2, deleted] = result.events;
    expect(result.events.map((e) => [e.type, e.id, e.causationId])).toEqual([
      ['MemberRemoved', 'event-1', 'cause-7'],
      ['MemberRemoved', 'event-2', 'event-1'],
      ['PoolDeleted', 'event-3', 'event-2'],
    ]);
    for (const e of [m1, m2, deleted]) {
      // An admin acts in the owner's name; the pool is deleted after the commit, so its owner comes from before it.
      expect(e).toMatchObject({
        aggregate: 'pool',
        aggregateId: POOL,
        tenantId: 'tenant-a',
        actor: 'admin-user',
        correlationId: 'req-42',
        occurredAt: '2026-02-03T04:05:06.000Z',
      });
    }
    expect(store.commits.at(-1)).toMatchObject({ commitId: 'commit-1', events: result.events });
    expect(result.state).toEqual({ kind: 'deleted' });
  });

  it('stamps the tenant of the metadata when the aggregate carries none', async () => {
    const store = new InMemoryStore();
    const result = await handleCommand(
      store,
      nodeDecider,
      'compute-node-1',
      { type: 'RecordHeartbeat', data: { nodeId: 'compute-node-1' } },
      { actor: 'scheduler', tenantId: 'system', correlationId: 'corr-1', causationId: null },
    );
    expect(result.events).toEqual([
      expect.objectContaining({ type: 'NodeRegistered', tenantId: 'system', aggregate: 'node', causationId: null }),
    ]);
  });

  it.each([
    { desc: 'the command function finds nothing to do', command: (): PoolCommand | null => null },
    {
      desc: 'the decider decides nothing',
      command: { type: 'RecordPoolStatus', data: { poolId: POOL, status: 'PENDING_CREATE', statusDescription: null } } as const,
    },
  ])('appends nothing when $desc, and answers the state and the version read', async ({ command }) => {
    const store = storeWithPool(memberAdded('m1', 2));
    const before = store.commits.length;
    const result = await handleCommand(store, poolDecider, POOL, command, ADMIN, noPause);
    expect(store.commits).toHaveLength(before);
    expect(result).toMatchObject({
      appended: false,
      events: [],
      seq: 1,
      state: { kind: 'live', members: [expect.objectContaining({ id: 'm1' })] },
    });
  });

  it('makes the command from the state it read, and a refusal there appends nothing', async () => {
    const store = storeWithPool();
    const seen: PoolState[] = [];
    await expect(
      handleCommand(
        store,
        poolDecider,
        POOL,
        (state) => {
          seen.push(state);
          throw new Unavailable('refused before deciding');
        },
        ADMIN,
        noPause,
      ),
    ).rejects.toThrow('refused before deciding');
    expect(seen).toEqual([expect.objectContaining({ kind: 'live', name: 'web' })]);
    expect(store.commits).toHaveLength(1);
  });

  describe('deciding first on the history the store holds', () => {
    /** A store that holds what it was told, as the JetStream store's cache that another writer leaves behind. */
    const holding = (store: InMemoryStore, held: AggregateHistory | undefined): EventStore => ({
      read: (aggregate, id) => store.read(aggregate, id),
      append: (aggregate, id, events, options) => store.append(aggregate, id, events, options),
      known: () => held,
    });
    const firstOnKnown = { ...noPause, decideFirstOnKnownHistory: true };

    it('appends on the held history without reading the log when it is current', async () => {
      const store = storeWithPool();
      const result = await handleCommand(
        holding(store, { events: [poolCreated], version: 1 }),
        poolDecider,
        POOL,
        rename,
        ADMIN,
        firstOnKnown,
      );
      expect(store.reads).toBe(0);
      expect(result).toMatchObject({ appended: true, seq: 2, state: { name: 'ours' } });
    });

    it('reads the log and decides again when the held history is behind it, without counting that try as a lost race', async () => {
      const store = storeWithPool();
      store.otherWriter('pool', POOL, [otherUpdate(2)]);
      const pauses: number[] = [];
      const result = await handleCommand(holding(store, { events: [poolCreated], version: 1 }), poolDecider, POOL, rename, ADMIN, {
        decideFirstOnKnownHistory: true,
        attempts: 1,
        pause: async (attempt) => void pauses.push(attempt),
      });
      expect(store.reads).toBe(1);
      expect(pauses).toEqual([]);
      expect(result).toMatchObject({ appended: true, seq: 3, state: { name: 'ours', lbMethod: 'LEAST_CONNECTIONS' } });
    });

    it('takes neither a refusal nor nothing-to-do from the held history: the log decides', async () => {
      const store = storeWithPool();
      store.otherWriter('pool', POOL, [memberAdded('m1', 2)]);
      const held = { events: [poolCreated], version: 1 };
      const refusing = (state: PoolState): PoolCommand => {
        if (state.kind === 'live' && state.members.length === 0) throw new Unavailable('refused on the held history');
        return rename;
      };
      const renamed = await handleCommand(holding(store, held), poolDecider, POOL, refusing, ADMIN, firstOnKnown);
      expect(renamed).toMatchObject({ appended: true, seq: 3 });
      const idle = (state: PoolState): PoolCommand | null => (state.kind === 'live' && state.members.length === 0 ? null : rename);
      const again = await handleCommand(holding(store, held), poolDecider, POOL, idle, ADMIN, firstOnKnown);
      expect(again).toMatchObject({ appended: true, seq: 4 });
      expect(store.reads).toBe(2);
    });

    it('reads the log when the store holds nothing', async () => {
      const store = storeWithPool();
      await handleCommand(holding(store, undefined), poolDecider, POOL, rename, ADMIN, firstOnKnown);
      expect(store.reads).toBe(1);
    });
  });
});
