import { Inject, Injectable } from '@nestjs/common';
import { Forbidden } from '@lbaas/domain';
import { allows, type PolicyRule, type Principal } from '@lbaas/identity';
import { notFound } from './http/octavia-input';
import { fieldsOf, octaviaListQuery, pageLinks } from './http/octavia-query';
import { OCTAVIA_RESOURCES, type OctaviaResource } from './http/octavia-routes';
import { OCTAVIA_SHARED, type OctaviaShared } from './octavia-shared';

type Row = Record<string, unknown>;
type Action = 'get_one' | 'get_all' | 'post' | 'put' | 'delete' | 'get_stats' | 'get_status';

export const ruleOf = (resource: OctaviaResource, action: Action): PolicyRule =>
  `os_load-balancer_api:${resource.policy}:${action}` as PolicyRule;

/** `?fields=` kept as asked (those that exist); none keeps every field. */
export function projected(row: Row, fields: readonly string[]): Row {
  if (fields.length === 0) return row;
  return Object.fromEntries(fields.filter((f) => Object.prototype.hasOwnProperty.call(row, f)).map((f) => [f, row[f]]));
}

/** The load balancer a child row belongs to (`loadbalancers: [{id}]`), as the read model shows it. */
export function loadBalancerIdOf(row: Row): string | null {
  const refs = row.loadbalancers;
  if (!Array.isArray(refs)) return null;
  const first: unknown = refs[0];
  return typeof first === 'object' && first !== null && typeof (first as Row).id === 'string' ? ((first as Row).id as string) : null;
}

/**
 * v2 reads with Octavia's policy: an object of another project is a 403 (Octavia's, not Neutron's
 * 404), and a list holds the caller's project only unless the caller may read every project's
 * (`get_all-global`).
 */
@Injectable()
export class OctaviaReads {
  constructor(@Inject(OCTAVIA_SHARED) private readonly shared: OctaviaShared) {}

  /** The object's row if the caller passes `rule` on it: 404 when absent, 403 when another project's the caller may not touch. */
  async owned(resource: OctaviaResource, id: string, principal: Principal, rule: PolicyRule): Promise<Row> {
    const row = await this.shared.queries.get(resource.collection, id);
    if (row === null) throw notFound(resource.title, id);
    if (!allows(principal, rule, String(row.project_id))) throw new Forbidden(`${rule} on ${resource.title} ${id}`);
    return row;
  }

  async show(resource: OctaviaResource, id: string, principal: Principal, url: URL): Promise<Record<string, Row>> {
    const row = await this.owned(resource, id, principal, ruleOf(resource, 'get_one'));
    return { [resource.singular]: projected(row, fieldsOf(url.searchParams)) };
  }

  /**
   * A page of the collection, `{<plural>: [...], <plural>_links: [...]}`. `scope` narrows it
   * further (a pool's members); `global` says whether the caller reads every project's.
   */
  async list(
    resource: OctaviaResource,
    principal: Principal,
    url: URL,
    scope: Record<string, string[]> = {},
  ): Promise<Record<string, unknown>> {
    const query = octaviaListQuery(url.searchParams);
    // A pool's members and a policy's rules are listed under their parent, whose policy decided already.
    const everyProject =
      resource.policy !== 'member' &&
      resource.policy !== 'l7rule' &&
      allows(principal, `os_load-balancer_api:${resource.policy}:get_all-global` as PolicyRule);
    const scoped = Object.keys(scope).length > 0;
    const tenant = everyProject || scoped ? null : principal.tenantId;
    const { items, ids, more } = await this.shared.queries.list(resource.collection, tenant, {
      ...query,
      filters: { ...query.filters, ...scope },
    });
    return { [resource.plural]: items, [`${resource.plural}_links`]: pageLinks(url, query.page, ids, more) };
  }

  /** A pool's members: the pool's policy decides (403 for another project's pool), then every member of it is listed. */
  async members(poolId: string, principal: Principal, url: URL): Promise<Record<string, unknown>> {
    await this.owned(OCTAVIA_RESOURCES.pools, poolId, principal, 'os_load-balancer_api:member:get_all');
    return this.list(OCTAVIA_RESOURCES.members, principal, url, { pool_id: [poolId] });
  }

  /** A member of the pool in the path: a member of another pool is not found there. */
  async member(poolId: string, id: string, principal: Principal, rule: PolicyRule): Promise<Row> {
    await this.owned(OCTAVIA_RESOURCES.pools, poolId, principal, rule);
    const row = await this.owned(OCTAVIA_RESOURCES.members, id, principal, rule);
    if (row.pool_id !== poolId) throw notFound('Member', id);
    return row;
  }

  /** A policy's rules: the policy's rule decides (403 for another project's policy), then every rule of it is listed. */
  async rules(policyId: string, principal: Principal, url: URL): Promise<Record<string, unknown>> {
    await this.owned(OCTAVIA_RESOURCES.l7policies, policyId, principal, 'os_load-balancer_api:l7rule:get_all');
    return this.list(OCTAVIA_RESOURCES.l7rules, principal, url, { l7policy_id: [policyId] });
  }

  /** A rule of the policy in the path: a rule of another policy is not found there. */
  async rule(policyId: string, id: string, principal: Principal, rule: PolicyRule): Promise<Row> {
    await this.owned(OCTAVIA_RESOURCES.l7policies, policyId, principal, rule);
    const row = await this.owned(OCTAVIA_RESOURCES.l7rules, id, principal, rule);
    if (row.l7policy_id !== policyId) throw notFound('L7 Rule', id);
    return row;
  }

  async rows(collection: OctaviaResource['collection'], filters: Record<string, string[]>): Promise<Row[]> {
    const { items } = await this.shared.queries.list(collection, null, { filters, fields: [], sort: [{ key: 'created_at', dir: 'asc' }] });
    return items;
  }
}
