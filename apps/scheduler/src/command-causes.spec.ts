import type { AggregateType, EventEnvelope } from '@lbaas/domain';
import type { PlannedCommand } from '@lbaas/scheduling';
import { CommandCauses } from './command-causes';

const event = (aggregate: AggregateType, aggregateId: string, type: string, id: string, correlationId: string): EventEnvelope => ({
  id,
  type,
  version: 1,
  aggregate,
  aggregateId,
  occurredAt: '2026-01-15T09:30:00.000Z',
  tenantId: 't',
  actor: 'demo',
  correlationId,
  causationId: null,
  data: {},
});
const place = (instanceId: string): PlannedCommand => ({
  aggregate: 'serviceinstance',
  id: instanceId,
  command: {
    type: 'PlaceInstance',
    data: { instanceId, vmId: 'vm-1', nodeId: 'n1', vrrpAddress: '198.19.192.1', at: '2026-01-15T09:30:00.000Z' },
  },
});
const nodeLost = (instanceId: string, nodeId: string): PlannedCommand => ({
  aggregate: 'serviceinstance',
  id: instanceId,
  command: { type: 'HandleNodeLost', data: { instanceId, nodeId, reason: 'lost', at: '2026-01-15T09:30:00.000Z' } },
});

describe('CommandCauses', () => {
  const causes = (): CommandCauses =>
    new CommandCauses(
      (vipId) => `si-of-${vipId}`,
      (loadBalancerId) => `si-of-lb-${loadBalancerId}`,
    );

  it("answers a new VIP's instance commands with the request that created the VIP", () => {
    const c = causes();
    expect(c.note(event('vip', 'vip-1', 'VipCreated', 'e1', 'req-1'))).toBe(true);
    expect(c.of(place('si-of-vip-1'))).toEqual({ id: 'e1', correlationId: 'req-1' });
  });

  it("follows the instance's latest event, from whichever service appended it", () => {
    const c = causes();
    c.note(event('vip', 'vip-1', 'VipCreated', 'e1', 'req-1'));
    c.note(event('serviceinstance', 'si-of-vip-1', 'InstancePlaced', 'e2', 'req-1'));
    c.note(event('vip', 'vip-1', 'VipDeleted', 'e3', 'req-2'));
    expect(c.of(place('si-of-vip-1'))).toEqual({ id: 'e3', correlationId: 'req-2' });
  });

  it("answers a failover with the node loss, not with the instance's history", () => {
    const c = causes();
    c.note(event('serviceinstance', 'si-1', 'InstancePlaced', 'e1', 'req-1'));
    c.note(event('node', 'n1', 'NodeLost', 'e2', 'loss-1'));
    expect(c.of(nodeLost('si-1', 'n1'))).toEqual({ id: 'e2', correlationId: 'loss-1' });
    expect(c.of(nodeLost('si-1', 'n2'))).toEqual({ id: 'e1', correlationId: 'req-1' });
  });

  it('has no cause for node liveness, for an instance it never saw, or after the instance is deleted', () => {
    const c = causes();
    c.note(event('node', 'n1', 'NodeRegistered', 'e1', 'hb-1'));
    expect(c.of({ aggregate: 'node', id: 'n1', command: { type: 'DeclareNodeLost', data: { nodeId: 'n1', silenceMs: 3000 } } })).toBeNull();
    expect(c.of(place('si-unknown'))).toBeNull();
    c.note(event('serviceinstance', 'si-1', 'InstancePlaced', 'e2', 'req-1'));
    c.note(event('serviceinstance', 'si-1', 'ServiceInstanceDeleted', 'e3', 'req-1'));
    expect(c.of(place('si-1'))).toBeNull();
  });

  it('does not act on aggregates the scheduler does not plan from', () => {
    expect(causes().note(event('pool', 'p1', 'PoolCreated', 'e1', 'req-1'))).toBe(false);
  });
});
