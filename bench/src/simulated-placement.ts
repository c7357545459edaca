import { performance } from 'node:perf_hooks';
import { firstHost, intToIp, lastHost, parseCidr, type VipCreated } from '@lbaas/domain';
import { SchedulingSimulation, seededRandom, type VrrpAddresses } from '@lbaas/scheduling';

/**
 * The whole fabric range the house rules allow. The scheduler's VRRP addresses come from one
 * deployment-wide range, one per placement: 198.18.0.0/15 holds 131,070, so 65,535 VIP pairs.
 */
export const VRRP_RANGE = '198.18.0.0/15';
export const VRRP_RANGE_PAIRS = 65_535;

export interface PlacementRun {
  readonly vips: number;
  readonly nodes: number;
  /** Past the range's pairs, VRRP addresses were handed out again (RecycledVrrpAddresses): placement work as before, addresses not unique. */
  readonly addressesReused: boolean;
  /** Plan plus deciding every command, until nothing is pending. */
  readonly ms: number;
  /** An empty loop over the same VIP events. */
  readonly floorMs: number;
  readonly appended: number;
  readonly loadSpread: number;
}

const uuid = (n: number): string => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

const sumOfPorts = (events: readonly VipCreated[]): number => {
  let sum = 0;
  for (const e of events) sum += e.data.protocolPort;
  return sum;
};

/**
 * The range's addresses in turn, each handed out again after the last: for a simulated run of more
 * VIP pairs than 198.18.0.0/15 holds, where the house rules allow no address outside it. Taking
 * one costs O(1), as the scheduler's own pool does on a range with room.
 */
class RecycledVrrpAddresses implements VrrpAddresses {
  private readonly first: number;
  private readonly size: number;
  private next = 0;

  constructor(cidr: string) {
    const range = parseCidr(cidr);
    this.first = firstHost(range);
    this.size = lastHost(range) - this.first + 1;
  }

  hold(): void {}

  free(): void {}

  take(): string {
    const address = intToIp(this.first + this.next);
    this.next = (this.next + 1) % this.size;
    return address;
  }
}

/**
 * Places `vips` VIPs on `nodes` simulated nodes with the pure scheduling model (libs/scheduling).
 * Up to the range's 65,535 pairs every placement has its own VRRP address from the scheduler's
 * pool; past it (100,000 VIPs) addresses are reused, which changes no placement decision.
 */
export function placeSimulated(vips: number, nodes: number): PlacementRun {
  const addressesReused = vips > VRRP_RANGE_PAIRS;
  const sim = new SchedulingSimulation(VRRP_RANGE, 0, addressesReused ? new RecycledVrrpAddresses(VRRP_RANGE) : undefined);
  for (let n = 1; n <= nodes; n++) sim.record('node', `node-${n}`, [{ type: 'NodeRegistered', version: 1, data: { nodeId: `node-${n}` } }]);
  const events: VipCreated[] = Array.from({ length: vips }, (_, i) => ({
    type: 'VipCreated',
    version: 1,
    data: {
      vipId: uuid(i + 1),
      tenantId: 't',
      subnetId: 's',
      address: '198.18.1.10',
      portId: 'p',
      protocolPort: 80,
      protocol: 'HTTP',
      poolId: uuid(i + 1 + vips),
      name: '',
      description: '',
      sessionPersistence: null,
      connectionLimit: -1,
      adminStateUp: true,
    },
  }));
  const loopStarted = performance.now();
  const ports = sumOfPorts(events);
  const floorMs = Math.max(performance.now() - loopStarted, 0.01);
  if (ports !== 80 * vips) throw new Error('the floor loop read the events wrong');
  for (const e of events) sim.record('vip', e.data.vipId, [e]);
  const random = seededRandom(1);
  let vm = 0;
  const started = performance.now();
  const appended = sim.settle(() => ({
    random,
    newVmId: () => uuid(++vm + 2 * vips),
    instanceIdFor: (vipId) => `si-${vipId}`,
    instanceIdForLoadBalancer: (id) => `si-lb-${id}`,
    now: new Date(),
  }));
  const ms = performance.now() - started;
  const loads = Array.from({ length: nodes }, (_, n) => sim.model.loadOf(`node-${n + 1}`));
  return { vips, nodes, addressesReused, ms, floorMs, appended, loadSpread: Math.max(...loads) - Math.min(...loads) };
}
