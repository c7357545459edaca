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
 * Events that change nothing a rendered file or RecordConfigRendered's decision reads, so they
 * render nothing again:
 * - statuses the agents and the health checks record (no file reads a VIP's, pool's or member's
 *   status, nor a v2 member's health), and a load balancer's reports of what it applied or failed
 *   to apply (its provisioning statuses; its revision, which the decision reads, is unchanged);
 * - the agents' reports of what a placement applied or failed to apply (`applied`, `failures`);
 * - the renderer's own record of a rendering: rendering the same sources again gives the same
 *   files and revision, which the decision then records as nothing. Whatever changed the sources
 *   meanwhile marked the instance itself. A rejection still renders again: it retries a check
 *   that may have failed for a reason of the moment.
 * Each VIP going ACTIVE appended two statuses and each placement a report and a rendering, and
 * rendering the instance again for each (render, two object infos, a stream read, to append
 * nothing) kept the renderer and nats-server busy for minutes after a large growth settled.
 */
const NO_FILE_EVENTS: ReadonlySet<string> = new Set([
  'VipStatusChanged',
  'PoolStatusChanged',
  'MemberStatusChanged',
  'InstanceApplied',
  'InstanceFailed',
  'InstanceConfigRendered',
  'LoadBalancerApplied',
  'LoadBalancerErrored',
  'LbMemberHealthChanged',
]);

export const changesNoFile = (eventType: string): boolean => NO_FILE_EVENTS.has(eventType);
