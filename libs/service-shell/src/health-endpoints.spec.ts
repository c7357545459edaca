import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveHealth } from './health-endpoints';
import { ServiceMetrics } from './service-metrics';

describe('serveHealth', () => {
  let server: Server;
  let notReady: string | null | Error;
  let base: string;

  beforeAll(async () => {
    server = await serveHealth({
      name: 'lb-test',
      host: '127.0.0.1',
      port: 0,
      notReady: () => {
        if (notReady instanceof Error) throw notReady;
        return notReady;
      },
      details: () => ({ issue: 4 }),
      metrics: new ServiceMetrics('lb-test'),
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    notReady = null;
  });

  const get = async (path: string, method = 'GET') => {
    const res = await fetch(`${base}${path}`, { method });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('answers /healthz with the service and its details', async () => {
    expect(await get('/healthz')).toEqual({ status: 200, body: { status: 'ok', service: 'lb-test', issue: 4 } });
  });

  it('is ready when nothing stands in the way', async () => {
    expect(await get('/readyz?verbose=1')).toEqual({ status: 200, body: { status: 'ready', service: 'lb-test', reason: null } });
  });

  it('says why it is not ready', async () => {
    notReady = 'NATS is not connected';
    expect(await get('/readyz')).toEqual({
      status: 503,
      body: { status: 'not ready', service: 'lb-test', reason: 'NATS is not connected' },
    });
  });

  it('is not ready when the readiness check itself fails', async () => {
    notReady = new Error('boom');
    expect(await get('/readyz')).toMatchObject({ status: 503, body: { status: 'not ready', reason: 'Error: boom' } });
  });

  it('answers /metrics in the Prometheus text format, labelled with the service', async () => {
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await res.text()).toMatch(/^process_cpu_user_seconds_total\{service="lb-test"\} \d/m);
  });

  it.each([
    { desc: 'an unknown path', path: '/varz', method: 'GET', status: 404 },
    { desc: 'a write', path: '/healthz', method: 'POST', status: 405 },
  ])('rejects $desc', async ({ path, method, status }) => {
    expect((await get(path, method)).status).toBe(status);
  });

  it('fails to start on a port that is taken, instead of crashing later', async () => {
    const port = (server.address() as AddressInfo).port;
    await expect(
      serveHealth({ name: 'lb-twin', host: '127.0.0.1', port, notReady: () => null, metrics: new ServiceMetrics('lb-twin') }),
    ).rejects.toThrow(/EADDRINUSE/);
  });
});
