import type { EventEnvelope } from '../envelope';
import { upcast } from '../registry';
import { given } from '../testing/given-when-then';
import { serviceInstanceDecider } from './decider';
import type { ServiceInstanceEvent } from './events';
import { amphoraViews, serviceInstanceView, serviceInstanceViews } from './views';

const SI = 'si-lb';
const AT = '2026-12-07T05:00:00.000Z';
const created: ServiceInstanceEvent = {
  type: 'ServiceInstanceCreated',
  version: 2,
  data: {
    instanceId: SI,
    tenantId: 'p',
    source: { kind: 'loadbalancer', loadBalancerId: 'lb-1', vipAddress: '198.18.0.10' },
    createTs: 1_765_083_600_000_000,
    virtualRouterId: 9,
  },
};
const placed = (vmId: string, nodeId: string, role: 'active' | 'standby'): ServiceInstanceEvent => ({
  type: 'InstancePlaced',
  version: 1,
  data: { instanceId: SI, vmId, nodeId, role, priority: role === 'active' ? 200 : 100, vrrpAddress: `198.19.0.${vmId.length}` },
});
const rendered = (sourceRevision: number | null): ServiceInstanceEvent => ({
  type: 'InstanceConfigRendered',
  version: 2,
  data: { instanceId: SI, placements: [{ vmId: 'vm-a', haproxyHash: 'h1', keepalivedHash: 'k1' }], sourceRevision },
});
const pair = [created, placed('vm-a', 'n1', 'active'), placed('vm-b', 'n2', 'standby')];

const stored = (type: string, version: number, data: unknown): EventEnvelope => ({
  id: 'e1',
  type,
  version,
  aggregate: 'serviceinstance',
  aggregateId: SI,
  tenantId: 't',
  actor: 'scheduler',
  occurredAt: AT,
  correlationId: 'c',
  causationId: null,
  data,
});

describe('service instances of both APIs', () => {
  it('upcasts version 1 events: a VIP source, and a rendering without a revision', () => {
    const v1 = stored('ServiceInstanceCreated', 1, {
      instanceId: SI,
      tenantId: 't',
      vipId: 'v',
      poolId: 'p',
      createTs: 1,
      virtualRouterId: 2,
    });
    expect(upcast(v1)).toEqual({
      ...v1,
      version: 2,
      data: { instanceId: SI, tenantId: 't', source: { kind: 'vip', vipId: 'v', poolId: 'p' }, createTs: 1, virtualRouterId: 2 },
    });
    const r1 = stored('InstanceConfigRendered', 1, { instanceId: SI, placements: [] });
    expect(upcast(r1)).toEqual({ ...r1, version: 2, data: { instanceId: SI, placements: [], sourceRevision: null } });
    const latest = stored('InstancePlaced', 1, {});
    expect(upcast(latest)).toBe(latest);
  });

  it('creates once per source: the same load balancer again appends nothing', () => {
    given(serviceInstanceDecider, [created])
      .when({ type: 'CreateServiceInstance', data: created.data as never })
      .then([]);
  });

  it('records the same files again when they come from a newer revision of the load balancer', () => {
    const again = (sourceRevision: number) =>
      ({ type: 'RecordConfigRendered', data: { ...(rendered(sourceRevision).data as object), sourceRevision } }) as never;
    given(serviceInstanceDecider, [...pair, rendered(3)])
      .when(again(3))
      .then([]);
    given(serviceInstanceDecider, [...pair, rendered(3)])
      .when(again(4))
      .then([rendered(4)]);
    const state = given(serviceInstanceDecider, [...pair, rendered(4)]).state;
    expect(state.kind === 'live' && state.renderedRevision).toBe(4);
  });

  it('does not follow a pool change: a load balancer owns its pools', () => {
    given(serviceInstanceDecider, pair)
      .when({ type: 'ChangeInstancePool', data: { instanceId: SI, poolId: 'other' } })
      .then([]);
  });

  it("shows a load balancer's placements as amphorae, and no VIP or pool on the instance", () => {
    const state = given(serviceInstanceDecider, [...pair, rendered(1)]).state;
    expect(serviceInstanceView(state)).toMatchObject({ vip_id: null, pool_id: null, loadbalancer_id: 'lb-1' });
    expect(amphoraViews(state)).toEqual([
      expect.objectContaining({
        id: 'vm-a',
        loadbalancer_id: 'lb-1',
        compute_id: 'n1',
        role: 'MASTER',
        vrrp_priority: 200,
        ha_ip: '198.18.0.10',
      }),
      expect.objectContaining({ id: 'vm-b', compute_id: 'n2', role: 'BACKUP', vrrp_priority: 100, status: 'PENDING_CREATE' }),
    ]);
    expect(amphoraViews(state)[0]).toMatchObject({
      status: 'PENDING_CREATE',
      vrrp_id: 9,
      vrrp_interface: 'lbv0',
      created_at: '2025-12-07T05:00:00.000Z',
    });
    expect(serviceInstanceViews(state).amphorae).toHaveLength(2);
  });
});
