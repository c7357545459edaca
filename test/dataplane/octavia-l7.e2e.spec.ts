import { ensureFabric, inNamespace, plugNamespace, removeNamespaces } from '@lbaas/dataplane';
import { type ServiceProcess, type Stack, startBackend, startStack, waitFor, pipelineServices } from '@lbaas/testing';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NeutronApi } from '../acceptance/neutron-api';
import { RUN_PREFIX as PREFIX, sweepDeadRuns } from './run-fabric';

type Obj = Record<string, unknown> & { id: string };
const ROOT = process.getuid?.() === 0;
const [ADMITTED, REFUSED] = ['198.18.255.240', '198.18.255.241'];

/**
 * An Octavia load balancer's L7 policies and allowed CIDRs as a client sees them: HTTP from
 * client namespaces through the VIP to backend namespaces, over real HAProxy in namespaces.
 */
(ROOT ? describe : describe.skip)('L7 policies and allowed CIDRs through an Octavia load balancer (netns driver, two nodes)', () => {
  let stack: Stack;
  let v2: NeutronApi;
  let token: string;
  let runRoot: string;
  const services: ServiceProcess[] = [];
  const backends: ChildProcess[] = [];
  const clients = new Map<string, string>();
  let lb: Obj;
  let listener: Obj;
  let second: Obj;

  const ok = async <B>(reply: Promise<{ status: number; body: B; text: string }>, status = 200): Promise<B> => {
    const r = await reply;
    if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${r.text}`);
    return r.body;
  };
  const active = () =>
    waitFor(
      'the load balancer ACTIVE',
      async () => {
        const { loadbalancer } = await ok(v2.get<{ loadbalancer: Obj }>(`/v2/lbaas/loadbalancers/${lb.id}`));
        if (loadbalancer.provisioning_status === 'ERROR') throw new Error(`the load balancer went ERROR: ${JSON.stringify(loadbalancer)}`);
        return loadbalancer.provisioning_status === 'ACTIVE';
      },
      60_000,
      250,
    );
  /** `curl` from a client namespace: the status code, the Location and the body, or null when the connection failed. */
  const request = async (
    path: string,
    options: { from?: string; host?: string; headers?: string[] } = {},
  ): Promise<{ code: string; location: string; body: string } | null> => {
    const address = lb.vip_address as string;
    const args = ['-s', '-m', '3', '-o', '-', '-w', '\n%{http_code} %{redirect_url}', '-H', `Host: ${options.host ?? 'www.lbaas.test'}`];
    for (const h of options.headers ?? []) args.push('-H', h);
    try {
      const { stdout } = await inNamespace(
        clients.get(options.from ?? ADMITTED) ?? '',
        'curl',
        [...args, `http://${address}${path}`],
        6000,
      );
      const lines = stdout.trimEnd().split('\n');
      const [code, location = ''] = (lines.pop() ?? '').split(' ');
      return { code, location, body: lines.join('\n').trim() };
    } catch {
      return null;
    }
  };
  const policy = async (body: Record<string, unknown>): Promise<Obj> => {
    const created = (await ok(v2.post<{ l7policy: Obj }>('/v2/lbaas/l7policies', { l7policy: { listener_id: listener.id, ...body } }), 201))
      .l7policy;
    await active();
    return created;
  };

  beforeAll(async () => {
    await sweepDeadRuns();
    await ensureFabric(PREFIX);
    for (const [name, address] of [
      ['be-1', '198.18.2.11'],
      ['be-2', '198.18.2.12'],
    ])
      backends.push(startBackend(await plugNamespace(PREFIX, name, address), { name, address }));
    for (const address of [ADMITTED, REFUSED]) clients.set(address, await plugNamespace(PREFIX, `cl-${address.split('.')[3]}`, address));
    stack = await startStack();
    // Octavia's roles beside member, as Keystone users have them: the token file is read again when it changes.
    token = stack.tokens.lbdemo.token;
    v2 = new NeutronApi(stack.octaviaUrl, token);
    runRoot = mkdtempSync(join(tmpdir(), 'lbt-run-'));
    services.push(...(await pipelineServices({ natsUrl: stack.nats.url, runRoot, nodes: 2, driver: 'netns', prefix: PREFIX })));
    for (const s of services) s.start();
  }, 180_000);

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    for (const b of backends) b.kill('SIGKILL');
    await removeNamespaces(PREFIX);
    await stack?.stop();
    if (runRoot) rmSync(runRoot, { recursive: true, force: true });
  }, 60_000);

  it('serves an HTTP listener with its default pool', async () => {
    const neutron = new NeutronApi(stack.apiUrl, token);
    const network = (await ok(neutron.post<{ network: Obj }>('/v2.0/networks', { network: { name: 'l7' } }), 201)).network;
    const subnet = (
      await ok(neutron.post<{ subnet: Obj }>('/v2.0/subnets', { subnet: { network_id: network.id, cidr: '198.18.1.0/24' } }), 201)
    ).subnet;
    lb = (await ok(v2.post<{ loadbalancer: Obj }>('/v2/lbaas/loadbalancers', { loadbalancer: { vip_subnet_id: subnet.id } }), 201))
      .loadbalancer;
    await active();
    listener = (
      await ok(
        v2.post<{ listener: Obj }>('/v2/lbaas/listeners', { listener: { loadbalancer_id: lb.id, protocol: 'HTTP', protocol_port: 80 } }),
        201,
      )
    ).listener;
    await active();
    const first = (
      await ok(
        v2.post<{ pool: Obj }>('/v2/lbaas/pools', { pool: { listener_id: listener.id, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' } }),
        201,
      )
    ).pool;
    await active();
    await ok(v2.post(`/v2/lbaas/pools/${first.id}/members`, { member: { address: '198.18.2.11', protocol_port: 80 } }), 201);
    await active();
    second = (
      await ok(
        v2.post<{ pool: Obj }>('/v2/lbaas/pools', { pool: { loadbalancer_id: lb.id, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' } }),
        201,
      )
    ).pool;
    await active();
    await ok(v2.post(`/v2/lbaas/pools/${second.id}/members`, { member: { address: '198.18.2.12', protocol_port: 80 } }), 201);
    await active();
    await waitFor('be-1 through the VIP', async () => (await request('/'))?.body === 'be-1', 30_000, 250);
  }, 240_000);

  it('routes a PATH rule to the second pool, and nothing else', async () => {
    await policy({
      action: 'REDIRECT_TO_POOL',
      redirect_pool_id: second.id,
      rules: [{ type: 'PATH', compare_type: 'STARTS_WITH', value: '/api' }],
    });
    await waitFor('/api to be-2', async () => (await request('/api/v1'))?.body === 'be-2', 30_000, 250);
    expect((await request('/'))?.body).toBe('be-1');
    expect((await request('/apis'))?.body).toBe('be-2');
    expect((await request('/v1/api'))?.body).toBe('be-1');
  }, 120_000);

  it('routes by a HOST_NAME rule with a REGEX, compared without case', async () => {
    await policy({
      action: 'REDIRECT_TO_POOL',
      redirect_pool_id: second.id,
      rules: [{ type: 'HOST_NAME', compare_type: 'REGEX', value: '^beta[0-9]*\\.lbaas\\.test$' }],
    });
    await waitFor('beta to be-2', async () => (await request('/', { host: 'beta7.lbaas.test' }))?.body === 'be-2', 30_000, 250);
    expect((await request('/', { host: 'BETA.lbaas.test' }))?.body).toBe('be-2');
    expect((await request('/', { host: 'alpha.lbaas.test' }))?.body).toBe('be-1');
    expect((await request('/', { host: 'beta.lbaas.test.evil' }))?.body).toBe('be-1');
  }, 120_000);

  it('answers a REDIRECT_PREFIX with its code and the prefix before the path, and a REJECT with 403, in position order', async () => {
    await policy({
      action: 'REDIRECT_PREFIX',
      redirect_prefix: 'https://www.lbaas.test',
      redirect_http_code: 301,
      position: 1,
      rules: [{ type: 'PATH', compare_type: 'STARTS_WITH', value: '/old' }],
    });
    // Position 1 puts it before the pool policy of /api: a REJECT of /api at the end never sees /api.
    await policy({ action: 'REJECT', rules: [{ type: 'HEADER', compare_type: 'EQUAL_TO', key: 'X-Block', value: 'yes' }] });
    await waitFor('the REJECT in force', async () => (await request('/', { headers: ['X-Block: yes'] }))?.code === '403', 30_000, 250);
    expect(await request('/old/page?x=1')).toMatchObject({ code: '301', location: 'https://www.lbaas.test/old/page?x=1' });
    expect((await request('/api/v1', { headers: ['X-Block: yes'] }))?.body).toBe('be-2');
    expect((await request('/', { headers: ['X-Block: no'] }))?.body).toBe('be-1');
  }, 120_000);

  it('admits only the allowed CIDRs, and everyone again once they are removed', async () => {
    expect((await request('/', { from: REFUSED }))?.body).toBe('be-1');
    await ok(v2.put(`/v2/lbaas/listeners/${listener.id}`, { listener: { allowed_cidrs: [`${ADMITTED}/32`, '198.18.2.0/24'] } }));
    await active();
    await waitFor('the refused client refused', async () => (await request('/', { from: REFUSED })) === null, 30_000, 250);
    expect((await request('/', { from: ADMITTED }))?.body).toBe('be-1');
    await ok(v2.put(`/v2/lbaas/listeners/${listener.id}`, { listener: { allowed_cidrs: null } }));
    await active();
    await waitFor('the other client admitted again', async () => (await request('/', { from: REFUSED }))?.body === 'be-1', 30_000, 250);
  }, 120_000);
});
