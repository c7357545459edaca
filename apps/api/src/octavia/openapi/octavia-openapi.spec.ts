import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OCTAVIA_ROUTES } from '../http/octavia-routes';
import { octaviaBodySchemas } from '../http/octavia-schemas';
import { octaviaOpenApiDocument } from './octavia-openapi';

type Doc = { paths: Record<string, Record<string, { operationId: string; requestBody?: unknown; 'x-policy-rule'?: string }>> };

describe('the v2 OpenAPI document', () => {
  const doc = octaviaOpenApiDocument() as Doc;

  it.each(OCTAVIA_ROUTES.map((r) => [r.method, r.path, r] as const))('documents %s %s with its rule', (method, path, route) => {
    const op = doc.paths[path]?.[method.toLowerCase()];
    expect(op?.operationId).toBe(route.operationId);
    expect(op?.['x-policy-rule']).toBe(route.rule);
    expect(op?.requestBody !== undefined).toBe(route.body !== undefined);
  });

  it('documents every body schema that validates requests', () => {
    const used = new Set(OCTAVIA_ROUTES.flatMap((r) => (r.body ? [r.body.schema] : [])));
    expect([...used].sort()).toEqual(Object.keys(octaviaBodySchemas).sort());
  });

  it('is what docs/openapi-octavia.json holds (regenerate: npm run openapi)', () => {
    const committed: unknown = JSON.parse(
      readFileSync(join(__dirname, '..', '..', '..', '..', '..', 'docs', 'openapi-octavia.json'), 'utf8'),
    );
    expect(committed).toEqual(JSON.parse(JSON.stringify(doc)));
  });
});
