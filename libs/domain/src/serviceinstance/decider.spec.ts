import { inSequence } from '../decider';
import { Conflict } from '../errors';
import { given } from '../testing/given-when-then';
import { serviceInstanceDecider } from './decider';
import type { ServiceInstanceEvent } from './events';
import { serviceInstanceView } from './views';

const SI = 'si-1';
const AT = '2026-11-25T10:00:00.000Z';
const created: ServiceInstanceEvent = {
  type: 'ServiceInstanceCreated',
  version: 2,
  data: { instanceId: SI, tenantId: 't', source: { kind: 'vip', vipId: 'vip', poolId: 'pool' }, createTs: 1, virtualRouterId: 3 },
};
const placed = (vmId: string, nodeId: string, role: 'active' | 'standby'): ServiceInstanceEvent => ({
  type: 'InstancePlaced',
  version: 1,
  data: { instanceId: SI, vmId, nodeId, role, priority: role === 'active' ? 200 : 100, vrrpAddress: `198.19.192.${vmId.length}` },
});
const rendered: ServiceInstanceEvent = {
  type: 'InstanceConfigRendered',
  version: 2,
  data: {
    instanceId: SI,
    placements: [
      { vmId: 'vm-a', haproxyHash: 'h1', keepalivedHash: 'k1' },
      { vmId: 'vm-b', haproxyHash: 'h2', keepalivedHash: 'k2' },
    ],
    sourceRevision: null,
  },
};
const pair = [created, placed('vm-a', 'n1', 'active'), placed('vm-b', 'n2', 'standby'), rendered];
const applied = (vmId: string, nodeId: string, haproxyHash: string, keepalivedHash: string): ServiceInstanceEvent => ({
  type: 'InstanceApplied',
  version: 1,
  data: { instanceId: SI, vmId, nodeId, haproxyHash, keepalivedHash },
});

