import { type CollectionName, LIST_PATHS, type NeutronApi } from './neutron-api';

/**
 * The api's routes as its OpenAPI document states them. The document is generated from the
 * route table that also routes requests, so a spec that walks these walks every route, new
 * ones included, without importing the code under test.
 */

/** The part of JSON Schema the request bodies use. */
export interface JsonSchema {
  readonly type?: string;
  readonly format?: string;
  readonly pattern?: string;
  readonly const?: unknown;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly anyOf?: readonly JsonSchema[];
  readonly required?: readonly string[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly items?: JsonSchema;
}

interface OpenApiOperation {
  readonly operationId: string;
  /** Set on the routes only administrators may call: operator views, and writes such as resealing a certificate. */
  readonly 'x-admin-only'?: boolean;
  readonly responses: Readonly<Record<string, unknown>>;
  readonly requestBody?: { readonly content: { readonly 'application/json': { readonly schema: JsonSchema } } };
}
export interface OpenApiDocument {
  readonly paths: Readonly<Record<string, Readonly<Record<string, OpenApiOperation>>>>;
}

export interface Operation {
  readonly operationId: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** With `{id}`-style parameters. */
  readonly path: string;
  /** The collection whose ids `{id}` takes; undefined for operator views, which are not in LIST_PATHS. */
  readonly collection?: CollectionName;
  /** Only administrators may call it (`x-admin-only`): a member gets 403 whatever the ids. */
  readonly adminOnly: boolean;
  /** The envelope key, the schema of what it holds, and the schema of the whole body. */
  readonly body?: { readonly key: string; readonly schema: JsonSchema; readonly envelope: JsonSchema };
}

/** Body properties that name another object, and the collection they name. */
export const REFERENCES: Readonly<Record<string, CollectionName>> = {
  network_id: 'networks',
  floating_network_id: 'networks',
  subnet_id: 'subnets',
  pool_id: 'pools',
  port_id: 'ports',
  id: 'health_monitors',
  tls_certificate_id: 'certificates',
};
/** Optional references every request of a spec names anyway, so that the objects they name are checked too. */
export const ALWAYS_NAMED: readonly string[] = ['tls_certificate_id'];
/** Path parameters, and the collection they name (`{id}` names the route's own). */
export const PATH_REFERENCES: Readonly<Record<string, CollectionName>> = { monitor_id: 'health_monitors' };

export async function documentedOperations(anonymous: NeutronApi): Promise<Operation[]> {
  const reply = await anonymous.get<OpenApiDocument>('/docs/openapi.json');
  if (reply.status !== 200) throw new Error(`GET /docs/openapi.json: ${reply.status} ${reply.text}`);
  return Object.entries(reply.body.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]): Operation => {
      const collection = (Object.entries(LIST_PATHS) as [CollectionName, string][]).find(
        ([, base]) => path === base || path.startsWith(`${base}/`),
      )?.[0];
      const envelope = op.requestBody?.content['application/json'].schema;
      const key = envelope?.required?.[0];
      const schema = key === undefined ? undefined : envelope?.properties?.[key];
      return {
        operationId: op.operationId,
        method: method.toUpperCase() as Operation['method'],
        path,
        collection,
        adminOnly: op['x-admin-only'] === true,
        body: key !== undefined && schema !== undefined && envelope !== undefined ? { key, schema, envelope } : undefined,
      };
    }),
  );
}

export const isUuidReference = (schema: JsonSchema): boolean => schema.format === 'uuid' || (schema.anyOf ?? []).some(isUuidReference);

/** The collection a path parameter of `op` names, or undefined for an operator view's free-form id. */
export function pathParameterCollection(op: Operation, param: string): CollectionName | undefined {
  const collection = param === 'id' ? op.collection : PATH_REFERENCES[param];
  if (collection === undefined && !op.adminOnly) throw new Error(`${op.operationId}: no collection known for path parameter {${param}}`);
  return collection;
}

export const pathParameters = (op: Operation): string[] => [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
