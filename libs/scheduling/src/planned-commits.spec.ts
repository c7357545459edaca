import type { ServiceInstanceCommand } from '@lbaas/domain';
import { plannedCommits } from './planned-commits';
import type { PlannedCommand } from './scheduling-model';

const AT = '2026-12-07T18:00:00.000Z';
const place = (instanceId: string, nodeId: string) =>
  ({
    type: 'PlaceInstance',
    data: { instanceId, vmId: `vm-${instanceId}-${nodeId}`, nodeId, vrrpAddress: '198.19.128.4', at: AT },
  }) as const;
const onInstance = (id: string, command: ServiceInstanceCommand): PlannedCommand => ({ aggregate: 'serviceinstance', id, command });

describe('plannedCommits', () => {
  it("puts an instance's active and standby of one round in one commit", () => {
    expect(plannedCommits([onInstance('si-1', place('si-1', 'n1')), onInstance('si-1', place('si-1', 'n2'))])).toEqual([
      { aggregate: 'serviceinstance', id: 'si-1', placements: [place('si-1', 'n1'), place('si-1', 'n2')] },
    ]);
  });

  it('keeps every other command a commit of its own, in the planned order', () => {
    const lost = onInstance('si-1', { type: 'HandleNodeLost', data: { instanceId: 'si-1', nodeId: 'n1', reason: 'lost', at: AT } });
    const unplaceable = onInstance('si-2', { type: 'MarkUnplaceable', data: { instanceId: 'si-2', reason: 'no live node' } });
    const node: PlannedCommand = {
      aggregate: 'node',
      id: 'n1',
      command: { type: 'DeclareNodeLost', data: { nodeId: 'n1', silenceMs: 3000 } },
    };
    const standby = onInstance('si-1', place('si-1', 'n3'));
    expect(plannedCommits([node, lost, standby, unplaceable])).toEqual([node, lost, standby, unplaceable]);
  });

  it("never joins two instances' placements, nor placements that other commands separate", () => {
    const a = onInstance('si-1', place('si-1', 'n1'));
    const b = onInstance('si-2', place('si-2', 'n2'));
    const between = onInstance('si-1', { type: 'MarkUnplaceable', data: { instanceId: 'si-1', reason: 'no free VRRP address' } });
    const c = onInstance('si-1', place('si-1', 'n3'));
    expect(plannedCommits([a, b])).toEqual([a, b]);
    expect(plannedCommits([a, between, c])).toEqual([a, between, c]);
    expect(plannedCommits([])).toEqual([]);
  });
});
