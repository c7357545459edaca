import type { Commit, EventEnvelope } from '@lbaas/domain';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditStore, auditDatabaseFromEnv, DEFAULT_AUDIT_DB } from './audit-store';
import type { AuditedMessage } from './record-mapping';

const event = (aggregateId: string, tenantId: string, type: string, data: Record<string, unknown>, occurredAt: string): EventEnvelope => ({
  id: `${aggregateId}-${type}`,
  type,
  version: 1,
  aggregate: 'pool',
  aggregateId,
  occurredAt,
  tenantId,
  actor: 'demo',
  correlationId: 'req-1',
  causationId: null,
  data,
});
const message = (seq: number, ...events: EventEnvelope[]): AuditedMessage => {
  const commit: Commit = { commitId: `c-${seq}`, events };
  return { seq, subject: `lbaas.events.pool.${events[0].aggregateId}`, storedAt: events[0].occurredAt, commit };
};

const HISTORY = [
  message(1, event('p-1', 't-a', 'PoolCreated', { poolId: 'p-1' }, '2026-01-01T00:00:01.000Z')),
  message(2, event('p-2', 't-b', 'PoolCreated', { poolId: 'p-2' }, '2026-01-01T00:00:02.000Z')),
  message(
    3,
    event('p-1', 't-a', 'MemberAdded', { poolId: 'p-1', memberId: 'm_1%' }, '2026-01-01T00:00:03.000Z'),
    event('p-1', 't-a', 'MemberUpdated', { poolId: 'p-1', memberId: 'm_1%' }, '2026-01-01T00:00:03.000Z'),
  ),
  message(4, event('p-2', 't-b', 'PoolDeleted', { poolId: 'p-2' }, '2026-01-01T00:00:04.000Z')),
];

describe('AuditStore', () => {
  let store: AuditStore;
  beforeEach(async () => {
    store = await AuditStore.open({ sqlitePath: ':memory:' });
  });
  afterEach(() => store.close());

  it('appends a record per event with the checkpoint, chained across appends', async () => {
    await store.append(HISTORY.slice(0, 2));
    const head = await store.append(HISTORY.slice(2));
    expect(head).toEqual({ position: 4, head_hash: expect.stringMatching(/^[0-9a-f]{64}$/), records: 5 });
    expect(await store.head()).toEqual(head);
    expect((await store.find({})).map((r) => [r.stream_seq, r.event_index, r.event_type])).toEqual([
      [1, 0, 'PoolCreated'],
      [2, 0, 'PoolCreated'],
      [3, 0, 'MemberAdded'],
      [3, 1, 'MemberUpdated'],
      [4, 0, 'PoolDeleted'],
    ]);
    expect(await store.verify()).toEqual({ ok: true, checked: 5, firstSeq: 1, lastSeq: 4, headHash: head.head_hash });
  });

  it('treats redelivered messages as already stored, alone or overlapping new ones', async () => {
    await store.append(HISTORY.slice(0, 3));
    const head = await store.head();
    expect(await store.append(HISTORY.slice(0, 3))).toEqual(head);
    await store.append(HISTORY);
    expect(await store.find({})).toHaveLength(5);
    expect(await store.verify()).toMatchObject({ ok: true, checked: 5 });
  });

  it('refuses messages out of stream order and stores nothing of that batch', async () => {
    await expect(store.append([HISTORY[1], HISTORY[0], HISTORY[2]])).rejects.toThrow(/stream order/);
    expect(await store.head()).toBeNull();
    expect(await store.find({})).toEqual([]);
  });

  it.each([
    { desc: 'an object: its own events and those naming it', query: { object: 'p-2' }, events: ['p-2-PoolCreated', 'p-2-PoolDeleted'] },
    {
      desc: 'an object named only in payloads, with LIKE wildcards taken literally',
      query: { object: 'm_1%' },
      events: ['p-1-MemberAdded', 'p-1-MemberUpdated'],
    },
    { desc: 'no object with a wildcard-like id', query: { object: 'm%' }, events: [] },
    { desc: 'a tenant', query: { tenant: 't-a' }, events: ['p-1-PoolCreated', 'p-1-MemberAdded', 'p-1-MemberUpdated'] },
    {
      desc: 'a start time',
      query: { since: '2026-01-01T00:00:03.000Z' },
      events: ['p-1-MemberAdded', 'p-1-MemberUpdated', 'p-2-PoolDeleted'],
    },
    {
      desc: 'every filter at once',
      query: { object: 'p-1', tenant: 't-a', since: '2026-01-01T00:00:02.000Z' },
      events: ['p-1-MemberAdded', 'p-1-MemberUpdated'],
    },
  ])('finds the records of $desc', async ({ query, events }) => {
    await store.append(HISTORY);
    expect((await store.find(query)).map((r) => r.event_id)).toEqual(events);
  });
});

describe('the audit store on disk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lbaas-audit-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creates its directory, and the read-only opening refuses a missing file instead of creating one', async () => {
    const path = join(dir, 'nested', 'audit.sqlite');
    await expect(AuditStore.open({ sqlitePath: path }, { readOnly: true })).rejects.toThrow(/no such file/);
    const writer = await AuditStore.open({ sqlitePath: path });
    await writer.append(HISTORY);
    await writer.close();
    const reader = await AuditStore.open({ sqlitePath: path }, { readOnly: true });
    expect(await reader.verify()).toMatchObject({ ok: true, checked: 5 });
    await reader.close();
  });

  it('takes its place from LBAAS_AUDIT_DB, a SQLite path or a PostgreSQL URL', () => {
    expect(auditDatabaseFromEnv({})).toEqual({ sqlitePath: DEFAULT_AUDIT_DB });
    expect(auditDatabaseFromEnv({ LBAAS_AUDIT_DB: '/var/lib/lbaas/audit.sqlite' })).toEqual({ sqlitePath: '/var/lib/lbaas/audit.sqlite' });
    expect(auditDatabaseFromEnv({ LBAAS_AUDIT_DB: 'postgres://u@db/audit' })).toEqual({ url: 'postgres://u@db/audit' });
  });
});
