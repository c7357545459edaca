import { builtService, freePort, type ServiceProcess, spawnService, type Stack, startStack, waitFor } from '@lbaas/testing';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from 'nats';
import { NeutronApi, type Pool, type Vip } from '../acceptance/neutron-api';

interface ServiceInstance {
  id: string;
  vip_id: string;
  status: string;
  vm_list: { uuid: string; vr_name: string; ha: string }[];
  config: { uuid: string; haproxy_sha256: string; keepalived_sha256: string }[];
  config_rejection: { uuid: string; file: string; sha256: string; message: string } | null;
}

const CLI = join(__dirname, '..', '..', 'apps', 'cli', 'dist', 'main.js');

/**
 * The config renderer as operators see it: from API calls to haproxy.cfg (checked) and
 * keepalived.conf (good by construction) in the object store, named by hash in the instance; a
 * file the checker refuses is recorded with the checker's words and the last good one stays.
 */
describe('rendering haproxy.cfg and keepalived.conf for placed instances', () => {
  let stack: Stack;
  let admin: NeutronApi;
  let demo: NeutronApi;
  let nc: NatsConnection;
  let dir: string;
  let renderer: ServiceProcess;
  let rendererHealth: number;
  const others: ServiceProcess[] = [];
  let vip: Vip;
  let pool: Pool;
  const memberIds: string[] = [];

  const instance = async (): Promise<ServiceInstance | undefined> =>
    (await admin.get<{ service_instances: ServiceInstance[] }>(`/v2.0/lb/service_instances?vip_id=${vip.id}`)).body.service_instances[0];
  const fileText = async (hash: string): Promise<string> => {
    const os = await nc.jetstream().views.os('lbaas_configs');
    const blob = await os.getBlob(hash);
    if (!blob) throw new Error(`no object ${hash}`);
    return new TextDecoder().decode(blob);
  };
  const renderedCount = async (): Promise<number> =>
    ((await (await fetch(`http://127.0.0.1:${rendererHealth}/healthz`)).json()) as { rendered: number }).rendered;

  beforeAll(async () => {
    stack = await startStack();
    demo = new NeutronApi(stack.apiUrl, stack.tokens.demo.token);
    admin = demo.as(stack.tokens.admin.token);
    nc = await connect({ servers: stack.nats.url });
    dir = mkdtempSync(join(tmpdir(), 'lbt-render-'));
    // A checker that refuses while a marker file exists, and is the real haproxy otherwise.
    writeFileSync(
      join(dir, 'haproxy'),
      `#!/bin/sh\nif [ -e ${dir}/refuse ]; then echo "[ALERT] injected refusal" >&2; exit 1; fi\nexec /usr/sbin/haproxy "$@"\n`,
    );
    chmodSync(join(dir, 'haproxy'), 0o755);
    const env = { LBAAS_NATS_URL: stack.nats.url };
    const scheduler = spawnService('scheduler', builtService('scheduler'), { ...env, LBAAS_HEALTH_PORT: String(await freePort()) });
    const nodes = spawnService('nodes', CLI, env, ['dev', 'nodes', '--count', '2', '--prefix', 'render', '--heartbeat-ms', '300']);
    rendererHealth = await freePort();
    renderer = spawnService('config-renderer', builtService('config-renderer'), {
      ...env,
      LBAAS_HEALTH_PORT: String(rendererHealth),
      LBAAS_SECRET_KEY_FILE: join(dir, 'secret.key'),
      LBAAS_RUN_DIR: '/run/lbaas',
      LBAAS_HAPROXY_BIN: join(dir, 'haproxy'),
    });
    others.push(scheduler, nodes);
    for (const p of [scheduler, nodes, renderer]) p.start();
  }, 180_000);

  afterAll(async () => {
    await Promise.all([...others, renderer].map((p) => p.stop()));
    await nc?.close();
    await stack?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('renders checked files for both placements, stored by their hashes', async () => {
    const net = await demo.create<{ id: string }>('/v2.0/networks', 'network', { name: 'vipnet' });
    const subnet = await demo.create<{ id: string }>('/v2.0/subnets', 'subnet', {
      network_id: net.id,
      cidr: '198.18.6.0/24',
      ip_version: 4,
    });
    pool = await demo.create<Pool>('/v2.0/lb/pools', 'pool', {
      name: 'web',
      subnet_id: subnet.id,
      protocol: 'HTTP',
      lb_method: 'LEAST_CONNECTIONS',
    });
    for (const [address, weight] of [
      ['198.18.6.10', 3],
      ['198.18.6.11', 1],
    ] as const) {
      memberIds.push(
        (await demo.create<{ id: string }>('/v2.0/lb/members', 'member', { pool_id: pool.id, address, protocol_port: 8080, weight })).id,
      );
    }
    const hm = await demo.create<{ id: string }>('/v2.0/lb/health_monitors', 'health_monitor', {
      type: 'HTTP',
      delay: 5,
      timeout: 3,
      max_retries: 2,
      url_path: '/healthz',
      expected_codes: '200-204',
    });
    expect((await demo.post(`/v2.0/lb/pools/${pool.id}/health_monitors`, { health_monitor: { id: hm.id } })).status).toBe(201);
    vip = await demo.create<Vip>('/v2.0/lb/vips', 'vip', {
      name: 'web-vip',
      subnet_id: subnet.id,
      protocol: 'HTTP',
      protocol_port: 80,
      pool_id: pool.id,
      connection_limit: 1000,
      session_persistence: { type: 'APP_COOKIE', cookie_name: 'JSESSIONID' },
    });
    await waitFor('files for both placements', async () => (await instance())?.config.length === 2, 60_000, 250);
    const si = await instance();
    if (!si) throw new Error('no instance');
    expect(si.config.map((c) => c.uuid).sort()).toEqual(si.vm_list.map((vm) => vm.uuid).sort());
    for (const c of si.config) {
      const cfg = await fileText(c.haproxy_sha256);
      expect(cfg).toContain(`frontend ${vip.id}`);
      expect(cfg).toContain(`bind ${vip.address}:80`);
      expect(cfg).toContain('maxconn 1000');
      expect(cfg).toContain('balance leastconn');
      expect(cfg).toContain('option httpchk GET /healthz');
      expect(cfg).toContain('http-check expect rstatus ^20[0-4]$');
      expect(cfg).toContain('stick match req.cook(JSESSIONID)');
      expect(cfg).toContain(`server ${memberIds[0]} 198.18.6.10:8080 weight 3 check inter 5s fall 2`);
      expect(cfg).toContain(`stats socket /run/lbaas/${c.uuid}/haproxy.sock`);
      expect(cfg).not.toContain('web-vip');
      const path = join(dir, `${c.uuid}.cfg`);
      writeFileSync(path, cfg);
      execFileSync('/usr/sbin/haproxy', ['-c', '-q', '-f', path]);
      const keepalived = await fileText(c.keepalived_sha256);
      const role = si.vm_list.find((vm) => vm.uuid === c.uuid)?.ha;
      expect(keepalived).toContain(`priority ${role === 'active: 200' ? 200 : 100}`);
      expect(keepalived).toContain(`${vip.address}/24 dev lbv0`);
      expect(keepalived).toMatch(/unicast_peer \{\n\s+198\.19\.\d+\.\d+\n/);
    }
    expect(existsSync(join(dir, 'secret.key'))).toBe(true);
  });

  it('renders again when a member changes, and appends nothing when only a name changes', async () => {
    const before = (await instance())?.config[0].haproxy_sha256;
    expect((await demo.put(`/v2.0/lb/members/${memberIds[1]}`, { member: { weight: 5 } })).status).toBe(200);
    await waitFor('a new haproxy.cfg', async () => (await instance())?.config[0].haproxy_sha256 !== before, 30_000, 200);
    const count = await renderedCount();
    expect((await demo.put(`/v2.0/lb/vips/${vip.id}`, { vip: { name: 'renamed', description: 'never in a file' } })).status).toBe(200);
    expect((await demo.put(`/v2.0/lb/members/${memberIds[1]}`, { member: { weight: 6 } })).status).toBe(200);
    await waitFor(
      'the weight change rendered',
      async () => (await fileText((await instance())?.config[0].haproxy_sha256 ?? '')).includes('weight 6'),
      30_000,
      200,
    );
    // The rename and the weight change were both folded; only the weight change made new files.
    expect(await renderedCount()).toBe(count + 1);
  });

  it("records a refused file with the checker's words and keeps the last good configuration", async () => {
    const good = (await instance())?.config;
    writeFileSync(join(dir, 'refuse'), '');
    expect((await demo.put(`/v2.0/lb/members/${memberIds[0]}`, { member: { weight: 7 } })).status).toBe(200);
    await waitFor('the rejection', async () => (await instance())?.config_rejection !== null, 30_000, 200);
    const si = await instance();
    expect(si?.config_rejection).toMatchObject({ file: 'haproxy.cfg', message: expect.stringContaining('injected refusal') });
    expect(si?.config).toEqual(good);
    rmSync(join(dir, 'refuse'));
    expect((await demo.put(`/v2.0/lb/members/${memberIds[0]}`, { member: { weight: 8 } })).status).toBe(200);
    await waitFor('a passing rendering', async () => (await instance())?.config_rejection === null, 30_000, 200);
    expect((await fileText((await instance())?.config[0].haproxy_sha256 ?? '')).includes('weight 8')).toBe(true);
  });
});
