import type { Collection } from '@lbaas/domain';
import { Brackets, type DataSource, In, type SelectQueryBuilder } from 'typeorm';
import { filterConditions, OCTAVIA_COLLECTIONS, queryError, type SqlDialect } from './list-filters';
import type {
  GetQuery,
  GetReply,
  ListenerStatsQuery,
  ListQuery,
  ListReply,
  LoadBalancerStatsQuery,
  OctaviaStats,
  OctaviaStatsReply,
  PoolStatsQuery,
  ProjectsReply,
  PoolStatsReply,
} from './query-contract';
import { ListenerStats, PoolStats } from './tables/bookkeeping-tables';
import { type FieldSpec, isCollection, RESOURCE_TABLES, type ResourceRow } from './tables/resource-tables';

/** `?fields=a&fields=b` keeps exactly the asked fields that exist; no fields keeps all. */
function project(resource: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  if (fields.length === 0) return resource;
  const projected: Record<string, unknown> = {};
  for (const name of fields) if (Object.prototype.hasOwnProperty.call(resource, name)) projected[name] = resource[name];
  return projected;
}

/**
 * Octavia sorts and pages a null as the type's empty value (pagination.py's default), so a
 * nullable sort key neither loses rows across pages nor sorts differently on the two databases.
 */
const NULL_SORTS_AS: Readonly<Record<FieldSpec['type'], unknown>> = { string: '', integer: 0, boolean: false, json: '' };

const sortable = ({ column, spec }: { column: string; spec: FieldSpec }): string =>
  spec.nullable ? `COALESCE(r.${column}, ${spec.type === 'integer' ? 0 : spec.type === 'boolean' ? 'false' : "''"})` : `r.${column}`;

/**
 * Answers the api's reads from the read-model tables: tenant scoping as Neutron's default
 * policy has it, filters (list-filters.ts), `fields` projection, sorting and keyset pages
 * (ordered by id unless sorted), and the data plane's counters.
 */
export class QueryService {
  constructor(private readonly db: DataSource) {}

  async list(query: ListQuery): Promise<ListReply> {
    if (!isCollection(query.collection)) return queryError(400, 'InvalidInput', `Unknown collection ${String(query.collection)}.`);
    const table = RESOURCE_TABLES[query.collection];
    const octavia = OCTAVIA_COLLECTIONS.has(query.collection);
    const builder = this.visible(query.collection, query.tenantId);
    const conditions = filterConditions(query, this.dialect);
    if ('error' in conditions) return conditions;
    for (const condition of conditions) builder.andWhere(condition.sql, condition.parameters);
    const order: { column: string; spec: FieldSpec; dir: 'asc' | 'desc' }[] = [];
    for (const { key, dir } of query.sort ?? []) {
      const spec = table.fields.get(key);
      if (!spec || spec.type === 'json') {
        return octavia
          ? queryError(400, 'InvalidSortKey', `Supplied sort key '${key}' is not valid.`)
          : queryError(400, 'HTTPBadRequest', `Attribute '${key}' not allowed in sort.`);
      }
      if (key !== 'id') order.push({ column: spec.column, spec, dir });
    }
    const idSpec = table.fields.get('id') as FieldSpec;
    order.push({ column: 'id', spec: idSpec, dir: query.sort?.find((s) => s.key === 'id')?.dir ?? 'asc' });
    const page = query.page;
    // Reading backwards (page_reverse) flips every direction; the page is put back in order below.
    const flip = (dir: 'asc' | 'desc'): 'ASC' | 'DESC' => ((dir === 'asc') !== !!page?.pageReverse ? 'ASC' : 'DESC');
    if (page?.marker) {
      // Only a row the tenant may see can be a marker: another tenant's id must fail like a missing one.
      const marker = await this.visible(query.collection, query.tenantId).andWhere('r.id = :marker', { marker: page.marker }).getOne();
      if (!marker) {
        return octavia
          ? queryError(400, 'InvalidMarker', `Supplied pagination marker '${page.marker}' is not valid.`)
          : queryError(400, 'HTTPBadRequest', `Invalid marker ${page.marker}: no such ${query.collection} item.`);
      }
      const values = marker as unknown as Record<string, unknown>;
      const markerValue = (o: (typeof order)[number]) => values[o.column] ?? NULL_SORTS_AS[o.spec.type];
      // Keyset pagination: rows strictly after the marker in the (possibly flipped) sort order.
      builder.andWhere(
        new Brackets((or) => {
          order.forEach((o, i) => {
            or.orWhere(
              new Brackets((and) => {
                order
                  .slice(0, i)
                  .forEach((prev, j) => and.andWhere(`${sortable(prev)} = :m${i}_${j}`, { [`m${i}_${j}`]: markerValue(prev) }));
                and.andWhere(`${sortable(o)} ${flip(o.dir) === 'ASC' ? '>' : '<'} :m${i}`, { [`m${i}`]: markerValue(o) });
              }),
            );
          });
        }),
      );
    }
    order.forEach((o, i) => (i === 0 ? builder.orderBy(sortable(o), flip(o.dir)) : builder.addOrderBy(sortable(o), flip(o.dir))));
    if (page && page.limit > 0) builder.take(page.limit + 1);
    const rows = await builder.getMany();
    const more = !!page && page.limit > 0 && rows.length > page.limit;
    const kept = more ? rows.slice(0, page.limit) : rows;
    if (page?.pageReverse) kept.reverse();
    return { items: kept.map((row) => project(table.toResource(row), query.fields)), ...(page ? { more } : {}) };
  }

