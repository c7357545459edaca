import { methodLabel, routeTemplateOf } from './http-metrics';

const ID = '6f1c0d2e-7a4b-4c1d-9e8f-0a1b2c3d4e5f';

describe('routeTemplateOf', () => {
  it.each([
    { desc: 'a collection', method: 'GET', path: '/v2.0/lb/pools', route: '/v2.0/lb/pools' },
    { desc: 'an object, never its id', method: 'PUT', path: `/v2.0/lb/pools/${ID}`, route: '/v2.0/lb/pools/{id}' },
    {
      desc: 'a nested route',
      method: 'DELETE',
      path: `/v2.0/lb/pools/${ID}/health_monitors/${ID}`,
      route: '/v2.0/lb/pools/{id}/health_monitors/{monitor_id}',
    },
    { desc: 'the format suffix', method: 'GET', path: `/v2.0/lb/vips/${ID}.json`, route: '/v2.0/lb/vips/{id}' },
    { desc: 'a trailing slash', method: 'GET', path: '/v2.0/networks/', route: '/v2.0/networks' },
    { desc: 'a method the path does not allow', method: 'PATCH', path: `/v2.0/lb/members/${ID}`, route: '/v2.0/lb/members/{id}' },
    { desc: 'the health check', method: 'GET', path: '/readyz', route: '/readyz' },
    { desc: 'the OpenAPI document', method: 'GET', path: '/docs/openapi.json', route: '/docs/openapi.json' },
    { desc: 'discovery', method: 'GET', path: '/v2.0.json', route: '/v2.0' },
    { desc: 'an extension, never its alias', method: 'GET', path: '/v2.0/extensions/lbaas', route: '/v2.0/extensions/{alias}' },
    { desc: 'an unknown path, never itself', method: 'GET', path: `/v2.0/lb/${ID}/nothing`, route: 'unmatched' },
  ])('names $desc', ({ method, path, route }) => {
    expect(routeTemplateOf(method, path)).toBe(route);
  });
});

// What /metrics serves and what it counts is tested through the api's HTTP edge (http/api-edge.spec.ts).
describe('methodLabel', () => {
  it.each([
    ['GET', 'GET'],
    ['PATCH', 'PATCH'],
    ['PROPFIND', 'OTHER'],
    ['TRACE', 'OTHER'],
  ])('labels %s as %s', (method, label) => {
    expect(methodLabel(method)).toBe(label);
  });
});
