import type { Commit, EventEnvelope } from '@lbaas/domain';
import { type AuditedMessage, auditFieldsOf, REDACTED, redactSecrets, UNDECODABLE_MESSAGE } from './record-mapping';

const POOL = '6f1c0d2e-7a4b-4c1d-9e8f-0a1b2c3d4e5f';
const envelope = (type: string, data: unknown, id: string, causationId: string | null): EventEnvelope => ({
  id,
  type,
  version: 1,
  aggregate: 'pool',
  aggregateId: POOL,
  occurredAt: '2026-01-15T09:30:00.000Z',
  tenantId: 'demo-tenant',
  actor: 'demo',
  correlationId: 'req-42',
  causationId,
  data,
});

describe('auditFieldsOf', () => {
  it('maps each event of a commit to a record with its place in the commit, who, why, and the canonical payload', () => {
    const commit: Commit = {
      commitId: 'c-1',
      events: [
        envelope('MemberRemoved', { poolId: POOL, memberId: 'm-1' }, 'e-1', null),
        envelope('PoolDeleted', { poolId: POOL }, 'e-2', 'e-1'),
      ],
    };
    const message: AuditedMessage = { seq: 7, subject: `lbaas.events.pool.${POOL}`, storedAt: '2026-01-15T09:30:00.123Z', commit };
    expect(auditFieldsOf(message)).toEqual([
      {
        stream_seq: 7,
        event_index: 0,
        event_id: 'e-1',
        commit_id: 'c-1',
        event_type: 'MemberRemoved',
        event_version: 1,
        aggregate: 'pool',
        aggregate_id: POOL,
        tenant_id: 'demo-tenant',
        actor: 'demo',
        correlation_id: 'req-42',
        causation_id: null,
        occurred_at: '2026-01-15T09:30:00.000Z',
        stored_at: '2026-01-15T09:30:00.123Z',
        payload: `{"memberId":"m-1","poolId":"${POOL}"}`,
      },
      expect.objectContaining({
        stream_seq: 7,
        event_index: 1,
        event_id: 'e-2',
        event_type: 'PoolDeleted',
        causation_id: 'e-1',
        payload: `{"poolId":"${POOL}"}`,
      }),
    ]);
  });

  it('records a message that is not a commit by its subject, size and digest, never its bytes', () => {
    const message: AuditedMessage = {
      seq: 9,
      subject: `lbaas.events.pool.${POOL}`,
      storedAt: '2026-01-15T09:31:00.000Z',
      undecodable: { reason: 'commit is not JSON', sha256: 'ab'.repeat(32), bytes: 12 },
    };
    expect(auditFieldsOf(message)).toEqual([
      expect.objectContaining({
        stream_seq: 9,
        event_index: 0,
        event_type: UNDECODABLE_MESSAGE,
        aggregate: 'pool',
        aggregate_id: POOL,
        tenant_id: '',
        causation_id: null,
        occurred_at: '2026-01-15T09:31:00.000Z',
        payload: `{"bytes":12,"reason":"commit is not JSON","sha256":"${'ab'.repeat(32)}","subject":"lbaas.events.pool.${POOL}"}`,
      }),
    ]);
  });

  it('stores a payload field named like a secret redacted', () => {
    const commit: Commit = { commitId: 'c-2', events: [envelope('PoolUpdated', { poolId: POOL, statsPassword: 'hunter2' }, 'e-3', null)] };
    const [record] = auditFieldsOf({ seq: 1, subject: `lbaas.events.pool.${POOL}`, storedAt: '2026-01-15T09:30:00.000Z', commit });
    expect(record.payload).toBe(`{"poolId":"${POOL}","statsPassword":"${REDACTED}"}`);
    expect(record.payload).not.toContain('hunter2');
  });
});

describe('redactSecrets', () => {
  it.each([
    {
      desc: 'passwords, secrets and private keys at any depth',
      value: { tls: { private_key: 'k', privateKey: 'k', cert: 'c' }, stats: [{ password: 'p' }], clientSecret: 's', passphrase: 'x' },
      redacted: {
        tls: { private_key: REDACTED, privateKey: REDACTED, cert: 'c' },
        stats: [{ password: REDACTED }],
        clientSecret: REDACTED,
        passphrase: REDACTED,
      },
    },
    {
      desc: 'nothing else',
      value: { name: 'web', weight: 3, tags: ['a'], monitor: null },
      redacted: { name: 'web', weight: 3, tags: ['a'], monitor: null },
    },
  ])('redacts $desc', ({ value, redacted }) => {
    expect(redactSecrets(value)).toEqual(redacted);
  });
});
