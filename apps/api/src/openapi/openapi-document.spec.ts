import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROUTES } from '../http/route-table';
import { bodySchemas } from '../http/schemas';
import { openApiDocument } from './openapi-document';

type Doc = { paths: Record<string, Record<string, { operationId: string; requestBody?: unknown }>> };

describe('the OpenAPI document', () => {
  const doc = openApiDocument() as Doc;

  it.each(ROUTES.map((r) => [r.method, r.path, r] as const))('documents %s %s', (method, path, route) => {
    const op = doc.paths[path]?.[method.toLowerCase()];
    expect(op?.operationId).toBe(route.operationId);
    expect(op?.requestBody !== undefined).toBe(route.body !== undefined);
  });

  it.each(ROUTES.map((r) => [r.method, r.path, r] as const))(
    'documents a 403 on %s %s when a role may be refused',
    (method, path, route) => {
      const responses = (doc.paths[path]?.[method.toLowerCase()] as { responses?: Record<string, unknown> } | undefined)?.responses ?? {};
      expect('403' in responses).toBe(method !== 'GET' || route.adminOnly === true);
    },
  );

  it('documents every body schema that validates requests', () => {
    const used = new Set(ROUTES.flatMap((r) => (r.body ? [r.body.schema] : [])));
    expect([...used].sort()).toEqual(Object.keys(bodySchemas).sort());
  });

  it('is what docs/openapi.json holds (regenerate: npm run openapi)', () => {
    const committed: unknown = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', '..', 'docs', 'openapi.json'), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(doc)));
  });
});
