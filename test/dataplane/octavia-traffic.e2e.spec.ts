import { ensureFabric, inNamespace, plugNamespace, removeNamespaces } from '@lbaas/dataplane';
import { type ServiceProcess, type Stack, startBackend as runBackend, startStack, waitFor, pipelineServices } from '@lbaas/testing';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RUN_PREFIX as PREFIX, sweepDeadRuns } from './run-fabric';
import { NeutronApi } from '../acceptance/neutron-api';

type Status = 'ONLINE' | 'OFFLINE' | 'DEGRADED' | 'ERROR' | 'NO_MONITOR' | 'DRAINING';
interface Obj {
  id: string;
  provisioning_status: string;
  operating_status: Status;
}
interface LoadBalancer extends Obj {
  vip_address: string;
  listeners: { id: string }[];
  pools: { id: string }[];
}
interface Amphora {
  id: string;
  compute_id: string;
  role: 'MASTER' | 'BACKUP' | 'STANDALONE';
}
interface Tally {
  ok: number;
  failed: number;
}

const ROOT = process.getuid?.() === 0;
const BACKENDS = { 'be-1': '198.18.2.11', 'be-2': '198.18.2.12', 'be-3': '198.18.2.13' } as const;
type Backend = keyof typeof BACKENDS;
/**
 * A bounded load in the client namespace: 4 workers over the given URLs, a new connection per
 * request, until the stop file exists, `max` requests or 60 s; prints `started` after its first
 * answer, then {ok, failed}.
 */
const LOAD = (urls: readonly string[], stopFile: string, max: number) => `
const http = require('http'); const fs = require('fs'); const urls = ${JSON.stringify(urls)};
let ok = 0, failed = 0, sent = 0; const end = Date.now() + 60000;
const one = (url) => new Promise((res) => { const t0 = Date.now(); const q = http.get(url, { timeout: 2000, agent: false }, (r) => { r.resume(); r.on('end', () => { r.statusCode === 200 ? ok++ : (failed++, console.error('load: ' + url + ' answered ' + r.statusCode)); if (ok + failed === 1) console.log('started'); res(); }); });
  q.on('error', (e) => { failed++; console.error('load: ' + url + ' failed at ' + new Date().toISOString() + ' after ' + (Date.now() - t0) + ' ms: ' + e.message); res(); }); q.on('timeout', () => q.destroy()); });
const worker = async () => { while (!fs.existsSync('${stopFile}') && Date.now() < end && sent < ${max}) await one(urls[sent++ % urls.length]); };
Promise.all([worker(), worker(), worker(), worker()]).then(() => console.log(JSON.stringify({ ok, failed })));`;

/**
 * An Octavia load balancer as a tenant sees it: v2 API calls, then HTTP and TCP through its two
 * listeners from a client namespace to backend namespaces, over real HAProxy and keepalived in
 * namespaces on a bridge (the fabric, prefixes, backends and clean-up of traffic.e2e.spec.ts).
 */
