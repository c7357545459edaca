// The read models' throw-away PostgreSQL (the environment's, a local one, or a cluster of its own).
import { testPostgres, type TestPostgres } from '@lbaas/testing';
import type { EventEnvelope } from '@lbaas/domain';
import { chainHash, GENESIS_HASH } from './audit-chain';
import { AuditStore } from './audit-store';
import { type AuditedMessage, auditFieldsOf } from './record-mapping';

jest.setTimeout(60_000);

const event = (id: string, data: Record<string, unknown>): EventEnvelope => ({
  id,
  type: 'PoolCreated',
  version: 1,
  aggregate: 'pool',
  aggregateId: 'p-1',
  occurredAt: '2026-01-01T00:00:01.000Z',
  tenantId: 't-1',
  actor: 'demo',
  correlationId: 'req-1',
  causationId: null,
  data,
});
const HISTORY: AuditedMessage[] = [
  {
    seq: 1,
    subject: 'lbaas.events.pool.p-1',
    storedAt: '2026-01-01T00:00:01.000Z',
    commit: { commitId: 'c-1', events: [event('e-1', { poolId: 'p-1' }), event('e-2', { memberId: 'm_1' })] },
  },
  {
    seq: 2,
    subject: 'lbaas.events.pool.p-1',
    storedAt: '2026-01-01T00:00:02.000Z',
    undecodable: { reason: 'the message is not JSON', sha256: 'ab'.repeat(32), bytes: 3 },
  },
];

describe('the audit store on PostgreSQL', () => {
  let server: TestPostgres;
  let store: AuditStore | null = null;

  beforeAll(async () => {
    server = await testPostgres();
    if ('skipped' in server) {
      console.warn(`SKIPPED the PostgreSQL audit store tests: ${server.skipped}`);
      return;
    }
    store = await AuditStore.open({ url: server.url });
  }, 90_000);

  afterAll(async () => {
    await store?.close();
    if ('stop' in server) await server.stop();
  });

  it('stores, finds and verifies the same records, with the same hashes, as SQLite', async () => {
    if (!store) return;
    await store.append(HISTORY.slice(0, 1));
    await store.append(HISTORY);
    let hash = GENESIS_HASH;
    for (const fields of HISTORY.flatMap(auditFieldsOf)) hash = chainHash(hash, fields);
    expect(await store.head()).toEqual({ position: 2, head_hash: hash, records: 3 });
    expect(await store.verify()).toMatchObject({ ok: true, checked: 3, headHash: hash });
    expect((await store.find({ object: 'm_1', tenant: 't-1', since: '2026-01-01T00:00:00.000Z' })).map((r) => r.event_id)).toEqual(['e-2']);
    expect(await store.find({ object: 'm%' })).toEqual([]);
  });
});
