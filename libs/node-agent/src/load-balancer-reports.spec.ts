import type { DesiredPlacement } from './desired';
import type { PlacementOutcome } from './execute';
import type { LiveInstance } from './node-log';
import { INSTANCE, running, specOf, uuidOf, VM } from './plan-fixtures';
import { type Report, reportsFor, type StatusReport, statusCommands } from './reports';

const LB = uuidOf(4);
const AT = '2026-12-07T10:00:00.000Z';
const HASHES = { haproxyHash: 'h'.repeat(64), keepalivedHash: 'k'.repeat(64) };
const SOURCE = { kind: 'loadbalancer' as const, loadBalancerId: LB, vipAddress: '198.18.7.10' };
const instance = (change: Partial<LiveInstance> = {}): LiveInstance => ({
  kind: 'live',
  id: INSTANCE.a,
  tenantId: 'project',
  source: SOURCE,
  createTs: 1,
  virtualRouterId: 7,
  placements: [
    { vmId: VM.a, nodeId: 'compute-node-1', role: 'active', priority: 200, vrrpAddress: '198.19.192.1' },
    { vmId: VM.b, nodeId: 'compute-node-2', role: 'standby', priority: 100, vrrpAddress: '198.19.192.2' },
  ],
  unplaceableReason: null,
  deleting: false,
  history: [],
  handover: null,
  renderedRevision: 3,
  rendered: [
    { vmId: VM.a, ...HASHES },
    { vmId: VM.b, ...HASHES },
  ],
  lastRejection: null,
  applied: {},
  failures: {},
  ...change,
});
const activeHere: DesiredPlacement = running(specOf(VM.a));
const converged: PlacementOutcome = { kind: 'converged', stepsTaken: 1, holdsVip: true };
const status = (s: 'ACTIVE' | 'ERROR', description: string | null, revision: number | null = 3): StatusReport => ({
  kind: 'status',
  instanceId: INSTANCE.a,
  source: SOURCE,
  revision,
  status: s,
  description,
});

describe("reports of a load balancer's placement", () => {
  it('say the revision the active serves, after recording the placement applied', () => {
    const applied: Report = { kind: 'applied', instanceId: INSTANCE.a, vmId: VM.a, ...HASHES };
    expect(reportsFor(instance(), activeHere, converged).reports).toEqual([applied, status('ACTIVE', null)]);
  });

  it("say ERROR with the driver's reason when the active cannot apply", () => {
    const { reports } = reportsFor(instance(), activeHere, { kind: 'failed', reason: 'spawn haproxy ENOENT' });
    expect(reports.at(-1)).toEqual(status('ERROR', 'spawn haproxy ENOENT'));
  });

  it('say nothing of the load balancer from the standby', () => {
    const standby = running(specOf(VM.b, { role: 'standby' }));
    expect(reportsFor(instance(), standby, converged).reports.map((r) => r.kind)).toEqual(['applied']);
  });
});

describe("reports of an operator's failover (a handover)", () => {
  // VM.b is the new active, VM.a the old one, both still on the instance until VM.a is retired.
  const handingOver = (rendered: boolean, servedAt: string | null = null) =>
    instance({
      placements: [
        { vmId: VM.b, nodeId: 'compute-node-2', role: 'active', priority: 200, vrrpAddress: '198.19.192.2' },
        { vmId: VM.a, nodeId: 'compute-node-1', role: 'standby', priority: 100, vrrpAddress: '198.19.192.1' },
      ],
      handover: { fromVmId: VM.a, toVmId: VM.b, reason: 'failover requested by an operator (request r1)', rendered, servedAt },
      applied: { [VM.a]: HASHES, [VM.b]: HASHES },
    });
  const newActive = running(specOf(VM.b));
  const oldActive = running(specOf(VM.a, { role: 'standby' }));
  const vipHeld: Report = { kind: 'vipHeld', instanceId: INSTANCE.a, vmId: VM.b, keepalivedHash: HASHES.keepalivedHash };

  it('say the VIP held from the new active running files rendered after the swap, before the revision it serves', () => {
    expect(reportsFor(handingOver(true), newActive, converged).reports).toEqual([vipHeld, status('ACTIVE', null)]);
  });

  it('say nothing while the new active does not hold the VIP yet, and look again soon', () => {
    expect(reportsFor(handingOver(true), newActive, { ...converged, holdsVip: false })).toEqual({ reports: [], recheckVip: true });
  });

  it('say nothing of the VIP before a rendering after the swap, once it was said, or from the old active', () => {
    expect(reportsFor(handingOver(false), newActive, converged).reports).toEqual([status('ACTIVE', null)]);
    expect(reportsFor(handingOver(true, AT), newActive, converged).reports).toEqual([status('ACTIVE', null)]);
    expect(reportsFor(handingOver(true), oldActive, converged).reports).toEqual([]);
  });
});

describe('statusCommands', () => {
  it('turn ACTIVE at a revision into RecordLoadBalancerApplied on the load balancer', () => {
    expect(statusCommands(status('ACTIVE', null), AT)).toEqual([
      {
        aggregate: 'loadbalancer',
        id: LB,
        command: { type: 'RecordLoadBalancerApplied', data: { loadBalancerId: LB, revision: 3, at: AT } },
      },
    ]);
  });

  it('turn ERROR into RecordLoadBalancerError with the reason, bounded', () => {
    expect(statusCommands(status('ERROR', 'haproxy exited'), AT)).toEqual([
      {
        aggregate: 'loadbalancer',
        id: LB,
        command: { type: 'RecordLoadBalancerError', data: { loadBalancerId: LB, reason: 'haproxy exited', at: AT } },
      },
    ]);
    const [long] = statusCommands(status('ERROR', 'x'.repeat(5000)), AT);
    expect(long.command.type === 'RecordLoadBalancerError' && long.command.data.reason).toHaveLength(1000);
  });

  it('say nothing for a rendering that names no revision', () => {
    expect(statusCommands(status('ACTIVE', null, null), AT)).toEqual([]);
  });

  it("keep a VIP's status on the VIP, then its pool, with Neutron's 255 characters", () => {
    const vip: StatusReport = {
      kind: 'status',
      instanceId: INSTANCE.a,
      source: { kind: 'vip', vipId: 'vip', poolId: 'pool' },
      revision: null,
      status: 'ERROR',
      description: 'y'.repeat(300),
    };
    expect(statusCommands(vip, AT)).toEqual([
      {
        aggregate: 'vip',
        id: 'vip',
        command: { type: 'RecordVipStatus', data: { vipId: 'vip', status: 'ERROR', statusDescription: 'y'.repeat(255) } },
      },
      {
        aggregate: 'pool',
        id: 'pool',
        command: { type: 'RecordPoolStatus', data: { poolId: 'pool', status: 'ERROR', statusDescription: 'y'.repeat(255) } },
      },
    ]);
  });
});
