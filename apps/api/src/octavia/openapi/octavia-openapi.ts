import { type TSchema, Type } from '@sinclair/typebox';
import { OCTAVIA_ROUTES } from '../http/octavia-routes';
import { octaviaBodySchemas } from '../http/octavia-schemas';

const Fault = Type.Object({
  faultcode: Type.Union([Type.Literal('Client'), Type.Literal('Server')]),
  faultstring: Type.String(),
  debuginfo: Type.Null(),
});

const faultResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/OctaviaFault' } } },
});

/** Strips TypeBox's symbol keys so the schema is plain JSON for the document. */
const plain = (schema: TSchema): object => JSON.parse(JSON.stringify(schema)) as object;

const LIST_PARAMETERS = [
  'limit',
  'marker',
  'page_reverse',
  'sort',
  'sort_key',
  'sort_dir',
  'fields',
  'tags',
  'tags-any',
  'not-tags',
  'not-tags-any',
];

let cached: object | undefined;

/** OpenAPI 3.1 for every v2 route, generated from the same schemas that validate the requests (docs/openapi-octavia.json). */
export function octaviaOpenApiDocument(): object {
  if (cached) return cached;
  const paths: Record<string, Record<string, object>> = {};
  for (const route of OCTAVIA_ROUTES) {
    const parameters: object[] = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    if (route.answers?.many)
      parameters.push(...LIST_PARAMETERS.map((name) => ({ name, in: 'query', required: false, schema: { type: 'string' } })));
    if (route.operationId === 'deleteLoadbalancer')
      parameters.push({ name: 'cascade', in: 'query', required: false, schema: { type: 'boolean' } });
    if (route.operationId === 'replaceMembers')
      parameters.push({ name: 'additive_only', in: 'query', required: false, schema: { type: 'boolean' } });
    const responses: Record<string, object> = {
      [String(route.status)]:
        route.answers === undefined
          ? { description: route.status === 204 ? 'Done.' : 'Accepted.' }
          : { description: 'Success.', content: { 'application/json': { schema: { type: 'object', required: [route.answers.key] } } } },
      400: faultResponse('Invalid input.'),
      401: faultResponse('Missing or unknown X-Auth-Token.'),
      403: faultResponse("Policy does not allow this request to be performed (the rule, or another project's object)."),
      404: faultResponse('Not found.'),
    };
    if (route.method !== 'GET') responses[409] = faultResponse('Conflict with the current state.');
    if (route.method === 'POST' || route.method === 'PUT') responses[413] = faultResponse('Body larger than 1 MiB.');
    const operation: Record<string, unknown> = {
      operationId: route.operationId,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      parameters,
      security: [{ token: [] }],
      responses,
      'x-policy-rule': route.rule,
    };
    if (route.body) {
      operation.requestBody = {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              additionalProperties: false,
              required: [route.body.key],
              properties: { [route.body.key]: plain(octaviaBodySchemas[route.body.schema]) },
            },
          },
        },
      };
    }
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation;
  }
  cached = {
    openapi: '3.1.0',
    info: {
      title: 'LBaaS: Octavia v2 API',
      version: '2.26',
      description:
        'Load balancers, listeners, pools, members and health monitors under /v2/lbaas/ (and the /v2.0 alias), the provider and the amphorae (placements). ' +
        'Changes are accepted while an object is PENDING_*. Errors use Octavia\'s {"faultcode", "faultstring", "debuginfo"}. The version document is at /.',
    },
    servers: [{ url: 'http://127.0.0.1:9876' }],
    components: {
      securitySchemes: { token: { type: 'apiKey', in: 'header', name: 'X-Auth-Token' } },
      schemas: { OctaviaFault: plain(Fault) },
    },
    paths,
  };
  return cached;
}
