import { performance } from 'node:perf_hooks';
import type { VipCreated } from '@lbaas/domain';
import { baseHaproxyInput, memberOf, renderHaproxyConfig, withMembers } from '@lbaas/haproxy';
import { SchedulingSimulation, seededRandom } from '@lbaas/scheduling';
import { report } from './report';

const MEMBERS = 10_000;
const NODES = 1_000;
const VIPS = 10_000;
const uuid = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

function timed<T>(fn: () => T): { ms: number; value: T } {
  const start = performance.now();
  const value = fn();
  return { ms: performance.now() - start, value };
}

/**
 * Control-plane costs without I/O. Rendering a 10,000-member pool, against building a string of
 * the same server lines with no logic; placing 10,000 VIPs over 1,000 simulated nodes (plan plus
 * deciding every command), against an empty loop over the same events.
 */
async function run(): Promise<void> {
  const members = Array.from({ length: MEMBERS }, (_, i) => ({
    ...memberOf(0, `198.18.${Math.floor(i / 250)}.${(i % 250) + 2}`, { weight: 1 + (i % 5) }),
    id: uuid(i + 100),
  }));
  const input = withMembers(() => members)(baseHaproxyInput());
  renderHaproxyConfig(input);
  const render = timed(() => renderHaproxyConfig(input));
  const floor = timed(() => members.map((m) => `    server ${m.id} ${m.address}:${m.protocolPort} weight ${m.weight}`).join('\n'));

  const sim = new SchedulingSimulation('198.19.0.0/16');
  for (let n = 1; n <= NODES; n++) sim.record('node', `node-${n}`, [{ type: 'NodeRegistered', version: 1, data: { nodeId: `node-${n}` } }]);
  const vipEvents: VipCreated[] = Array.from({ length: VIPS }, (_, i) => ({
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
      poolId: uuid(i + 50_000),
      name: '',
      description: '',
      sessionPersistence: null,
      connectionLimit: -1,
      adminStateUp: true,
    },
  }));
  const loop = timed(() => {
    let n = 0;
    for (const e of vipEvents) n += e.data.protocolPort;
    return n;
  });
  for (const e of vipEvents) sim.record('vip', e.data.vipId, [e]);
  const random = seededRandom(1);
  let vm = 0;
  const place = timed(() =>
    sim.settle(() => ({
      random,
      newVmId: () => uuid(++vm + 100_000),
      instanceIdFor: (vipId) => `si-${vipId}`,
      instanceIdForLoadBalancer: (id) => `si-lb-${id}`,
      now: new Date(),
    })),
  );
  const loads = Array.from({ length: NODES }, (_, n) => sim.model.loadOf(`node-${n + 1}`));
  report(
    'placement-render',
    [
      {
        metric: `render haproxy.cfg, ${MEMBERS} members`,
        value: render.ms,
        unit: 'ms',
        floor: { metric: 'same server lines, no logic (ms)', value: floor.ms },
      },
      {
        metric: `place ${VIPS} VIPs on ${NODES} nodes`,
        value: place.ms,
        unit: 'ms',
        floor: { metric: 'empty loop over the VIP events (ms)', value: Math.max(loop.ms, 0.01) },
      },
      { metric: 'events appended by placement', value: place.value, unit: 'events' },
      { metric: 'node load spread (max - min)', value: Math.max(...loads) - Math.min(...loads), unit: 'instances' },
    ],
    { members: MEMBERS, nodes: NODES, vips: VIPS, configBytes: render.value.length },
  );
}

export const placementRender = { name: 'placement-render', run };
