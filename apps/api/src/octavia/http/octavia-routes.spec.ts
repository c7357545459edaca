import { canonicalPath, matchOctaviaRoute, OCTAVIA_ROUTES } from './octavia-routes';
import { octaviaRoutedUrl, octaviaRouteTemplate, OCTAVIA_UNROUTED_PATH, unroutedFault } from './octavia-target';

const ID = '0f4d3e4a-6c2b-4a51-9b7e-2d8c1f0a9b31';

describe('the v2 route table', () => {
  it('names each route once, every one with an Octavia rule', () => {
    const keys = OCTAVIA_ROUTES.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(new Set(OCTAVIA_ROUTES.map((r) => r.operationId)).size).toBe(OCTAVIA_ROUTES.length);
    for (const route of OCTAVIA_ROUTES) expect(route.rule).toMatch(/^os_load-balancer_api:[a-z0-9-]+:[a-z_-]+$/);
  });

  it.each(OCTAVIA_ROUTES.map((r) => [r.method, r.path] as const))('routes %s %s under /v2 and /v2.0', (method, path) => {
    const concrete = path.replace(/\{\w+\}/g, ID);
    expect(octaviaRoutedUrl(method, concrete)).toBe(concrete);
    expect(octaviaRoutedUrl(method, `${concrete.replace(/^\/v2/, '/v2.0')}/?x=1`)).toBe(`${concrete}?x=1`);
  });

  it('sends what it does not serve to one unrouted path', () => {
    expect(octaviaRoutedUrl('GET', '/v2/lbaas/nothing')).toBe(OCTAVIA_UNROUTED_PATH);
    expect(octaviaRoutedUrl('PATCH', '/v2/lbaas/loadbalancers')).toBe(OCTAVIA_UNROUTED_PATH);
    expect(octaviaRoutedUrl('GET', '/v2.0/lb/pools')).toBe(OCTAVIA_UNROUTED_PATH);
    expect(octaviaRoutedUrl('GET', '/')).toBe('/');
  });

  it('says 405 with the allowed methods, 404 otherwise', () => {
    expect(unroutedFault('PATCH', `/v2/lbaas/loadbalancers/${ID}`)).toMatchObject({
      status: 405,
      message: expect.stringContaining('allowed: GET, PUT, DELETE'),
    });
    expect(unroutedFault('POST', `/v2.0/lbaas/loadbalancers/${ID}/status`)).toMatchObject({ status: 405 });
    expect(unroutedFault('GET', '/v2/lbaas/l7policies')).toMatchObject({
      status: 404,
      message: 'The resource could not be found: /v2/lbaas/l7policies',
    });
  });

  it('labels metrics by route template, never by id', () => {
    expect(octaviaRouteTemplate('GET', `/v2.0/lbaas/pools/${ID}/members/${ID}`)).toBe('/v2/lbaas/pools/{pool_id}/members/{id}');
    expect(octaviaRouteTemplate('PATCH', `/v2/lbaas/listeners/${ID}`)).toBe('/v2/lbaas/listeners/{id}');
    expect(octaviaRouteTemplate('GET', '/v2/other')).toBe('unmatched');
  });

  it('keeps /v2.0 an alias of /v2 only as a whole segment', () => {
    expect(canonicalPath('/v2.0/lbaas/pools')).toBe('/v2/lbaas/pools');
    expect(canonicalPath('/v2.01/lbaas/pools')).toBe('/v2.01/lbaas/pools');
    expect(matchOctaviaRoute('GET', '/v2/lbaas/pools')).toMatchObject({ route: { operationId: 'listPools' } });
  });
});
