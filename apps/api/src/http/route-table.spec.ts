import { matchRoute, ROUTES } from './route-table';

const ID = '0f4d3e4a-6c2b-4a51-9b7e-2d8c1f0a9b31';
const HM = '5a9e7c12-3b4d-4e6f-8a1b-9c0d2e3f4a5b';

function operation(method: string, path: string): { operationId: string; params: Readonly<Record<string, string>> } | null {
  const matched = matchRoute(method, path);
  if (matched === null || 'allowed' in matched) return null;
  return { operationId: matched.route.operationId, params: matched.params };
}

describe('matchRoute', () => {
  it.each([
    ['GET', '/v2.0/lb/pools', 'listPools', {}],
    ['POST', '/v2.0/lb/pools', 'createPool', {}],
    ['GET', `/v2.0/lb/pools/${ID}`, 'showPool', { id: ID }],
    ['PUT', `/v2.0/lb/pools/${ID}`, 'updatePool', { id: ID }],
    ['DELETE', `/v2.0/lb/pools/${ID}`, 'deletePool', { id: ID }],
    ['GET', '/v2.0/lb/members', 'listMembers', {}],
    ['PUT', `/v2.0/lb/members/${ID}`, 'updateMember', { id: ID }],
    ['POST', '/v2.0/lb/vips', 'createVip', {}],
    ['DELETE', `/v2.0/lb/vips/${ID}`, 'deleteVip', { id: ID }],
    ['GET', '/v2.0/lb/health_monitors', 'listHealthMonitors', {}],
    ['PUT', `/v2.0/lb/health_monitors/${ID}`, 'updateHealthMonitor', { id: ID }],
    ['POST', `/v2.0/lb/pools/${ID}/health_monitors`, 'associateHealthMonitor', { id: ID }],
    ['DELETE', `/v2.0/lb/pools/${ID}/health_monitors/${HM}`, 'disassociateHealthMonitor', { id: ID, monitor_id: HM }],
    ['GET', `/v2.0/lb/pools/${ID}/stats`, 'showPoolStats', { id: ID }],
    ['GET', '/v2.0/networks', 'listNetworks', {}],
    ['POST', '/v2.0/subnets', 'createSubnet', {}],
    ['GET', `/v2.0/ports/${ID}`, 'showPort', { id: ID }],
    ['PUT', `/v2.0/floatingips/${ID}`, 'updateFloatingIp', { id: ID }],
    ['DELETE', `/v2.0/floatingips/${ID}`, 'deleteFloatingIp', { id: ID }],
  ])('routes %s %s to %s', (method, path, operationId, params) => {
    expect(operation(method, path)).toEqual({ operationId, params });
  });

  it.each([
    ['GET', '/v2.0/lb/pools.json', 'listPools', {}],
    ['POST', '/v2.0/lb/vips.json', 'createVip', {}],
    ['GET', `/v2.0/lb/pools/${ID}.json`, 'showPool', { id: ID }],
    ['DELETE', `/v2.0/lb/pools/${ID}/health_monitors/${HM}.json`, 'disassociateHealthMonitor', { id: ID, monitor_id: HM }],
    ['GET', `/v2.0/lb/pools/${ID}/stats.json`, 'showPoolStats', { id: ID }],
    ['PUT', `/v2.0/floatingips/${ID}.json`, 'updateFloatingIp', { id: ID }],
  ])('accepts the .json suffix of older clients: %s %s', (method, path, operationId, params) => {
    expect(operation(method, path)).toEqual({ operationId, params });
  });

  it('decodes percent-encoded parameters', () => {
    expect(operation('GET', '/v2.0/lb/pools/my%20pool')).toEqual({ operationId: 'showPool', params: { id: 'my pool' } });
  });

  it.each([
    ['PUT', '/v2.0/lb/pools', ['GET', 'POST']],
    ['PATCH', `/v2.0/lb/pools/${ID}`, ['GET', 'PUT', 'DELETE']],
    ['POST', `/v2.0/lb/pools/${ID}`, ['GET', 'PUT', 'DELETE']],
    ['POST', '/v2.0/ports', ['GET']],
    ['DELETE', `/v2.0/ports/${ID}`, ['GET']],
    ['PUT', `/v2.0/lb/pools/${ID}/stats`, ['GET']],
    ['GET', `/v2.0/lb/pools/${ID}/health_monitors`, ['POST']],
  ])('says which methods a known path allows: %s %s', (method, path, allowed) => {
    expect(matchRoute(method, path)).toEqual({ allowed });
  });

  it.each([
    '/v2.0/lb/pizzas',
    '/v2.0/lb',
    '/v2.0/lb/pools/',
    `/v2.0/lb/pools/${ID}/listeners`,
    `/v2.0/lb/pools/${ID}/health_monitors/${HM}/extra`,
    '/v2.0/lb/pools.xml',
    '/v3/lb/pools',
    '/lb/pools',
    '/v2.0/lb/pools/%E0%A4%A',
  ])('knows nothing of %s', (path) => {
    expect(matchRoute('GET', path)).toBeNull();
  });

  it('registers each method and path once', () => {
    const keys = ROUTES.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(new Set(ROUTES.map((r) => r.operationId)).size).toBe(ROUTES.length);
  });

  it('answers 201 to creates, 204 to deletes and 200 to the rest', () => {
    for (const route of ROUTES) {
      const expected = route.method === 'POST' ? 201 : route.method === 'DELETE' ? 204 : 200;
      expect([route.operationId, route.status]).toEqual([route.operationId, expected]);
    }
  });
});
