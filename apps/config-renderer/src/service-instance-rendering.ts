import type { ServiceInstanceState } from '@lbaas/domain';
import { type ConfigSources, type InstanceRendering, type RenderSettings, renderInstance, vipPrefixLength } from './instance-config';
import { renderLoadBalancerInstance } from './load-balancer-config';

export interface SourceRendering {
  readonly rendering: InstanceRendering;
  /** The load balancer's revision the files serve (InstanceConfigRendered's `sourceRevision`); null for a v1 VIP. */
  readonly sourceRevision: number | null;
}

const NOTHING: SourceRendering = { rendering: { kind: 'nothing' }, sourceRevision: null };

/**
 * The files of an instance for what it serves: a v1 VIP with its pool, or an Octavia load balancer
 * with the revision they hold, which the active placement's agent reports back once it serves them
 * (the end of PENDING). Nothing while the load balancer is not folded.
 */
export function renderServiceInstance(si: ServiceInstanceState, sources: ConfigSources, settings: RenderSettings): SourceRendering {
  if (si.kind !== 'live') return NOTHING;
  if (si.source.kind === 'vip') return { rendering: renderInstance(si, sources, settings), sourceRevision: null };
  const lb = sources.loadBalancer(si.source.loadBalancerId);
  if (lb?.kind !== 'live') return NOTHING;
  const prefixLength = vipPrefixLength(sources.subnet(lb.vip.subnetId));
  const rendering = renderLoadBalancerInstance(si, lb, sources.certificate, prefixLength, settings);
  return rendering.kind === 'nothing' ? NOTHING : { rendering, sourceRevision: lb.revision };
}

/**
 * Statuses the agents and the health checks record, and the agents' reports of what they applied
 * or failed to apply: no rendered file reads a VIP's, pool's or member's status, and neither the
 * rendering nor the decision to record it reads an instance's `applied` or `failures`, so such an
 * event renders nothing again. Each VIP going ACTIVE appended two statuses and each placement a
 * report, and rendering the instance again for each (render, two object infos, a stream read, to
 * append nothing) kept the renderer and nats-server busy for minutes after a large growth settled.
 */
const NO_FILE_EVENTS: ReadonlySet<string> = new Set([
  'VipStatusChanged',
  'PoolStatusChanged',
  'MemberStatusChanged',
  'InstanceApplied',
  'InstanceFailed',
]);

export const changesNoFile = (eventType: string): boolean => NO_FILE_EVENTS.has(eventType);
