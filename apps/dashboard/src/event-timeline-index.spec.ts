import { EventTimelineIndex } from './event-timeline-index';
import type { EventRecord } from './web/dashboard-protocol';

const record = (seq: number, refs: string[]): EventRecord => ({
  seq,
  id: `e${seq}`,
  type: 'MemberUpdated',
  aggregate: 'pool',
  aggregateId: refs[0],
  tenantId: 't',
  actor: 'demo',
  occurredAt: new Date(0).toISOString(),
  correlationId: `req-${seq}`,
  causationId: null,
  refs,
});

const seqs = (records: readonly EventRecord[]) => records.map((r) => r.seq);

describe('EventTimelineIndex', () => {
  it('finds the events of any of the ids, each once, oldest first', () => {
    const index = new EventTimelineIndex(10);
    index.add(record(1, ['pool-a', 'member-1']));
    index.add(record(2, ['pool-b']));
    index.add(record(3, ['pool-a', 'member-2']));
    expect(seqs(index.shaping(['member-2', 'pool-a', 'member-1']))).toEqual([1, 3]);
    expect(seqs(index.shaping(['pool-b']))).toEqual([2]);
    expect(index.shaping(['nothing'])).toEqual([]);
  });

  it('holds the most recent events only: the oldest leaves every timeline it was in', () => {
    const index = new EventTimelineIndex(3);
    for (let seq = 1; seq <= 5; seq++) index.add(record(seq, seq % 2 === 1 ? ['pool-a', 'node-1'] : ['pool-a', 'node-2']));
    expect(index.size).toBe(3);
    expect(seqs(index.shaping(['pool-a']))).toEqual([3, 4, 5]);
    expect(seqs(index.shaping(['node-1']))).toEqual([3, 5]);
    expect(seqs(index.shaping(['node-2']))).toEqual([4]);
  });

  it('forgets an object whose events have all left', () => {
    const index = new EventTimelineIndex(2);
    index.add(record(1, ['deleted-pool']));
    index.add(record(2, ['pool-a']));
    index.add(record(3, ['pool-a']));
    expect(index.shaping(['deleted-pool'])).toEqual([]);
    expect(seqs(index.shaping(['pool-a', 'deleted-pool']))).toEqual([2, 3]);
  });

  it('stays bounded however long the log grows', () => {
    const index = new EventTimelineIndex(100);
    for (let seq = 1; seq <= 10_000; seq++) index.add(record(seq, [`pool-${seq % 7}`, `member-${seq}`]));
    expect(index.size).toBe(100);
    expect(index.shaping(['member-9900'])).toEqual([]);
    expect(seqs(index.shaping(['member-9901']))).toEqual([9901]);
    expect(index.shaping([...Array.from({ length: 7 }, (_, p) => `pool-${p}`)])).toHaveLength(100);
  });

  it.each([0, -1, 1.5])('refuses a capacity of %p', (capacity) => {
    expect(() => new EventTimelineIndex(capacity)).toThrow(/at least one event/);
  });
});
