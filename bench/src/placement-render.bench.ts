import { performance } from 'node:perf_hooks';
import { baseHaproxyInput, memberOf, renderHaproxyConfig, withMembers } from '@lbaas/haproxy';
import { report } from './report';
import { placeSimulated } from './simulated-placement';

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

  const place = placeSimulated(VIPS, NODES);
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
        floor: { metric: 'empty loop over the VIP events (ms)', value: place.floorMs },
      },
      { metric: 'events appended by placement', value: place.appended, unit: 'events' },
      { metric: 'node load spread (max - min)', value: place.loadSpread, unit: 'instances' },
    ],
    { members: MEMBERS, nodes: NODES, vips: VIPS, configBytes: render.value.length },
  );
}

export const placementRender = { name: 'placement-render', run };