describe('service instance decider', () => {
  it('creates once: a second create for the same VIP appends nothing, for another VIP conflicts', () => {
    given(serviceInstanceDecider, [])
      .when({ type: 'CreateServiceInstance', data: created.data as never })
      .then([created]);
    given(serviceInstanceDecider, [created])
      .when({ type: 'CreateServiceInstance', data: created.data as never })
      .then([]);
    given(serviceInstanceDecider, [created])
      .when({
        type: 'CreateServiceInstance',
        data: { ...(created.data as object), source: { kind: 'vip', vipId: 'other', poolId: 'pool' } } as never,
      })
      .thenThrows(Conflict);
  });

  it('places the active first, then the standby, never two on one node, nothing beyond two', () => {
    given(serviceInstanceDecider, [created])
      .when({ type: 'PlaceInstance', data: { instanceId: SI, vmId: 'vm-a', nodeId: 'n1', vrrpAddress: '198.19.192.4', at: AT } })
      .then([
        {
          type: 'InstancePlaced',
          version: 1,
          data: { instanceId: SI, vmId: 'vm-a', nodeId: 'n1', role: 'active', priority: 200, vrrpAddress: '198.19.192.4' },
        },
      ]);
    given(serviceInstanceDecider, [created, placed('vm-a', 'n1', 'active')])
      .when({ type: 'PlaceInstance', data: { instanceId: SI, vmId: 'vm-b', nodeId: 'n1', vrrpAddress: '198.19.192.5', at: AT } })
      .thenThrows(Conflict, 'PlacementNodeTaken');
    given(serviceInstanceDecider, pair)
      .when({ type: 'PlaceInstance', data: { instanceId: SI, vmId: 'vm-c', nodeId: 'n3', vrrpAddress: '198.19.192.6', at: AT } })
      .then([]);
  });

  it('places both of a new pair in one decision, each on the state the first leaves; a refusal of either refuses both', () => {
    const place = (vmId: string, nodeId: string, vrrpAddress: string) =>
      ({ type: 'PlaceInstance', data: { instanceId: SI, vmId, nodeId, vrrpAddress, at: AT } }) as const;
    const both = inSequence(serviceInstanceDecider);
    given(both, [created])
      .when({ type: 'CommandSequence', commands: [place('vm-a', 'n1', '198.19.192.4'), place('vm-bb', 'n2', '198.19.192.5')] })
      .then([
        { ...placed('vm-a', 'n1', 'active'), data: { ...placed('vm-a', 'n1', 'active').data, vrrpAddress: '198.19.192.4' } },
        { ...placed('vm-bb', 'n2', 'standby'), data: { ...placed('vm-bb', 'n2', 'standby').data, vrrpAddress: '198.19.192.5' } },
      ] as ServiceInstanceEvent[]);
    given(both, [created])
      .when({ type: 'CommandSequence', commands: [place('vm-a', 'n1', '198.19.192.4'), place('vm-b', 'n1', '198.19.192.5')] })
      .thenThrows(Conflict, 'PlacementNodeTaken');
    given(both, pair)
      .when({ type: 'CommandSequence', commands: [place('vm-c', 'n3', '198.19.192.6'), place('vm-d', 'n4', '198.19.192.7')] })
      .then([]);
  });

  it("fails over to the standby when the active's node is lost, and ignores a node it has no placement on", () => {
    given(serviceInstanceDecider, pair)
      .when({ type: 'HandleNodeLost', data: { instanceId: SI, nodeId: 'n1', reason: 'lost', at: AT } })
      .then([
        {
          type: 'InstanceFailedOver',
          version: 1,
          data: { instanceId: SI, fromVmId: 'vm-a', fromNodeId: 'n1', toVmId: 'vm-b', toNodeId: 'n2', reason: 'lost', at: AT },
        },
      ]);
    given(serviceInstanceDecider, pair)
      .when({ type: 'HandleNodeLost', data: { instanceId: SI, nodeId: 'n9', reason: 'lost', at: AT } })
      .then([]);
  });

  it('records what a node applied once, and again only when the files change or after a failure', () => {
    given(serviceInstanceDecider, pair)
      .when({ type: 'RecordApplied', data: applied('vm-a', 'n1', 'h1', 'k1').data as never })
      .then([applied('vm-a', 'n1', 'h1', 'k1')]);
    given(serviceInstanceDecider, [...pair, applied('vm-a', 'n1', 'h1', 'k1')])
      .when({ type: 'RecordApplied', data: applied('vm-a', 'n1', 'h1', 'k1').data as never })
      .then([]);
    const failed: ServiceInstanceEvent = {
      type: 'InstanceFailed',
      version: 1,
      data: { instanceId: SI, vmId: 'vm-a', nodeId: 'n1', haproxyHash: 'h1', reason: 'haproxy exited' },
    };
    given(serviceInstanceDecider, [...pair, applied('vm-a', 'n1', 'h1', 'k1'), failed])
      .when({ type: 'RecordApplied', data: applied('vm-a', 'n1', 'h1', 'k1').data as never })
      .then([applied('vm-a', 'n1', 'h1', 'k1')]);
    given(serviceInstanceDecider, [...pair, failed])
      .when({ type: 'RecordFailed', data: failed.data as never })
      .then([]);
  });

  it('records the same files again only to end a rejection: a fix back to the files in force clears it', () => {
    const again = { type: 'RecordConfigRendered', data: rendered.data as never } as const;
    const rejected: ServiceInstanceEvent = {
      type: 'InstanceConfigRejected',
      version: 1,
      data: { instanceId: SI, vmId: 'vm-a', file: 'haproxy.cfg', hash: 'h9', message: '[ALERT] refused' },
    };
    given(serviceInstanceDecider, pair).when(again).then([]);
    given(serviceInstanceDecider, [...pair, rejected])
      .when(again)
      .then([rendered]);
    expect(serviceInstanceView(given(serviceInstanceDecider, [...pair, rejected, rendered]).state)?.config_rejection).toBeNull();
  });

  it('ignores reports for placements the instance does not have on that node', () => {
    given(serviceInstanceDecider, pair)
      .when({ type: 'RecordApplied', data: applied('vm-a', 'n2', 'h1', 'k1').data as never })
      .then([]);
    given(serviceInstanceDecider, pair)
      .when({ type: 'RecordFailed', data: { instanceId: SI, vmId: 'vm-x', nodeId: 'n1', haproxyHash: 'h', reason: 'r' } })
      .then([]);
  });

  it('shows each placement APPLIED only when its node runs the latest files, FAILED with the reason', () => {
    const view = (events: ServiceInstanceEvent[]) =>
      serviceInstanceView(given(serviceInstanceDecider, events).state)?.vm_list.map((vm) => [vm.status, vm.status_description]);
    expect(view(pair)).toEqual([
      ['PENDING', null],
      ['PENDING', null],
    ]);
    expect(view([...pair, applied('vm-a', 'n1', 'h1', 'k1'), applied('vm-b', 'n2', 'h2', 'k2')])).toEqual([
      ['APPLIED', null],
      ['APPLIED', null],
    ]);
    expect(view([...pair, applied('vm-a', 'n1', 'old', 'k1')])).toEqual([
      ['PENDING', null],
      ['PENDING', null],
    ]);
    expect(
      view([
        ...pair,
        {
          type: 'InstanceFailed',
          version: 1,
          data: { instanceId: SI, vmId: 'vm-b', nodeId: 'n2', haproxyHash: 'h2', reason: 'no fabric' },
        },
      ]),
    ).toEqual([
      ['PENDING', null],
      ['FAILED', 'no fabric'],
    ]);
  });

  it('deletes once every placement is released, appending nothing for a release it already has', () => {
    const deleting = [...pair, { type: 'InstanceDeletionRequested', version: 1, data: { instanceId: SI } } as ServiceInstanceEvent];
    given(serviceInstanceDecider, deleting)
      .when({ type: 'ReleasePlacement', data: { instanceId: SI, vmId: 'vm-a' } })
      .then([{ type: 'InstancePlacementReleased', version: 1, data: { instanceId: SI, vmId: 'vm-a', nodeId: 'n1' } }]);
    const oneLeft = [
      ...deleting,
      { type: 'InstancePlacementReleased', version: 1, data: { instanceId: SI, vmId: 'vm-a', nodeId: 'n1' } } as ServiceInstanceEvent,
    ];
    given(serviceInstanceDecider, oneLeft)
      .when({ type: 'ReleasePlacement', data: { instanceId: SI, vmId: 'vm-a' } })
      .then([]);
    given(serviceInstanceDecider, oneLeft)
      .when({ type: 'ReleasePlacement', data: { instanceId: SI, vmId: 'vm-b' } })
      .then([
        { type: 'InstancePlacementReleased', version: 1, data: { instanceId: SI, vmId: 'vm-b', nodeId: 'n2' } },
        { type: 'ServiceInstanceDeleted', version: 1, data: { instanceId: SI } },
      ]);
  });
});
