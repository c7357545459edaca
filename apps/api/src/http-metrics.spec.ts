import { ServiceMetrics } from '@lbaas/service-shell';
import { parsePrometheusText, sampleValue } from '@lbaas/testing';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { apiMetricsMiddleware, routeTemplateOf } from './http-metrics';

const ID = '6f1c0d2e-7a4b-4c1d-9e8f-0a1b2c3d4e5f';

describe('routeTemplateOf', () => {
  it.each([
    { desc: 'a collection', method: 'GET', path: '/v2.0/lb/pools', route: '/v2.0/lb/pools' },
    { desc: 'an object, never its id', method: 'PUT', path: `/v2.0/lb/pools/${ID}`, route: '/v2.0/lb/pools/{id}' },
    { desc: 'a nested route', method: 'DELETE', path: `/v2.0/lb/pools/${ID}/health_monitors/${ID}`, route: '/v2.0/lb/pools/{id}/health_monitors/{monitor_id}' },
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

describe('apiMetricsMiddleware', () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    const middleware = apiMetricsMiddleware(new ServiceMetrics('api'));
    // Stands in for the Neutron handler behind it.
    server = createServer((req, res) => middleware(req, res, () => {
      res.writeHead(req.url?.startsWith('/v2.0/lb/pools/') ? 404 : 200).end();
    }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('counts every answered request by method, route template and status, and serves them at /metrics', async () => {
    await fetch(`${base}/v2.0/lb/pools`);
    await fetch(`${base}/v2.0/lb/pools?name=web`);
    await fetch(`${base}/v2.0/lb/pools/${ID}`);
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    const samples = parsePrometheusText(text);
    const count = 'lbaas_http_request_duration_seconds_count';
    expect(sampleValue(samples, count, { method: 'GET', route: '/v2.0/lb/pools', status: '200', service: 'api' })).toBe(2);
    expect(sampleValue(samples, count, { method: 'GET', route: '/v2.0/lb/pools/{id}', status: '404' })).toBe(1);
    expect(text).not.toContain(ID);
    expect(samples.filter((s) => s.labels.route === '/metrics')).toEqual([]);
  });
});
