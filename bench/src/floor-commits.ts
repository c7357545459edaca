import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@lbaas/domain';
import { encodeCommit } from '@lbaas/event-log';

/*
 * Commits shaped like the api's, for the JetStream floors: a floor that publishes the bytes the
 * load appends is one the load can be compared with.
 */

function oneEventCommit(type: string, data: (ids: { poolId: string; tenantId: string }) => object): Uint8Array {
  const poolId = randomUUID();
  const tenantId = randomUUID().replace(/-/g, '');
  const event: EventEnvelope = {
    id: randomUUID(),
    type,
    version: 1,
    aggregate: 'pool',
    aggregateId: poolId,
    tenantId,
    actor: tenantId,
    occurredAt: new Date().toISOString(),
    correlationId: `req-${randomUUID()}`,
    causationId: null,
    data: data({ poolId, tenantId }),
  };
  return encodeCommit({ commitId: randomUUID(), events: [event] });
}

/** A member create's commit (MemberAdded). */
export const memberAddedCommit = (): Uint8Array =>
  oneEventCommit('MemberAdded', ({ poolId, tenantId }) => ({
    poolId,
    memberId: randomUUID(),
    tenantId,
    address: '198.18.0.1',
    protocolPort: 80,
    weight: 1,
    adminStateUp: true,
  }));

/** A pool create's commit (PoolCreated). */
export const poolCreatedCommit = (): Uint8Array =>
  oneEventCommit('PoolCreated', ({ poolId, tenantId }) => ({
    poolId,
    tenantId,
    name: 'bench-pool',
    description: '',
    subnetId: randomUUID(),
    protocol: 'HTTP',
    lbMethod: 'ROUND_ROBIN',
    adminStateUp: true,
    provider: 'haproxy',
  }));
