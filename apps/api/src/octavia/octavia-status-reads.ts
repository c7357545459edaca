import { Inject, Injectable } from '@nestjs/common';
import type { PolicyRule, Principal } from '@lbaas/identity';
import { notFound } from './http/octavia-input';
import { OCTAVIA_RESOURCES, type OctaviaResource } from './http/octavia-routes';
import { OctaviaReads } from './octavia-reads';
import { OCTAVIA_SHARED, type OctaviaShared } from './octavia-shared';
import { statusTree, type StatusTree } from './status-tree';

const { loadbalancers: LB, listeners: LISTENER, pools: POOL, members: MEMBER, healthmonitors: MONITOR } = OCTAVIA_RESOURCES;

/** The status tree and the traffic counters of load balancers and listeners, from the read models. */
@Injectable()
export class OctaviaStatusReads {
  constructor(
    @Inject(OCTAVIA_SHARED) private readonly shared: OctaviaShared,
    private readonly reads: OctaviaReads,
  ) {}

  async tree(id: string, principal: Principal): Promise<StatusTree> {
    const lb = await this.reads.owned(LB, id, principal, 'os_load-balancer_api:loadbalancer:get_status');
    const [listeners, pools] = await Promise.all([
      this.reads.rows(LISTENER.collection, { loadbalancer_id: [id] }),
      this.reads.rows(POOL.collection, { loadbalancer_id: [id] }),
    ]);
    const poolIds = pools.map((p) => String(p.id));
    const [members, monitors] =
      poolIds.length === 0
        ? [[], []]
        : await Promise.all([
            this.reads.rows(MEMBER.collection, { pool_id: poolIds }),
            this.reads.rows(MONITOR.collection, { pool_id: poolIds }),
          ]);
    return statusTree(lb, listeners, pools, members, monitors);
  }

  /** Octavia's `{"stats": {...}}`; zeros until the data plane has reported. */
  async stats(resource: OctaviaResource, id: string, principal: Principal, rule: PolicyRule) {
    await this.reads.owned(resource, id, principal, rule);
    const stats = await this.shared.queries.stats(resource === LISTENER ? 'listener' : 'loadbalancer', id);
    if (stats === null) throw notFound(resource.title, id);
    return { stats };
  }
}
