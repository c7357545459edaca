import { given } from '../testing/given-when-then';
import { serviceInstanceDecider } from './decider';
import type { ServiceInstanceEvent } from './events';
import { amphoraViews, serviceInstanceView } from './views';

const SI = 'si-lb';
const AT = '2026-12-07T05:00:00.000Z';
const REASON = 'failover requested by an operator (request r1)';
const RETIRED = "retired after an operator's failover";
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
const rendered = (k: string): ServiceInstanceEvent => ({
  type: 'InstanceConfigRendered',
  version: 2,
  data: {
    instanceId: SI,
    placements: [
      { vmId: 'vm-a', haproxyHash: 'h', keepalivedHash: `${k}-a` },
      { vmId: 'vm-b', haproxyHash: 'h', keepalivedHash: `${k}-b` },
    ],
    sourceRevision: 2,
  },
});
const pair = [created, placed('vm-a', 'n1', 'active'), placed('vm-b', 'n2', 'standby'), rendered('before')];
const swapped: ServiceInstanceEvent = {
  type: 'InstanceRolesSwapped',
  version: 1,
  data: { instanceId: SI, fromVmId: 'vm-a', fromNodeId: 'n1', toVmId: 'vm-b', toNodeId: 'n2', reason: REASON, at: AT },
};
const held: ServiceInstanceEvent = {
  type: 'InstanceVipHeld',
  version: 1,
  data: { instanceId: SI, vmId: 'vm-b', nodeId: 'n2', keepalivedHash: 'after-b', at: AT },
};
const retired: ServiceInstanceEvent = {
  type: 'InstancePlacementRetired',
  version: 1,
  data: { instanceId: SI, vmId: 'vm-a', nodeId: 'n1', reason: RETIRED, at: AT },
};
const failOver = { type: 'FailOverInstance', data: { instanceId: SI, reason: REASON, at: AT } } as const;
const vipHeld = (vmId: string, nodeId: string, keepalivedHash: string) =>
  ({ type: 'RecordVipHeld', data: { instanceId: SI, vmId, nodeId, keepalivedHash, at: AT } }) as const;
const retire = (vmId: string) => ({ type: 'RetirePlacement', data: { instanceId: SI, vmId, reason: RETIRED, at: AT } }) as const;
const served = [...pair, swapped, rendered('after'), held];

