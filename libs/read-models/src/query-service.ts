import type { Collection } from '@lbaas/domain';
import { Brackets, type DataSource, type SelectQueryBuilder } from 'typeorm';
import type { GetQuery, GetReply, ListQuery, ListReply, PoolStatsQuery, PoolStatsReply, QueryError } from './query-contract';
import { PoolStats } from './tables/bookkeeping-tables';
import { type FieldSpec, isCollection, RESOURCE_TABLES, type ResourceRow } from './tables/resource-tables';

const queryError = (status: number, type: string, message: string): QueryError => ({ error: { type, message, status } });

type Coerced = { readonly values: unknown[] } | QueryError;

/** Neutron converts a filter value by the attribute's type and rejects what does not convert. */
function coerceFilter(name: string, spec: FieldSpec, raw: readonly string[]): Coerced {
  const values: unknown[] = [];
  for (const value of raw) {
    if (spec.type === 'string') values.push(value);
    else if (spec.type === 'integer') {
      if (!/^[-+]?\d{1,15}$/.test(value.trim())) {
        return queryError(400, 'InvalidInput', `Invalid input for operation: '${value}' is not an integer (filter ${name}).`);
      }
      values.push(Number(value));
    } else {
      const lowered = value.trim().toLowerCase();
      if (lowered === 'true' || lowered === '1') values.push(true);
      else if (lowered === 'false' || lowered === '0') values.push(false);
      else
        return queryError(400, 'InvalidInput', `Invalid input for operation: '${value}' cannot be converted to boolean (filter ${name}).`);
    }
  }
  return { values };
}

/** `?fields=a&fields=b` keeps exactly the asked fields that exist; no fields keeps all. */
function project(resource: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  if (fields.length === 0) return resource;
  const projected: Record<string, unknown> = {};
  for (const name of fields) if (Object.prototype.hasOwnProperty.call(resource, name)) projected[name] = resource[name];
  return projected;
}

/**
 * Answers the api's reads from the read-model tables: tenant scoping as Neutron's default
 * policy has it, filters on any scalar field, `fields` projection, ordered by id.
 */
export class QueryService {
  constructor(private readonly db: DataSource) {}

  async list(query: ListQuery): Promise<ListReply> {
    if (!isCollection(query.collection)) return queryError(400, 'InvalidInput', `Unknown collection ${String(query.collection)}.`);
    const table = RESOURCE_TABLES[query.collection];
    const builder = this.visible(query.collection, query.tenantId);
    let index = 0;
    for (const [name, raw] of Object.entries(query.filters)) {
      const spec = table.fields.get(name);
      // Neutron ignores filters it does not know and cannot filter on lists or objects.
      if (!spec || spec.type === 'json' || raw.length === 0) continue;
      const coerced = coerceFilter(name, spec, raw);
      if ('error' in coerced) return coerced;
      const parameter = `filter${index++}`;
      builder.andWhere(`r.${spec.column} IN (:...${parameter})`, { [parameter]: coerced.values });
    }
    const order: { column: string; dir: 'asc' | 'desc' }[] = [];
    for (const { key, dir } of query.sort ?? []) {
      const spec = table.fields.get(key);
      if (!spec || spec.type === 'json') return queryError(400, 'HTTPBadRequest', `Attribute '${key}' not allowed in sort.`);
      if (key !== 'id') order.push({ column: spec.column, dir });
    }
    order.push({ column: 'id', dir: query.sort?.find((s) => s.key === 'id')?.dir ?? 'asc' });
    const page = query.page;
    // Reading backwards (page_reverse) flips every direction; the page is put back in order below.
    const flip = (dir: 'asc' | 'desc'): 'ASC' | 'DESC' => ((dir === 'asc') !== !!page?.pageReverse ? 'ASC' : 'DESC');
    if (page?.marker) {
      // Only a row the tenant may see can be a marker: another tenant's id must fail like a missing one.
      const marker = await this.visible(query.collection, query.tenantId).andWhere('r.id = :marker', { marker: page.marker }).getOne();
      if (!marker) return queryError(400, 'HTTPBadRequest', `Invalid marker ${page.marker}: no such ${query.collection} item.`);
      const values = marker as unknown as Record<string, unknown>;
      // Keyset pagination: rows strictly after the marker in the (possibly flipped) sort order.
      builder.andWhere(
        new Brackets((or) => {
          order.forEach((o, i) => {
            or.orWhere(
              new Brackets((and) => {
                order
                  .slice(0, i)
                  .forEach((prev, j) => and.andWhere(`r.${prev.column} = :m${i}_${j}`, { [`m${i}_${j}`]: values[prev.column] }));
                and.andWhere(`r.${o.column} ${flip(o.dir) === 'ASC' ? '>' : '<'} :m${i}`, { [`m${i}`]: values[o.column] });
              }),
            );
          });
        }),
      );
    }
    order.forEach((o, i) => (i === 0 ? builder.orderBy(`r.${o.column}`, flip(o.dir)) : builder.addOrderBy(`r.${o.column}`, flip(o.dir))));
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
    return builder.where('r.tenant_id = :tenant', params);
  }
}
