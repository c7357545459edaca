import type { Collection } from '@lbaas/domain';
import { Brackets, type DataSource, type SelectQueryBuilder } from 'typeorm';
import type {
  GetQuery, GetReply, ListQuery, ListReply, PoolStatsQuery, PoolStatsReply, QueryError,
} from './query-contract';
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
      else return queryError(400, 'InvalidInput', `Invalid input for operation: '${value}' cannot be converted to boolean (filter ${name}).`);
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
    const rows = await builder.orderBy('r.id', 'ASC').getMany();
    return { items: rows.map((row) => project(table.toResource(row), query.fields)) };
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