(ROOT ? describe : describe.skip)('traffic through an Octavia load balancer (netns driver, three nodes)', () => {
  let stack: Stack;
  let v2: NeutronApi;
  let admin: NeutronApi;
  let runRoot: string;
  const services: ServiceProcess[] = [];
  const backends = new Map<Backend, ChildProcess>();
  const startBackend = async (name: Backend): Promise<void> => {
    backends.set(name, runBackend(`${PREFIX}${name}`, { name, address: BACKENDS[name] }));
    await waitFor(
      `${name} listening`,
      () =>
        inNamespace(client, 'curl', ['-s', '-f', '-m', '1', `http://${BACKENDS[name]}/`], 3000).then(
          () => true,
          () => false,
        ),
      10_000,
      100,
    );
  };
  let client: string;
  let lb: LoadBalancer;
  let httpPool = '';
  let tcpPool = '';
  const urls = (): string[] => [`http://${lb.vip_address}:80/`, `http://${lb.vip_address}:8080/`];

  const get = async (url: string): Promise<string> =>
    (await inNamespace(client, 'curl', ['-s', '-f', '-m', '2', url], 5000).catch(() => ({ stdout: 'failed' }))).stdout.trim();
  /** Who answered n requests through each listener: `{ http: {be-1: 5, ...}, tcp: {...} }`. */
  const counts = async (n: number): Promise<{ http: Record<string, number>; tcp: Record<string, number> }> => {
    const [http, tcp] = [{} as Record<string, number>, {} as Record<string, number>];
    for (let i = 0; i < n; i++) {
      for (const [seen, url] of [
        [http, urls()[0]],
        [tcp, urls()[1]],
      ] as const) {
        const who = await get(url);
        seen[who] = (seen[who] ?? 0) + 1;
      }
    }
    return { http, tcp };
  };
  const show = async <T = Obj>(path: string, key: string): Promise<T> => {
    const reply = await v2.get<Record<string, T>>(path);
    if (reply.status !== 200) throw new Error(`GET ${path}: ${reply.status} ${reply.text}`);
    return reply.body[key];
  };
  const loadBalancer = () => show<LoadBalancer>(`/v2/lbaas/loadbalancers/${lb.id}`, 'loadbalancer');
  const active = async () => (await loadBalancer()).provisioning_status === 'ACTIVE';
  const amphorae = async (): Promise<Amphora[]> =>
    (await admin.get<{ amphorae: Amphora[] }>(`/v2/octavia/amphorae?loadbalancer_id=${lb.id}`)).body.amphorae;
  /** The operating status of each pool, its listener and the load balancer. */
  const statuses = async (): Promise<Record<string, Status>> => {
    const listeners = await v2.get<{ listeners: (Obj & { protocol: string })[] }>(`/v2/lbaas/listeners?loadbalancer_id=${lb.id}`);
    const byProtocol = Object.fromEntries(listeners.body.listeners.map((l) => [l.protocol, l.operating_status]));
    return {
      httpPool: (await show(`/v2/lbaas/pools/${httpPool}`, 'pool')).operating_status,
      tcpPool: (await show(`/v2/lbaas/pools/${tcpPool}`, 'pool')).operating_status,
      httpListener: byProtocol.HTTP,
      tcpListener: byProtocol.TCP,
      loadBalancer: (await loadBalancer()).operating_status,
    };
  };
  const statusesBecome = (what: string, expected: Record<string, Status>) => {
    let last: Record<string, Status> = {};
    return waitFor(
      what,
      async () => {
        last = await statuses();
        return JSON.stringify(last) === JSON.stringify(expected);
      },
      60_000,
      250,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; last seen ${JSON.stringify(last)}`);
    });
  };
  /** A bounded load through both listeners while `during` runs; what it counted. */
  const underLoad = async (during: () => Promise<void>, max = 2000): Promise<Tally> => {
    const stopFile = join(runRoot, `stop-${randomBytes(4).toString('hex')}`);
    const load = spawn('ip', ['netns', 'exec', client, process.execPath, '-e', LOAD(urls(), stopFile, max)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    load.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise((r) => load.once('exit', r));
    try {
      // The action starts once the load runs (a node process in the namespace takes a moment to start).
      await waitFor('the load running', () => out.includes('started'), 15_000, 20);
      await during();
    } finally {
      writeFileSync(stopFile, '');
      await exited;
    }
    return JSON.parse(out.trim().split('\n').at(-1) ?? '{"ok":0,"failed":-1}') as Tally;
  };

  beforeAll(async () => {
    await sweepDeadRuns();
    await ensureFabric(PREFIX);
    client = await plugNamespace(PREFIX, 'client', '198.18.255.250');
    for (const name of Object.keys(BACKENDS) as Backend[]) {
      await plugNamespace(PREFIX, name, BACKENDS[name]);
      if (name !== 'be-3') await startBackend(name);
    }
    stack = await startStack();
    v2 = new NeutronApi(stack.octaviaUrl, stack.tokens.lbdemo.token);
    admin = v2.as(stack.tokens.admin.token);
    runRoot = mkdtempSync(join(tmpdir(), 'lbt-run-'));
    services.push(...(await pipelineServices({ natsUrl: stack.nats.url, runRoot, nodes: 3, driver: 'netns', prefix: PREFIX })));
    for (const s of services) s.start();
  }, 180_000);

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    for (const b of backends.values()) b.kill('SIGKILL');
    await removeNamespaces(PREFIX);
    await stack?.stop();
    if (runRoot) rmSync(runRoot, { recursive: true, force: true });
  }, 60_000);

  it('serves HTTP on port 80 and TCP on port 8080 of one load balancer, round robin over both members', async () => {
    const neutron = new NeutronApi(stack.apiUrl, stack.tokens.demo.token);
    const vipNet = await neutron.create<{ id: string }>('/v2.0/networks', 'network', { name: 'vipnet' });
    const vipSubnet = await neutron.create<{ id: string }>('/v2.0/subnets', 'subnet', { network_id: vipNet.id, cidr: '198.18.1.0/24' });
    const members = [
      { address: BACKENDS['be-1'], protocol_port: 80 },
      { address: BACKENDS['be-2'], protocol_port: 80 },
    ];
    // Checks every second, one failure or success decides: the statuses below follow the backends quickly.
    const monitor = (type: string) => ({ type, delay: 1, timeout: 1, max_retries: 1, max_retries_down: 1 });
    lb = await v2.create<LoadBalancer>('/v2/lbaas/loadbalancers', 'loadbalancer', {
      name: 'web',
      vip_subnet_id: vipSubnet.id,
      listeners: [
        { name: 'http', protocol: 'HTTP', protocol_port: 80, default_pool: { name: 'http-pool' } },
        { name: 'tcp', protocol: 'TCP', protocol_port: 8080, default_pool: { name: 'tcp-pool' } },
      ],
      pools: [
        { name: 'http-pool', protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN', members, healthmonitor: monitor('HTTP') },
        { name: 'tcp-pool', protocol: 'TCP', lb_algorithm: 'ROUND_ROBIN', members, healthmonitor: monitor('TCP') },
      ],
    });
    expect(lb.provisioning_status).toBe('PENDING_CREATE');
    expect(lb.vip_address).toMatch(/^198\.18\.1\.\d+$/);
    const pools = await v2.get<{ pools: { id: string; protocol: string }[] }>(`/v2/lbaas/pools?loadbalancer_id=${lb.id}`);
    httpPool = pools.body.pools.find((p) => p.protocol === 'HTTP')?.id ?? '';
    tcpPool = pools.body.pools.find((p) => p.protocol === 'TCP')?.id ?? '';
    await waitFor('the load balancer ACTIVE', active, 60_000, 250);
    expect((await amphorae()).map((a) => a.role).sort()).toEqual(['BACKUP', 'MASTER']);
    await waitFor(
      'a first answer through each listener',
      async () => (await get(urls()[0])) !== 'failed' && (await get(urls()[1])) !== 'failed',
      30_000,
      200,
    );
    const seen = await counts(20);
    expect(seen.http).toEqual({ 'be-1': 10, 'be-2': 10 });
    expect(seen.tcp).toEqual({ 'be-1': 10, 'be-2': 10 });
  });

  it('moves operating_status from ONLINE to DEGRADED with one backend down, ERROR with both, and ONLINE again', async () => {
    const all = (pool: Status, listener: Status, loadBalancer: Status) => ({
      httpPool: pool,
      tcpPool: pool,
      httpListener: listener,
      tcpListener: listener,
      loadBalancer,
    });
    await statusesBecome('everything ONLINE', all('ONLINE', 'ONLINE', 'ONLINE'));
    backends.get('be-2')?.kill('SIGKILL');
    await statusesBecome('pools and listeners DEGRADED', all('DEGRADED', 'DEGRADED', 'DEGRADED'));
    const members = await v2.get<{ members: { address: string; operating_status: Status }[] }>(`/v2/lbaas/pools/${httpPool}/members`);
    expect(Object.fromEntries(members.body.members.map((m) => [m.address, m.operating_status]))).toEqual({
      [BACKENDS['be-1']]: 'ONLINE',
      [BACKENDS['be-2']]: 'ERROR',
    });
    // HAProxy sends nothing to the member its checks took out, on either listener.
    expect(await counts(6)).toEqual({ http: { 'be-1': 6 }, tcp: { 'be-1': 6 } });
    backends.get('be-1')?.kill('SIGKILL');
    // Octavia's roll-up: a pool of ERROR members is ERROR, so is its listener; the load balancer is DEGRADED.
    await statusesBecome('pools and listeners ERROR', all('ERROR', 'ERROR', 'DEGRADED'));
    await startBackend('be-1');
    await startBackend('be-2');
    await statusesBecome('everything ONLINE again', all('ONLINE', 'ONLINE', 'ONLINE'));
    await waitFor('both members answering again', async () => Object.keys((await counts(2)).http).length === 2, 15_000, 200);
    expect((await loadBalancer()).provisioning_status).toBe('ACTIVE');
  });

  it('fails over on request as a handover: the standby takes the VIP, the old active goes, a new standby comes, no request fails', async () => {
    const before = await amphorae();
    const master = before.find((a) => a.role === 'MASTER');
    const backup = before.find((a) => a.role === 'BACKUP');
    if (!master || !backup) throw new Error(`no pair: ${JSON.stringify(before)}`);
    expect((await v2.put(`/v2/lbaas/loadbalancers/${lb.id}/failover`, {})).status).toBe(403);
    let after: Amphora[] = [];
    // Enough requests that the load outlasts the handover (it ends on the stop file, not on its bound).
    const bound = 20_000;
    const tally = await underLoad(async () => {
      expect((await admin.put(`/v2/lbaas/loadbalancers/${lb.id}/failover`, {})).status).toBe(202);
      await waitFor(
        'the standby MASTER, a new BACKUP, the old master gone, and the load balancer ACTIVE',
        async () => {
          after = await amphorae();
          const roles = Object.fromEntries(after.map((a) => [a.role, a]));
          return (
            after.length === 2 &&
            roles.MASTER?.id === backup.id &&
            roles.BACKUP !== undefined &&
            roles.BACKUP.id !== master.id &&
            !execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).includes(master.id) &&
            (await active())
          );
        },
        60_000,
        250,
      );
    }, bound);
    console.log(`operator failover under load: ${tally.ok} answered, ${tally.failed} failed`);
    expect(tally).toEqual({ ok: expect.any(Number), failed: 0 });
    expect(tally.ok).toBeGreaterThan(0);
    expect(tally.ok).toBeLessThan(bound);
    // A new placement, not the old master's come back.
    expect([master.id, backup.id]).not.toContain(after.find((a) => a.role === 'BACKUP')?.id);
    const seen = await counts(10);
    expect(seen.http).toEqual({ 'be-1': 5, 'be-2': 5 });
    expect(seen.tcp).toEqual({ 'be-1': 5, 'be-2': 5 });
  });

  it('replaces the members of both pools in one batch each under load, with no failed request', async () => {
    await startBackend('be-3');
    const replaced = [
      { address: BACKENDS['be-1'], protocol_port: 80 },
      { address: BACKENDS['be-3'], protocol_port: 80 },
    ];
    const tally = await underLoad(async () => {
      for (const pool of [httpPool, tcpPool])
        expect((await v2.put(`/v2/lbaas/pools/${pool}/members`, { members: replaced })).status).toBe(202);
      await waitFor('the batch applied', active, 60_000, 250);
      await waitFor(
        'be-3 answering on both listeners',
        async () => {
          const seen = await counts(2);
          return seen.http['be-3'] !== undefined && seen.tcp['be-3'] !== undefined;
        },
        30_000,
        100,
      );
      await new Promise((r) => setTimeout(r, 500));
    });
    console.log(`batch member replace under load: ${tally.ok} answered, ${tally.failed} failed`);
    expect(tally).toEqual({ ok: expect.any(Number), failed: 0 });
    expect(tally.ok).toBeGreaterThan(0);
    const seen = await counts(10);
    expect(seen.http).toEqual({ 'be-1': 5, 'be-3': 5 });
    expect(seen.tcp).toEqual({ 'be-1': 5, 'be-3': 5 });
  });

  it('removes every namespace and process of the load balancer when it is deleted with cascade', async () => {
    const placements = (await amphorae()).map((a) => a.id);
    expect((await v2.delete(`/v2/lbaas/loadbalancers/${lb.id}?cascade=true`)).status).toBe(204);
    await waitFor(
      'the namespaces gone',
      () => {
        const list = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
        return placements.every((id) => !list.includes(id));
      },
      30_000,
      200,
    );
    await waitFor('the amphorae gone', async () => (await amphorae()).length === 0, 30_000, 200);
    const processes = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
    for (const id of placements) expect(processes).not.toContain(id);
  });
});
