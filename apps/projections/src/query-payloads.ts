import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { Collection } from '@lbaas/domain';
import { type QueryError, RESOURCE_TABLES } from '@lbaas/read-models';

const Sequence = Type.Integer({ minimum: 0 });
const TenantId = Type.Union([Type.String({ maxLength: 255 }), Type.Null()]);
const CollectionName = Type.Union((Object.keys(RESOURCE_TABLES) as Collection[]).map((name) => Type.Literal(name)));
const Fields = Type.Array(Type.String({ maxLength: 255 }), { maxItems: 100 });
// Octavia's tags are at most 255 characters each.
const TagList = Type.Array(Type.String({ maxLength: 255 }), { maxItems: 1000 });

export const ListQuerySchema = Type.Object({
  collection: CollectionName,
  tenantId: TenantId,
  filters: Type.Record(Type.String({ maxLength: 255 }), Type.Array(Type.String({ maxLength: 1024 }), { maxItems: 1000 })),
  fields: Fields,
  minSeq: Sequence,
  tags: Type.Optional(Type.Object({ all: TagList, any: TagList, notAll: TagList, notAny: TagList })),
  sort: Type.Optional(
    Type.Array(Type.Object({ key: Type.String({ maxLength: 255 }), dir: Type.Union([Type.Literal('asc'), Type.Literal('desc')]) }), {
      maxItems: 16,
    }),
  ),
  page: Type.Optional(
    Type.Object({
      limit: Type.Integer({ minimum: 0 }),
      marker: Type.Union([Type.String({ maxLength: 255 }), Type.Null()]),
      pageReverse: Type.Boolean(),
    }),
  ),
});
export const GetQuerySchema = Type.Object({
  collection: CollectionName,
  id: Type.String({ maxLength: 255 }),
  tenantId: TenantId,
  fields: Fields,
  minSeq: Sequence,
});
export const PoolStatsQuerySchema = Type.Object({
  poolId: Type.String({ maxLength: 255 }),
  tenantId: TenantId,
  minSeq: Sequence,
});
export const ListenerStatsQuerySchema = Type.Object({
  listenerId: Type.String({ maxLength: 255 }),
  tenantId: TenantId,
  minSeq: Sequence,
});
export const LoadBalancerStatsQuerySchema = Type.Object({
  loadBalancerId: Type.String({ maxLength: 255 }),
  tenantId: TenantId,
  minSeq: Sequence,
});
export const ProjectsQuerySchema = Type.Object({ minSeq: Sequence });

/** A payload off the wire as the schema's type, or the QueryError that says what is wrong with it. */
export function parsePayload<S extends TSchema>(schema: S, payload: unknown): Static<S> | QueryError {
  if (Value.Check(schema, payload)) return payload;
  const first = Value.Errors(schema, payload).First();
  const where = first ? `${first.path || '/'}: ${first.message}` : 'malformed';
  return { error: { status: 400, type: 'InvalidQuery', message: `Invalid query payload (${where}).` } };
}

export const isQueryError = (value: unknown): value is QueryError => typeof value === 'object' && value !== null && 'error' in value;