describe("an operator's failover as a handover", () => {
  it('swaps the roles and priorities of the two running placements, once per request', () => {
    given(serviceInstanceDecider, pair).when(failOver).then([swapped]);
    const state = given(serviceInstanceDecider, [...pair, swapped]).state;
    if (state.kind !== 'live') throw new Error('not live');
    expect(state.placements.map((p) => [p.vmId, p.role, p.priority])).toEqual([
      ['vm-b', 'active', 200],
      ['vm-a', 'standby', 100],
    ]);
    expect(state.handover).toEqual({ fromVmId: 'vm-a', toVmId: 'vm-b', reason: REASON, rendered: false, servedAt: null });
    // The same request decided again (a second scheduler), during or after the handover: nothing.
    given(serviceInstanceDecider, [...pair, swapped])
      .when(failOver)
      .then([]);
    given(serviceInstanceDecider, [...served, retired])
      .when(failOver)
      .then([]);
  });

  it('appends nothing without a standby, while another handover is under way, or while deleting', () => {
    given(serviceInstanceDecider, [created, placed('vm-a', 'n1', 'active')])
      .when(failOver)
      .then([]);
    given(serviceInstanceDecider, [...pair, swapped])
      .when({ type: 'FailOverInstance', data: { instanceId: SI, reason: 'another request', at: AT } })
      .then([]);
    given(serviceInstanceDecider, [...pair, { type: 'InstanceDeletionRequested', version: 1, data: { instanceId: SI } }])
      .when(failOver)
      .then([]);
  });

  it('takes the VIP as held only from the new active, with the keepalived.conf of a rendering after the swap, once', () => {
    // Before any rendering after the swap, the files still carry the old priorities.
    given(serviceInstanceDecider, [...pair, swapped])
      .when(vipHeld('vm-b', 'n2', 'before-b'))
      .then([]);
    const afterRendering = [...pair, swapped, rendered('after')];
    given(serviceInstanceDecider, afterRendering)
      .when(vipHeld('vm-b', 'n2', 'before-b'))
      .then([]);
    given(serviceInstanceDecider, afterRendering)
      .when(vipHeld('vm-a', 'n1', 'after-a'))
      .then([]);
    given(serviceInstanceDecider, afterRendering)
      .when(vipHeld('vm-b', 'n9', 'after-b'))
      .then([]);
    given(serviceInstanceDecider, afterRendering)
      .when(vipHeld('vm-b', 'n2', 'after-b'))
      .then([held]);
    given(serviceInstanceDecider, served)
      .when(vipHeld('vm-b', 'n2', 'after-b'))
      .then([]);
    // No handover, nothing to say.
    given(serviceInstanceDecider, pair)
      .when(vipHeld('vm-a', 'n1', 'before-a'))
      .then([]);
  });

  it('retires the old active only once the new one holds the VIP, and only it, once', () => {
    given(serviceInstanceDecider, [...pair, swapped, rendered('after')])
      .when(retire('vm-a'))
      .then([]);
    given(serviceInstanceDecider, served).when(retire('vm-b')).then([]);
    given(serviceInstanceDecider, served).when(retire('vm-a')).then([retired]);
    given(serviceInstanceDecider, [...served, retired])
      .when(retire('vm-a'))
      .then([]);
    const state = given(serviceInstanceDecider, [...served, retired]).state;
    if (state.kind !== 'live') throw new Error('not live');
    expect(state.placements.map((p) => [p.vmId, p.role, p.priority])).toEqual([['vm-b', 'active', 200]]);
    expect(state.handover).toBeNull();
    expect(serviceInstanceView(state)?.failover_history.map((h) => [h.event, h.from_node, h.to_node, h.reason])).toEqual([
      ['roles_swapped', 'n1', 'n2', REASON],
      ['retired', 'n1', null, RETIRED],
    ]);
  });

  it('shows the handover: the new active MASTER at 200, the old one BACKUP at 100 until it is retired', () => {
    const state = given(serviceInstanceDecider, [...pair, swapped]).state;
    expect(amphoraViews(state).map((a) => [a.id, a.role, a.vrrp_priority])).toEqual([
      ['vm-b', 'MASTER', 200],
      ['vm-a', 'BACKUP', 100],
    ]);
    expect(serviceInstanceView(state)).toMatchObject({
      status: 'ACTIVE',
      status_description: expect.stringContaining('vm-b takes the VIP over'),
    });
    expect(serviceInstanceView(given(serviceInstanceDecider, [...served, retired]).state)?.status_description).toMatch(/^degraded/);
  });

  it("falls back to the node-loss path when a handover's placement is lost", () => {
    // The new active's node: the old active, still running, is the active again.
    given(serviceInstanceDecider, [...pair, swapped])
      .when({ type: 'HandleNodeLost', data: { instanceId: SI, nodeId: 'n2', reason: 'lost', at: AT } })
      .then([
        {
          type: 'InstanceFailedOver',
          version: 1,
          data: { instanceId: SI, fromVmId: 'vm-b', fromNodeId: 'n2', toVmId: 'vm-a', toNodeId: 'n1', reason: 'lost', at: AT },
        },
      ]);
    const back = given(serviceInstanceDecider, [
      ...pair,
      swapped,
      {
        type: 'InstanceFailedOver',
        version: 1,
        data: { instanceId: SI, fromVmId: 'vm-b', fromNodeId: 'n2', toVmId: 'vm-a', toNodeId: 'n1', reason: 'lost', at: AT },
      },
    ]).state;
    expect(back.kind === 'live' && [back.handover, back.placements.map((p) => [p.vmId, p.role, p.priority])]).toEqual([
      null,
      [['vm-a', 'active', 200]],
    ]);
    // The old active's node: it is lost as any standby, and the handover is over.
    const lostOld: ServiceInstanceEvent = {
      type: 'InstancePlacementLost',
      version: 1,
      data: { instanceId: SI, vmId: 'vm-a', nodeId: 'n1', role: 'standby', reason: 'lost', at: AT },
    };
    given(serviceInstanceDecider, [...pair, swapped])
      .when({ type: 'HandleNodeLost', data: { instanceId: SI, nodeId: 'n1', reason: 'lost', at: AT } })
      .then([lostOld]);
    const after = given(serviceInstanceDecider, [...served, lostOld]).state;
    expect(after.kind === 'live' && after.handover).toBeNull();
    given(serviceInstanceDecider, [...served, lostOld])
      .when(retire('vm-a'))
      .then([]);
  });
});
