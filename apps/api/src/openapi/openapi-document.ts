import { type TSchema, Type } from '@sinclair/typebox';
import { ROUTES } from '../http/route-table';
import { bodySchemas } from '../http/schemas';

const NeutronError = Type.Object({
  NeutronError: Type.Object({ type: Type.String(), message: Type.String(), detail: Type.String() }),
});

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/NeutronError' } } },
});

/** Strips TypeBox's symbol keys and `$id`s so the schema is plain JSON for the document. */
const plain = (schema: TSchema): object => JSON.parse(JSON.stringify(schema)) as object;

let cached: object | undefined;

/** OpenAPI 3.1 for every route, generated from the same schemas that validate the requests. */
export function openApiDocument(): object {
  if (cached) return cached;
  const paths: Record<string, Record<string, object>> = {};
  for (const route of ROUTES) {
    const parameters = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    if (route.answers?.many) {
      parameters.push({ name: 'fields', in: 'query', required: false, schema: { type: 'string' } });
    }
    const responses: Record<string, object> = {
      [String(route.status)]:
        route.status === 204
          ? { description: 'Done.' }
          : {
              description: 'Success.',
              content: { 'application/json': { schema: { type: 'object', ...(route.answers ? { required: [route.answers.key] } : {}) } } },
            },
      400: errorResponse('Invalid input.'),
      401: errorResponse('Missing or unknown X-Auth-Token.'),
      404: errorResponse('Not found, or owned by another tenant.'),
    };
    if (route.method !== 'GET') responses[403] = errorResponse('The caller may only read (role reader).');
    if (route.adminOnly) responses[403] = errorResponse('Only administrators may call this.');
    if (route.method !== 'GET') responses[409] = errorResponse('Conflict with the current state.');
    // Writes without a documented body read one too (it must be empty), with the same bound.
    if (route.body || route.method === 'POST' || route.method === 'PUT') responses[413] = errorResponse('Body larger than 1 MiB.');
    const operation: Record<string, unknown> = {
      operationId: route.operationId,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      parameters,
      security: [{ token: [] }],
      responses,
      // Machine-readable, for clients and the black-box specs: a write may be refused to members too.
      ...(route.adminOnly ? { 'x-admin-only': true } : {}),
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
              properties: { [route.body.key]: plain(bodySchemas[route.body.schema]) },
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
      title: 'LBaaS: Neutron LBaaS v1 API',
      version: '1.0.0',
      description:
        'Pools, members, VIPs, health monitors and TLS certificates under /v2.0/lb/, with the networks, subnets, ports and floating IPs the workflow needs. ' +
        "A certificate's private key is sealed with the deployment's certificate key before it is stored and is never returned. " +
        'Errors use Neutron\'s {"NeutronError": {type, message, detail}}.',
    },
    servers: [{ url: 'http://127.0.0.1:9696' }],
    components: {
      securitySchemes: { token: { type: 'apiKey', in: 'header', name: 'X-Auth-Token' } },
      schemas: { NeutronError: plain(NeutronError) },
    },
    paths,
  };
  return cached;
}

export function openApiHtml(): string {
  const doc = openApiDocument() as { paths: Record<string, Record<string, { summary: string }>> };
  const rows = Object.entries(doc.paths)
    .flatMap(([path, ops]) =>
      Object.entries(ops).map(
        ([method, op]) => `<tr><td>${method.toUpperCase()}</td><td><code>${path}</code></td><td>${op.summary}</td></tr>`,
      ),
    )
    .join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>LBaaS API</title></head><body>
<h1>LBaaS: Neutron LBaaS v1 API</h1><p>The machine-readable document: <a href="/docs/openapi.json">/docs/openapi.json</a></p>
<table border="1" cellpadding="4"><tr><th>Method</th><th>Path</th><th>What</th></tr>
${rows}
</table></body></html>`;
}
