import { initialServiceInstanceState, type PlacementData, type ServiceInstanceState } from '@lbaas/domain';
import { isNodeAgent, placementsOnNode, type ProcessView, withDescendants } from './dev-kill-node';

const NATS = 'nats://127.0.0.1:4222';
const proc = (pid: number, ppid: number, argv: string[], env: Record<string, string> = { LBAAS_NATS_URL: NATS }): ProcessView => ({
  pid,
  ppid,
  argv,
  env,
});

const placement = (vmId: string, nodeId: string, role: 'active' | 'standby'): PlacementData => ({
  vmId,
  nodeId,
  role,
  priority: role === 'active' ? 200 : 100,
  vrrpAddress: '198.19.192.10',
});

function liveInstance(id: string, placements: PlacementData[]): ServiceInstanceState {
  return {
    kind: 'live',
    id,
    vipId: `vip-${id}`,
    poolId: `pool-${id}`,
    tenantId: 't',
    createdAt: '2026-11-29T00:00:00.000Z',
    placements,
    unplaceableReason: null,
    deleting: false,
    history: [],
    rendered: [],
    lastRejection: null,
    applied: {},
    failures: {},
  } as unknown as ServiceInstanceState;
}

describe('lbaas dev kill-node', () => {
  describe('placementsOnNode', () => {
    it('finds the active and standby placements the log gives the node, across instances', () => {
      const instances = [
        liveInstance('a', [placement('vm-a1', 'compute-node-1', 'active'), placement('vm-a2', 'compute-node-2', 'standby')]),
        liveInstance('b', [placement('vm-b1', 'compute-node-2', 'active'), placement('vm-b2', 'compute-node-3', 'standby')]),
        liveInstance('c', [placement('vm-c1', 'compute-node-1', 'active'), placement('vm-c2', 'compute-node-3', 'standby')]),
      ];
      expect(placementsOnNode(instances, 'compute-node-2').map((p) => [p.instanceId, p.placement.vmId, p.placement.role])).toEqual([
        ['a', 'vm-a2', 'standby'],
        ['b', 'vm-b1', 'active'],
      ]);
    });

    it('finds nothing on a node with no placement, and skips instances that are gone', () => {
      expect(
        placementsOnNode(
          [initialServiceInstanceState, liveInstance('a', [placement('vm-a1', 'compute-node-1', 'active')])],
          'compute-node-9',
        ),
      ).toEqual([]);
    });
  });

  describe('isNodeAgent', () => {
    it('knows the agent of make up by its title', () => {
      expect(isNodeAgent(proc(10, 1, ['lb-compute-node-2']), 'compute-node-2', NATS)).toBe(true);
    });

    it('knows an agent started by its script, with the node as its argument', () => {
      expect(
        isNodeAgent(proc(10, 1, ['/usr/bin/node', '/repo/apps/node-agent/dist/main.js', 'compute-node-2']), 'compute-node-2', NATS),
      ).toBe(true);
    });

    it.each([
      { desc: 'another node', p: proc(10, 1, ['lb-compute-node-21']) },
      { desc: 'another node by argument', p: proc(10, 1, ['/usr/bin/node', '/repo/apps/node-agent/dist/main.js', 'compute-node-3']) },
      { desc: 'another stack on the same machine', p: proc(10, 1, ['lb-compute-node-2'], { LBAAS_NATS_URL: 'nats://127.0.0.1:4999' }) },
      { desc: 'a process with no NATS URL', p: proc(10, 1, ['lb-compute-node-2'], {}) },
      {
        desc: 'another service with the node name as argument',
        p: proc(10, 1, ['/usr/bin/node', '/repo/apps/scheduler/dist/main.js', 'compute-node-2']),
      },
    ])('leaves alone $desc', ({ p }) => {
      expect(isNodeAgent(p, 'compute-node-2', NATS)).toBe(false);
    });
  });

  describe('withDescendants', () => {
    it('adds children and grandchildren, whatever the listing order', () => {
      const all = [proc(30, 20, []), proc(20, 10, []), proc(10, 1, []), proc(11, 1, []), proc(21, 10, [])];
      expect(withDescendants([10], all).sort((a, b) => a - b)).toEqual([10, 20, 21, 30]);
    });

    it('returns only the roots when they have no children', () => {
      expect(withDescendants([5, 6], [proc(7, 1, [])])).toEqual([5, 6]);
    });
  });
});
