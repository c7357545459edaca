import {
  builtService,
  freePort,
  makeTestCa,
  parsePrometheusText,
  type PrometheusSample,
  sampleValue,
  type ServiceProcess,
  spawnService,
  type Stack,
  startStack,
  waitFor,
} from '@lbaas/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Certificate, NeutronApi, type Pool, type Vip } from '../acceptance/neutron-api';

/** A JSON log line as the services write them (pino); only what the test reads. */
interface LogLine {
  service?: string;
  msg?: string;
  correlationId?: string;
  causationId?: string | null;
}

const logLines = (p: ServiceProcess): LogLine[] =>
  p
    .logs()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as LogLine);

/**
 * Observability as an operator sees it: every service of a running stack (api, projections,
 * scheduler, config renderer, two node agents with the fake driver, audit, dashboard) answers
 * Prometheus scrapes, and a request's X-Openstack-Request-Id can be followed through the JSON
 * logs of every service that acted on it.
 */
describe('metrics and request correlation across the services', () => {
  let stack: Stack;
  let demo: NeutronApi;
  let dir: string;
  const processes = new Map<string, ServiceProcess>();
  /** Where each service answers /metrics, by the `service` label it must carry. */
  const scrapes: { service: string; url: string; node?: string }[] = [];
  let vipRequestId: string;
  let vip: Vip;

  const scrape = async (url: string): Promise<PrometheusSample[]> => {
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return parsePrometheusText(await res.text());
  };
  const sum = (samples: readonly PrometheusSample[], name: string, labels: Record<string, string>): number =>
    samples
      .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
      .reduce((total, s) => total + s.value, 0);

  beforeAll(async () => {
    stack = await startStack();
    demo = new NeutronApi(stack.apiUrl, stack.tokens.demo.token);
    dir = mkdtempSync(join(tmpdir(), 'lbt-observe-'));
    scrapes.push({ service: 'api', url: `${stack.apiUrl}/metrics` }, { service: 'projections', url: `${stack.projectionsUrl}/metrics` });
    const env = { LBAAS_NATS_URL: stack.nats.url, LBAAS_LOG_LEVEL: 'info', LBAAS_HEALTH_HOST: '127.0.0.1' };
    const start = async (
      name: string,
      service: string,
      script: string,
      extra: Record<string, string>,
      args: string[] = [],
      node?: string,
    ): Promise<void> => {
      const port = await freePort();
      processes.set(name, spawnService(name, script, { ...env, ...extra, LBAAS_HEALTH_PORT: String(port) }, args));
      scrapes.push({ service, url: `http://127.0.0.1:${port}/metrics`, node });
    };
    await start('scheduler', 'scheduler', builtService('scheduler'), { LBAAS_LEASE_TTL_MS: '1000' });
    await start('config-renderer', 'config-renderer', builtService('config-renderer'), {
      LBAAS_LEASE_TTL_MS: '1000',
      LBAAS_SECRET_KEY_FILE: join(dir, 'secret.key'),
      LBAAS_RUN_DIR: '/run/lbaas',
    });
    for (const node of ['observe-1', 'observe-2']) {
      await start(node, 'node-agent', builtService('node-agent'), { LBAAS_NODE_DRIVER: 'fake', LBAAS_HEARTBEAT_MS: '300' }, [node], node);
    }
    await start('audit', 'audit', builtService('audit'), { LBAAS_AUDIT_DB: join(dir, 'audit.sqlite') });
    await start('dashboard', 'dashboard', builtService('dashboard'), { LBAAS_TOKENS_FILE: join(stack.dir, 'tokens.json') });
    await waitFor(
      'every service ready',
      async () => {
        const ready = await Promise.all(
          scrapes.map(async ({ url }) => (await fetch(url.replace(/\/metrics$/, '/readyz')).catch(() => null))?.ok === true),
        );
        return ready.every(Boolean);
      },
      60_000,
      200,
    );
    const admin = demo.as(stack.tokens.admin.token);
    await waitFor(
      'both node agents registered',
      async () => {
        const reply = await admin.get<{ nodes: { id: string; status: string }[] }>('/v2.0/lb/nodes');
        return reply.status === 200 && reply.body.nodes.filter((n) => n.status === 'UP').length === 2;
      },
      60_000,
      200,
    );

    const net = await demo.create<{ id: string }>('/v2.0/networks', 'network', { name: 'observed' });
    const subnet = await demo.create<{ id: string }>('/v2.0/subnets', 'subnet', {
      network_id: net.id,
      cidr: '198.18.7.0/24',
      ip_version: 4,
    });
    const pool = await demo.create<Pool>('/v2.0/lb/pools', 'pool', {
      name: 'observed',
      subnet_id: subnet.id,
      protocol: 'HTTP',
      lb_method: 'ROUND_ROBIN',
    });
    for (const address of ['198.18.7.10', '198.18.7.11']) {
      await demo.create('/v2.0/lb/members', 'member', { pool_id: pool.id, address, protocol_port: 8080 });
    }
    const reply = await demo.post<{ vip: Vip }>('/v2.0/lb/vips', {
      vip: { name: 'observed', subnet_id: subnet.id, protocol: 'HTTP', protocol_port: 80, pool_id: pool.id },
    });
    expect(reply.status).toBe(201);
    vip = reply.body.vip;
    vipRequestId = reply.headers.get('x-openstack-request-id') ?? '';
    expect(vipRequestId).toMatch(/^req-[0-9a-f-]{36}$/);
    await waitFor(
      'the VIP ACTIVE on its fake placements',
      async () => (await demo.get<{ vip: Vip }>(`/v2.0/lb/vips/${vip.id}`)).body.vip?.status === 'ACTIVE',
      60_000,
      200,
    );
  }, 240_000);

  afterAll(async () => {
    await Promise.all([...processes.values()].map((p) => p.stop()));
    await stack?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it("follows the VIP request's id through the logs of the api, the scheduler, the config renderer and the node agents", async () => {
    const carrying = (p: ServiceProcess) => logLines(p).filter((l) => l.correlationId === vipRequestId);
    const agents = ['observe-1', 'observe-2'].map((n) => processes.get(n) as ServiceProcess);
    // The node agents log what they appended after the VIP turned ACTIVE in the API, so wait for the lines rather than expect them.
    await waitFor(
      'the request id in every log',
      () =>
        ['scheduler', 'config-renderer'].every((n) => carrying(processes.get(n) as ServiceProcess).length > 0) &&
        agents.some((a) => carrying(a).some((l) => l.msg === 'placement applied')),
      30_000,
      100,
    );

    expect(carrying(stack.services.api)).toContainEqual(expect.objectContaining({ service: 'api', msg: 'request' }));
    const scheduler = carrying(processes.get('scheduler') as ServiceProcess);
    expect(scheduler).toContainEqual(expect.objectContaining({ msg: 'event' }));
    // What the scheduler appended in response names the event that caused it.
    expect(scheduler).toContainEqual(expect.objectContaining({ msg: 'CreateServiceInstance', causationId: expect.any(String) }));
    expect(scheduler).toContainEqual(expect.objectContaining({ msg: 'PlaceInstance' }));
    expect(carrying(processes.get('config-renderer') as ServiceProcess)).toContainEqual(
      expect.objectContaining({ service: 'config-renderer', msg: 'InstanceConfigRendered', causationId: expect.any(String) }),
    );
    const agentLines = agents.flatMap(carrying);
    expect(agentLines).toContainEqual(expect.objectContaining({ service: 'node-agent', msg: 'event' }));
    expect(agentLines).toContainEqual(expect.objectContaining({ service: 'node-agent', msg: 'placement applied' }));
  });

  it('serves /metrics in the Prometheus text format on every service, labelled with the service', async () => {
    for (const { service, url, node } of scrapes) {
      const samples = await scrape(url);
      expect(sampleValue(samples, 'process_cpu_user_seconds_total', { service, ...(node ? { node } : {}) })).toBeGreaterThan(0);
    }
  });

  it('times API requests by route template, never by id', async () => {
    await demo.get(`/v2.0/lb/vips/${vip.id}`);
    const samples = await scrape(`${stack.apiUrl}/metrics`);
    const count = 'lbaas_http_request_duration_seconds_count';
    expect(sampleValue(samples, count, { method: 'POST', route: '/v2.0/lb/vips', status: '201' })).toBe(1);
    expect(sampleValue(samples, count, { method: 'POST', route: '/v2.0/lb/members', status: '201' })).toBe(2);
    expect(sampleValue(samples, count, { method: 'GET', route: '/v2.0/lb/vips/{id}', status: '200' })).toBeGreaterThan(0);
    expect(samples.some((s) => Object.values(s.labels).some((v) => v.includes(vip.id)))).toBe(false);
  });

  it('counts the events each service appended, by type', async () => {
    const appended = async (service: string, type: string): Promise<number> => {
      const urls = scrapes.filter((s) => s.service === service).map((s) => s.url);
      return (await Promise.all(urls.map(async (url) => sum(await scrape(url), 'lbaas_events_appended_total', { type })))).reduce(
        (a, b) => a + b,
        0,
      );
    };
    expect(await appended('api', 'VipCreated')).toBe(1);
    expect(await appended('api', 'MemberAdded')).toBe(2);
    expect(await appended('scheduler', 'ServiceInstanceCreated')).toBe(1);
    expect(await appended('scheduler', 'InstancePlaced')).toBe(2);
    expect(await appended('config-renderer', 'InstanceConfigRendered')).toBeGreaterThan(0);
    // The VIP is ACTIVE once its active placement is applied; the standby's InstanceApplied may follow it.
    await waitFor('both placements applied', async () => (await appended('node-agent', 'InstanceApplied')) >= 2, 30_000, 100);
    expect(await appended('node-agent', 'VipStatusChanged')).toBe(1);
  });

  it('counts what every consumer handled, and its lag drops to 0 once it has caught up', async () => {
    const consumers = scrapes.filter((s) => s.service !== 'api');
    await waitFor(
      'every consumer caught up',
      async () => {
        const lags = await Promise.all(consumers.map(async ({ url }) => sampleValue(await scrape(url), 'lbaas_consumer_lag')));
        return lags.every((lag) => lag === 0);
      },
      30_000,
      200,
    );
    for (const { service, url } of consumers) {
      const samples = await scrape(url);
      expect({ service, vipCreated: sum(samples, 'lbaas_events_consumed_total', { type: 'VipCreated' }) }).toEqual({
        service,
        vipCreated: 1,
      });
      expect(sampleValue(samples, 'lbaas_consumer_position', { service })).toBeGreaterThan(0);
    }
  });

  it("reports the node agents' reconcile passes and declares the HAProxy pool counters", async () => {
    for (const { url } of scrapes.filter((s) => s.service === 'node-agent')) {
      const res = await fetch(url);
      const text = await res.text();
      const samples = parsePrometheusText(text);
      expect(sampleValue(samples, 'lbaas_reconcile_pass_duration_seconds_count', { pass: 'full' })).toBeGreaterThan(0);
      // The fake driver runs no HAProxy: the counters are declared, with no pool to report yet.
      for (const name of ['bytes_in', 'bytes_out', 'current_sessions', 'total_sessions'])
        expect(text).toContain(`# TYPE lbaas_haproxy_pool_${name} gauge`);
    }
  });

  it('reports when each tenant certificate expires, from the projections, until it is deleted', async () => {
    const ca = await makeTestCa(join(dir, 'ca'));
    const issued = await ca.issue(['www.lbaas.test']);
    const certificate = await demo.create<Certificate>('/v2.0/lb/certificates', 'certificate', {
      name: 'www',
      certificate: issued.certificatePem,
      private_key: issued.privateKeyPem,
    });
    const labels = { service: 'projections', certificate_id: certificate.id, tenant_id: certificate.tenant_id };
    const expiry = async (): Promise<number | undefined> =>
      sampleValue(await scrape(`${stack.projectionsUrl}/metrics`), 'lbaas_certificate_not_after_seconds', labels);
    // A write answers before the projections have folded it; the gauge follows them.
    await waitFor(
      'the expiry of the new certificate',
      async () => (await expiry()) === Date.parse(certificate.not_after) / 1000,
      10_000,
      100,
    );
    expect((await demo.delete(`/v2.0/lb/certificates/${certificate.id}`)).status).toBe(204);
    await waitFor('no expiry for the deleted certificate', async () => (await expiry()) === undefined, 10_000, 100);
  });
});
