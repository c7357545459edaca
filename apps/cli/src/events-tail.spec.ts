import type { EventEnvelope } from '@lbaas/domain';
import type { StoredCommit } from '@lbaas/event-log';
import { UsageError } from './cli-errors';
import { eventJsonLine, eventLine, eventTypeValue, tailedEvents } from './events-tail';

const envelope = (type: string, aggregateId: string, change: Partial<EventEnvelope> = {}): EventEnvelope => ({
  id: `event-${type}`,
  type,
  version: 1,
  aggregate: 'pool',
  aggregateId,
  occurredAt: '2026-01-15T09:30:00.000Z',
  tenantId: 'tenant-a',
  actor: 'demo',
  correlationId: 'req-42',
  causationId: null,
  data: { poolId: aggregateId },
  ...change,
});
const stored = (seq: number, events: EventEnvelope[]): StoredCommit => ({
  seq,
  subject: `lbaas.events.pool.${events[0].aggregateId}`,
  commit: { commitId: `commit-${seq}`, events },
});

describe('lbaas events tail', () => {
  const deletion = stored(7, [envelope('MemberRemoved', 'pool-1'), envelope('PoolDeleted', 'pool-1')]);

  it.each([
    { desc: 'no filter: every event of the commit', filter: { types: [] }, types: ['MemberRemoved', 'PoolDeleted'] },
    { desc: 'its aggregate', filter: { aggregateId: 'pool-1', types: [] }, types: ['MemberRemoved', 'PoolDeleted'] },
    { desc: 'another aggregate', filter: { aggregateId: 'pool-2', types: [] }, types: [] },
    { desc: 'one of its types', filter: { types: ['PoolDeleted'] }, types: ['PoolDeleted'] },
    { desc: 'several types', filter: { types: ['PoolCreated', 'MemberRemoved', 'PoolDeleted'] }, types: ['MemberRemoved', 'PoolDeleted'] },
    { desc: 'a type it does not carry', filter: { types: ['PoolCreated'] }, types: [] },
    { desc: 'its aggregate and a type', filter: { aggregateId: 'pool-1', types: ['MemberRemoved'] }, types: ['MemberRemoved'] },
  ])("passes on the events of a commit for $desc, each with the commit's sequence", ({ filter, types }) => {
    const tailed = tailedEvents(deletion, filter);
    expect(tailed.map((t) => t.event.type)).toEqual(types);
    expect(tailed.every((t) => t.seq === 7)).toBe(true);
  });

  it('prints a line: sequence, time, aggregate/id, type and version, actor, correlation id', () => {
    expect(eventLine({ seq: 12, event: envelope('PoolCreated', 'pool-1') })).toBe(
      '12  2026-01-15T09:30:00.000Z  pool/pool-1  PoolCreated v1  demo  req-42',
    );
  });

  it('shows an empty actor or correlation id as -', () => {
    expect(eventLine({ seq: 3, event: envelope('PoolStatusChanged', 'pool-1', { actor: '', correlationId: '' }) })).toBe(
      '3  2026-01-15T09:30:00.000Z  pool/pool-1  PoolStatusChanged v1  -  -',
    );
  });

  it('prints a JSON object per line with the sequence and the whole envelope, payload included', () => {
    const event = envelope('PoolCreated', 'pool-1');
    const line = eventJsonLine({ seq: 12, event });
    expect(line).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({ seq: 12, ...event });
  });

  it("takes --type in any case, in the catalogue's spelling", () => expect(eventTypeValue('poolupdated')).toBe('PoolUpdated'));

  it('refuses a --type the catalogue does not have, rather than wait for it for ever', () => {
    expect(() => eventTypeValue('PoolRenamed')).toThrow(UsageError);
  });
});
