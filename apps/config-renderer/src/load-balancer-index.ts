import type { LoadBalancerState, ServiceInstanceState } from '@lbaas/domain';

/** Adds `id` under `key` or takes it away, keeping no empty set: the renderer's indexes of which instances an event reaches. */
export function editIndex(index: Map<string, Set<string>>, key: string, id: string, add: boolean): void {
  let set = index.get(key);
  if (!set) index.set(key, (set = new Set()));
  if (add) set.add(id);
  else set.delete(id);
  if (set.size === 0) index.delete(key);
}

const certificatesOf = (lb: LoadBalancerState | undefined): Set<string> =>
  new Set(lb?.kind === 'live' ? lb.listeners.flatMap((l) => (l.defaultTlsCertificateId === null ? [] : [l.defaultTlsCertificateId])) : []);

/**
 * Which instances a load balancer's events and its certificates' events reach, kept as both are
 * folded, so an event renders again only the instances whose files it may change.
 */
export class LoadBalancerIndex {
  /** load balancer id -> the live instances serving it (one, but an index as for VIPs). */
  private readonly instances = new Map<string, Set<string>>();
  /** certificate id -> the load balancers whose TERMINATED_HTTPS listeners name it. */
  private readonly byCertificate = new Map<string, Set<string>>();

  instance(before: ServiceInstanceState | undefined, after: ServiceInstanceState): void {
    if (before?.kind === 'live' && before.source.kind === 'loadbalancer')
      editIndex(this.instances, before.source.loadBalancerId, before.id, false);
    if (after.kind === 'live' && after.source.kind === 'loadbalancer')
      editIndex(this.instances, after.source.loadBalancerId, after.id, true);
  }

  loadBalancer(id: string, before: LoadBalancerState | undefined, after: LoadBalancerState): void {
    const [was, is] = [certificatesOf(before), certificatesOf(after)];
    for (const c of was) if (!is.has(c)) editIndex(this.byCertificate, c, id, false);
    for (const c of is) if (!was.has(c)) editIndex(this.byCertificate, c, id, true);
  }

  instancesOf(loadBalancerId: string): string[] {
    return [...(this.instances.get(loadBalancerId) ?? [])];
  }

  /** A replaced certificate changes the file name, and so haproxy.cfg, of every load balancer that serves it. */
  instancesUsing(certificateId: string): string[] {
    return [...(this.byCertificate.get(certificateId) ?? [])].flatMap((lb) => this.instancesOf(lb));
  }
}