  async get(query: GetQuery): Promise<GetReply> {
    if (!isCollection(query.collection)) return queryError(400, 'InvalidInput', `Unknown collection ${String(query.collection)}.`);
    const table = RESOURCE_TABLES[query.collection];
    const row = await this.visible(query.collection, query.tenantId).andWhere('r.id = :id', { id: query.id }).getOne();
    return { item: row ? project(table.toResource(row), query.fields) : null };
  }

  /** null when the pool does not exist for this tenant; zeros until the data plane reports. */
  async poolStats(query: PoolStatsQuery): Promise<PoolStatsReply> {
    const pool = await this.visible('pools', query.tenantId).andWhere('r.id = :id', { id: query.poolId }).getOne();
    if (!pool) return { stats: null };
    const stats = await this.db.getRepository(PoolStats).findOneBy({ pool_id: query.poolId });
    return {
      stats: {
        bytes_in: stats?.bytes_in ?? 0,
        bytes_out: stats?.bytes_out ?? 0,
        active_connections: stats?.active_connections ?? 0,
        total_connections: stats?.total_connections ?? 0,
      },
    };
  }

  /** A v2 listener's counters: null when the listener does not exist for this tenant; zeros until the data plane reports. */
  async listenerStats(query: ListenerStatsQuery): Promise<OctaviaStatsReply> {
    const listener = await this.visible('listeners', query.tenantId).andWhere('r.id = :id', { id: query.listenerId }).getOne();
    if (!listener) return { stats: null };
    return { stats: await this.sumOfListeners([query.listenerId]) };
  }

  /** A v2 load balancer's counters: the sum over its listeners, as Octavia answers them. */
  async loadBalancerStats(query: LoadBalancerStatsQuery): Promise<OctaviaStatsReply> {
    const loadBalancer = await this.visible('loadbalancers', query.tenantId).andWhere('r.id = :id', { id: query.loadBalancerId }).getOne();
    if (!loadBalancer) return { stats: null };
    // The load balancer's own list, not the samples' loadbalancer_id: a deleted listener's last sample no longer counts.
    const listeners = RESOURCE_TABLES.loadbalancers.toResource(loadBalancer).listeners as { id: string }[];
    return { stats: await this.sumOfListeners(listeners.map((listener) => listener.id)) };
  }

  /** Every project that owns an object of any collection (v1 or v2). */
  async projects(): Promise<ProjectsReply> {
    const owned = Object.values(RESOURCE_TABLES)
      .filter((table) => table.fields.has('tenant_id'))
      .map((table) => `SELECT DISTINCT tenant_id FROM ${table.collection}`);
    const rows = (await this.db.query(`${owned.join(' UNION ')} ORDER BY tenant_id`)) as { tenant_id: string }[];
    return { projects: rows.map((row) => row.tenant_id) };
  }

  private async sumOfListeners(listenerIds: readonly string[]): Promise<OctaviaStats> {
    const stats: { -readonly [K in keyof OctaviaStats]: number } = {
      bytes_in: 0,
      bytes_out: 0,
      active_connections: 0,
      total_connections: 0,
      request_errors: 0,
    };
    if (listenerIds.length === 0) return stats;
    const samples = await this.db.getRepository(ListenerStats).findBy({ listener_id: In([...listenerIds]) });
    for (const sample of samples) for (const key of Object.keys(stats) as (keyof OctaviaStats)[]) stats[key] += sample[key];
    return stats;
  }

  private get dialect(): SqlDialect {
    return this.db.options.type === 'postgres' ? 'postgres' : 'sqlite';
  }

  /**
   * Rows the tenant may see (null = admin, every row). Like Neutron's default policy, shared
   * and external networks are visible to every tenant, and so are the subnets of shared ones.
   */
  private visible(collection: Collection, tenantId: string | null): SelectQueryBuilder<ResourceRow> {
    const builder = this.db.createQueryBuilder(RESOURCE_TABLES[collection].entity, 'r');
    if (tenantId === null) return builder;
    const params = { tenant: tenantId, yes: true };
    if (collection === 'networks') {
      return builder.where(
        new Brackets((or) => or.where('r.tenant_id = :tenant', params).orWhere('r.shared = :yes').orWhere('r.router_external = :yes')),
      );
    }
    if (collection === 'subnets') {
      const shared = builder.subQuery().select('n.id').from(RESOURCE_TABLES.networks.entity, 'n').where('n.shared = :yes').getQuery();
      return builder.where(new Brackets((or) => or.where('r.tenant_id = :tenant', params).orWhere(`r.network_id IN ${shared}`)));
    }
    if (collection === 'amphorae') {
      // An amphora is its load balancer's: a project sees the amphorae of its own load balancers.
      const own = builder
        .subQuery()
        .select('l.id')
        .from(RESOURCE_TABLES.loadbalancers.entity, 'l')
        .where('l.tenant_id = :tenant')
        .getQuery();
      return builder.where(`r.loadbalancer_id IN ${own}`, params);
    }
    // A collection without tenants (nodes) belongs to no project.
    if (!RESOURCE_TABLES[collection].fields.has('tenant_id')) return builder.where('1 = 0');
    return builder.where('r.tenant_id = :tenant', params);
  }
}
