import { ensureFabric, inNamespace, plugNamespace, removeNamespaces, runtimeCommand } from '@lbaas/dataplane';
import {
  builtService,
  freePort,
  type ServiceProcess,
  spawnService,
  type Stack,
  startBackend as runBackend,
  startStack,
  waitFor,
} from '@lbaas/testing';
import { type ChildProcess, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RUN_PREFIX as PREFIX, sweepDeadRuns } from './run-fabric';
import { NeutronApi, type Pool, type Vip } from '../acceptance/neutron-api';

interface ServiceInstance {
  id: string;
  vip_id: string;
  vm_list: { uuid: string; vr_name: string; ha: string; status: string; status_description: string | null }[];
  config: { uuid: string; haproxy_sha256: string }[];
}

const ROOT = process.getuid?.() === 0;

/**
 * The product as a tenant sees it: API calls to a VIP, then HTTP through it from a client
 * namespace to backend namespaces, over real HAProxy and keepalived in namespaces on a bridge.
 */
(ROOT ? describe : describe.skip)('traffic through a VIP (netns driver, three nodes)', () => {
  let stack: Stack;
  let demo: NeutronApi;
  let admin: NeutronApi;
  let runRoot: string;
  const services: ServiceProcess[] = [];
  const backends = new Map<string, ChildProcess>();
  // A backend answers its name; `/slow` after 3 s, to hold a connection open for LEAST_CONNECTIONS.
  const startBackend = (name: string, ns: string, address: string): void => {
    backends.set(name, runBackend(ns, { name, address }));
  };
  let client: string;
  let vip: Vip;
  let pool: Pool;
  const members: string[] = [];
  let httpMonitor = '';

  const get = async (): Promise<string | null> => {
    try {
      const { stdout } = await inNamespace(client, 'curl', ['-s', '-f', '-m', '2', `http://${vip.address}/`], 5000);
      return stdout.trim();
    } catch {
      return null;
    }
  };
  const instance = async (): Promise<ServiceInstance | undefined> =>
    (await admin.get<{ service_instances: ServiceInstance[] }>(`/v2.0/lb/service_instances?vip_id=${vip.id}`)).body.service_instances[0];
  const allApplied = async (): Promise<boolean> => {
    const si = await instance();
    return si !== undefined && si.vm_list.length === 2 && si.vm_list.every((vm) => vm.status === 'APPLIED');
  };
  const counts = async (n: number): Promise<Map<string, number>> => {
    const seen = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const who = (await get()) ?? 'failed';
      seen.set(who, (seen.get(who) ?? 0) + 1);
    }
    return seen;
  };

  beforeAll(async () => {
    await sweepDeadRuns();
    await ensureFabric(PREFIX);
    for (const [name, address] of [
      ['be-1', '198.18.2.11'],
      ['be-2', '198.18.2.12'],
    ]) {
      startBackend(name, await plugNamespace(PREFIX, name, address), address);
    }
    client = await plugNamespace(PREFIX, 'client', '198.18.255.250');
    stack = await startStack();
    demo = new NeutronApi(stack.apiUrl, stack.tokens.demo.token);
    admin = demo.as(stack.tokens.admin.token);
    runRoot = mkdtempSync(join(tmpdir(), 'lbt-run-'));
    const env = {
      LBAAS_NATS_URL: stack.nats.url,
      LBAAS_RUN_DIR: runRoot,
      LBAAS_SECRET_KEY_FILE: join(runRoot, 'secret.key'),
      LBAAS_NODE_SILENCE_MS: '2000',
    };
    services.push(
      spawnService('scheduler', builtService('scheduler'), {
        ...env,
        LBAAS_HEALTH_PORT: String(await freePort()),
        LBAAS_SCHEDULER_SEED: '5',
      }),
    );
    services.push(
      spawnService('config-renderer', builtService('config-renderer'), { ...env, LBAAS_HEALTH_PORT: String(await freePort()) }),
    );
    for (const n of [1, 2, 3]) {
      services.push(
        spawnService(
          `node-${n}`,
          builtService('node-agent'),
          {
            ...env,
            LBAAS_HEALTH_PORT: String(await freePort()),
            LBAAS_NODE_DRIVER: 'netns',
            LBAAS_NS_PREFIX: PREFIX,
            LBAAS_HEARTBEAT_MS: '300',
            LBAAS_RECONCILE_MS: '1000',
          },
          [`compute-node-${n}`],
        ),
      );
    }
    for (const s of services) s.start();
  }, 180_000);

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    for (const b of backends.values()) b.kill('SIGKILL');
    await removeNamespaces(PREFIX);
    await stack?.stop();
    if (runRoot) rmSync(runRoot, { recursive: true, force: true });
  }, 60_000);

  it('answers HTTP 200 through the VIP from both members, round robin', async () => {
    const vipNet = await demo.create<{ id: string }>('/v2.0/networks', 'network', { name: 'vipnet' });
    const vipSubnet = await demo.create<{ id: string }>('/v2.0/subnets', 'subnet', {
      network_id: vipNet.id,
      cidr: '198.18.1.0/24',
      ip_version: 4,
    });
    const poolNet = await demo.create<{ id: string }>('/v2.0/networks', 'network', { name: 'poolnet' });
    const poolSubnet = await demo.create<{ id: string }>('/v2.0/subnets', 'subnet', {
      network_id: poolNet.id,
      cidr: '198.18.2.0/24',
      ip_version: 4,
    });
    pool = await demo.create<Pool>('/v2.0/lb/pools', 'pool', {
      name: 'mypool',
      subnet_id: poolSubnet.id,
      protocol: 'HTTP',
      lb_method: 'ROUND_ROBIN',
    });
    for (const address of ['198.18.2.11', '198.18.2.12']) {
      members.push((await demo.create<{ id: string }>('/v2.0/lb/members', 'member', { pool_id: pool.id, address, protocol_port: 80 })).id);
    }
    const hm = await demo.create<{ id: string }>('/v2.0/lb/health_monitors', 'health_monitor', {
      type: 'HTTP',
      delay: 2,
      timeout: 1,
      max_retries: 2,
    });
    httpMonitor = hm.id;
    expect((await demo.post(`/v2.0/lb/pools/${pool.id}/health_monitors`, { health_monitor: { id: hm.id } })).status).toBe(201);
    vip = await demo.create<Vip>('/v2.0/lb/vips', 'vip', {
      name: 'myvip',
      subnet_id: vipSubnet.id,
      protocol: 'HTTP',
      protocol_port: 80,
      pool_id: pool.id,
    });
    expect(vip.status).toBe('PENDING_CREATE');

    await waitFor(
      'the VIP ACTIVE',
      async () => (await demo.get<{ vip: Vip }>(`/v2.0/lb/vips/${vip.id}`)).body.vip.status === 'ACTIVE',
      60_000,
      250,
    );
    await waitFor(
      'the pool ACTIVE',
      async () => (await demo.get<{ pool: Pool }>(`/v2.0/lb/pools/${pool.id}`)).body.pool.status === 'ACTIVE',
      10_000,
      100,
    );
    await waitFor('both placements applied', allApplied, 60_000, 250);
    await waitFor('a first answer through the VIP', async () => (await get()) !== null, 30_000, 200);
    const seen = await counts(20);
    expect(seen.get('failed')).toBeUndefined();
    expect(seen.get('be-1')).toBe(10);
    expect(seen.get('be-2')).toBe(10);
  });

  it('sends three requests to a member of weight 3 for each one to a member of weight 1', async () => {
    const before = (await instance())?.config.map((c) => c.haproxy_sha256);
    expect((await demo.put(`/v2.0/lb/members/${members[0]}`, { member: { weight: 3 } })).status).toBe(200);
    await waitFor(
      'the new files applied',
      async () => {
        const si = await instance();
        return (
          si !== undefined && JSON.stringify(si.config.map((c) => c.haproxy_sha256)) !== JSON.stringify(before) && (await allApplied())
        );
      },
      30_000,
      200,
    );
    const seen = await counts(40);
    expect(seen.get('failed')).toBeUndefined();
    expect(seen.get('be-1')).toBe(30);
    expect(seen.get('be-2')).toBe(10);
  });

  const memberStatus = async (id: string): Promise<string> =>
    (await demo.get<{ member: { status: string } }>(`/v2.0/lb/members/${id}`)).body.member.status;

  it("shows members ACTIVE from the health checks, and the pool's live counters", async () => {
    await waitFor(
      'both members ACTIVE',
      async () => (await memberStatus(members[0])) === 'ACTIVE' && (await memberStatus(members[1])) === 'ACTIVE',
      30_000,
      200,
    );
    // Counters are the running HAProxy's: a reload (the weight change) starts them again from zero.
    expect((await counts(10)).get('failed')).toBeUndefined();
    await waitFor(
      'counters of the requests sent',
      async () => {
        const stats = (
          await demo.get<{ stats: { total_connections: number; bytes_out: number; bytes_in: number; active_connections: number } }>(
            `/v2.0/lb/pools/${pool.id}/stats`,
          )
        ).body.stats;
        return stats.total_connections >= 10 && stats.bytes_out > 0 && stats.bytes_in > 0;
      },
      30_000,
      250,
    );
  });

  const poolStats = async () => (await demo.get<{ stats: { total_connections: number } }>(`/v2.0/lb/pools/${pool.id}/stats`)).body.stats;
  const workers = (vmId: string): string => {
    const master = readFileSync(join(runRoot, vmId, 'haproxy.pid'), 'utf8').trim();
    return execFileSync('ps', ['-o', 'pid=', '--ppid', master], { encoding: 'utf8' }).trim();
  };

  it('changes weights and disables members through the runtime API, without a reload', async () => {
    const si = await instance();
    const vms = si?.vm_list.map((vm) => vm.uuid) ?? [];
    const before = vms.map(workers);
    expect((await counts(8)).get('failed')).toBeUndefined();
    const total = (await poolStats()).total_connections;
    expect((await demo.put(`/v2.0/lb/members/${members[0]}`, { member: { weight: 1 } })).status).toBe(200);
    await waitFor('the weight applied', async () => (await allApplied()) && (await counts(4)).get('be-2') === 2, 30_000, 200);
    expect((await demo.put(`/v2.0/lb/members/${members[1]}`, { member: { admin_state_up: false } })).status).toBe(200);
    await waitFor('member 2 disabled', async () => (await allApplied()) && (await counts(4)).get('be-1') === 4, 30_000, 200);
    await waitFor('member 2 DOWN', async () => (await memberStatus(members[1])) === 'DOWN', 30_000, 200);
    expect((await demo.put(`/v2.0/lb/members/${members[1]}`, { member: { admin_state_up: true } })).status).toBe(200);
    await waitFor('member 2 enabled', async () => (await allApplied()) && ((await counts(4)).get('be-2') ?? 0) > 0, 30_000, 200);
    // Same worker processes, and counters that kept counting: nothing was reloaded.
    expect(vms.map(workers)).toEqual(before);
    expect((await poolStats()).total_connections).toBeGreaterThan(total);
  });

  it('turns a member whose server stops INACTIVE, sends it nothing, and ACTIVE again when it returns', async () => {
    backends.get('be-2')?.kill('SIGKILL');
    // delay 2 s x max_retries 2, plus one interval, plus the agent's 1 s observation.
    await waitFor('member 2 INACTIVE', async () => (await memberStatus(members[1])) === 'INACTIVE', 30_000, 200);
    const seen = await counts(12);
    expect([...seen.entries()]).toEqual([['be-1', 12]]);
    startBackend('be-2', `${PREFIX}be-2`, '198.18.2.12');
    await waitFor('member 2 ACTIVE again', async () => (await memberStatus(members[1])) === 'ACTIVE', 30_000, 200);
    await waitFor('be-2 answering again', async () => (await counts(4)).has('be-2'), 10_000, 100);
  });

  /** Swaps the pool's one monitor and waits until every placement runs a file that `applied` accepts. */
  const swapMonitor = async (next: string, what: string, applied: (file: string) => boolean): Promise<void> => {
    const current = (await demo.get<{ pool: Pool }>(`/v2.0/lb/pools/${pool.id}`)).body.pool.health_monitors[0];
    expect((await demo.delete(`/v2.0/lb/pools/${pool.id}/health_monitors/${current}`)).status).toBe(204);
    expect((await demo.post(`/v2.0/lb/pools/${pool.id}/health_monitors`, { health_monitor: { id: next } })).status).toBe(201);
    // Not just "the files changed": the pool passes through a file with no monitor on the way.
    await waitFor(
      `${what} applied`,
      async () => {
        const si = await instance();
        return (
          si !== undefined &&
          (await allApplied()) &&
          si.vm_list.every((vm) => applied(readFileSync(join(runRoot, vm.uuid, 'haproxy.cfg'), 'utf8')))
        );
      },
      30_000,
      200,
    );
  };
  /** Sessions open to the pool's members, as the active placement's HAProxy counts them. */
  const sessionsInProgress = async (): Promise<number> => {
    const active = (await instance())?.vm_list.find((vm) => vm.ha === 'active: 200');
    if (!active) return 0;
    const [header, ...lines] = ((await runtimeCommand(join(runRoot, active.uuid, 'haproxy.sock'), 'show stat')) ?? '').split('\n');
    const columns = header.replace(/^# /, '').split(',');
    const [name, current] = ['svname', 'scur'].map((column) => columns.indexOf(column));
    return lines
      .filter((line) => line.startsWith(`${pool.id},`))
      .map((line) => line.split(','))
      .filter((fields) => !['FRONTEND', 'BACKEND'].includes(fields[name]))
      .reduce((sum, fields) => sum + Number(fields[current] || 0), 0);
  };
  /** What each placement's HAProxy says of the members, for a failure message. */
  const checkerView = async (): Promise<string> => {
    const si = await instance();
    const views = await Promise.all(
      (si?.vm_list ?? []).map(async (vm) => {
        const [header, ...lines] = ((await runtimeCommand(join(runRoot, vm.uuid, 'haproxy.sock'), 'show stat')) ?? '').split('\n');
        const columns = header.replace(/^# /, '').split(',');
        const shown = ['svname', 'status', 'check_status', 'last_chk'].map((name) => columns.indexOf(name));
        const rows = lines.filter((line) => line.startsWith(pool.id)).map((line) => shown.map((i) => line.split(',')[i]).join(' '));
        return `${vm.ha} ${vm.vr_name}: ${rows.join(' | ') || 'no answer'}`;
      }),
    );
    return views.join('\n');
  };
  const explained = async (wait: Promise<void>): Promise<void> =>
    wait.catch(async (error: Error) => {
      throw new Error(`${error.message}\n${await checkerView()}`);
    });

  it('takes a member out with a TCP monitor too, and brings it back', async () => {
    const tcp = await demo.create<{ id: string }>('/v2.0/lb/health_monitors', 'health_monitor', {
      type: 'TCP',
      delay: 2,
      timeout: 1,
      max_retries: 2,
    });
    // A TCP check is a bare `check` on each server, with no httpchk.
    await swapMonitor(tcp.id, 'the TCP check', (file) => file.includes('check inter') && !file.includes('httpchk'));
    backends.get('be-2')?.kill('SIGKILL');
    await explained(waitFor('member 2 INACTIVE', async () => (await memberStatus(members[1])) === 'INACTIVE', 30_000, 200));
    expect([...(await counts(6)).entries()]).toEqual([['be-1', 6]]);
    startBackend('be-2', `${PREFIX}be-2`, '198.18.2.12');
    await explained(waitFor('member 2 ACTIVE again', async () => (await memberStatus(members[1])) === 'ACTIVE', 30_000, 200));
  });

  it('takes an unreachable member out with a PING monitor (a real ICMP echo), and brings it back', async () => {
    const ping = await demo.create<{ id: string }>('/v2.0/lb/health_monitors', 'health_monitor', {
      type: 'PING',
      delay: 2,
      timeout: 1,
      max_retries: 2,
    });
    await swapMonitor(ping.id, 'the PING check', (file) => file.includes('option external-check'));
    await explained(
      waitFor(
        'both members ACTIVE by ping',
        async () => (await memberStatus(members[0])) === 'ACTIVE' && (await memberStatus(members[1])) === 'ACTIVE',
        30_000,
        200,
      ),
    );
    // A server that still runs but cannot be reached: only an ICMP check can tell from the HTTP server's side.
    execFileSync('ip', ['-n', `${PREFIX}be-2`, 'link', 'set', 'lbv0', 'down']);
    try {
      await explained(waitFor('member 2 INACTIVE', async () => (await memberStatus(members[1])) === 'INACTIVE', 30_000, 200));
    } finally {
      execFileSync('ip', ['-n', `${PREFIX}be-2`, 'link', 'set', 'lbv0', 'up']);
    }
    await explained(waitFor('member 2 ACTIVE again', async () => (await memberStatus(members[1])) === 'ACTIVE', 30_000, 200));
    // The tests after this one send HTTP: an HTTP check takes the pool back.
    await swapMonitor(httpMonitor, 'the HTTP check', (file) => file.includes('option httpchk'));
    await explained(
      waitFor(
        'both members ACTIVE by HTTP',
        async () => (await memberStatus(members[0])) === 'ACTIVE' && (await memberStatus(members[1])) === 'ACTIVE',
        30_000,
        200,
      ),
    );
  });

  it('LEAST_CONNECTIONS sends new requests to the member without a connection in progress', async () => {
    const before = JSON.stringify((await instance())?.config);
    expect((await demo.put(`/v2.0/lb/pools/${pool.id}`, { pool: { lb_method: 'LEAST_CONNECTIONS' } })).status).toBe(200);
    await waitFor(
      'leastconn applied',
      async () => JSON.stringify((await instance())?.config) !== before && (await allApplied()),
      30_000,
      200,
    );
    await waitFor('both members answering', async () => (await counts(4)).size === 2, 10_000, 100);
    // Held long enough for the quick requests on a loaded machine; they start once HAProxy counts it.
    const slow = inNamespace(client, 'curl', ['-s', '-m', '20', `http://${vip.address}/slow?ms=10000`], 25_000);
    await waitFor('the slow request in progress', async () => (await sessionsInProgress()) === 1, 10_000, 50);
    const quick = await counts(6);
    const busy = (await slow).stdout.trim();
    expect(['be-1', 'be-2']).toContain(busy);
    expect([...quick.entries()]).toEqual([[busy === 'be-1' ? 'be-2' : 'be-1', 6]]);
    const back = JSON.stringify((await instance())?.config);
    expect((await demo.put(`/v2.0/lb/pools/${pool.id}`, { pool: { lb_method: 'ROUND_ROBIN' } })).status).toBe(200);
    await waitFor(
      'round robin again',
      async () => JSON.stringify((await instance())?.config) !== back && (await allApplied()),
      30_000,
      200,
    );
  });

  it('SOURCE_IP sends one client always to the same member; HTTP_COOKIE keeps a client that returns its cookie on its member', async () => {
    const filesChange = async (change: () => Promise<unknown>): Promise<void> => {
      const before = JSON.stringify((await instance())?.config);
      await change();
      await waitFor(
        'the new files applied',
        async () => JSON.stringify((await instance())?.config) !== before && (await allApplied()),
        30_000,
        200,
      );
    };
    await filesChange(() => demo.put(`/v2.0/lb/pools/${pool.id}`, { pool: { lb_method: 'SOURCE_IP' } }));
    const bySource = await counts(10);
    expect(bySource.size).toBe(1);
    expect(bySource.has('failed')).toBe(false);

    await filesChange(() => demo.put(`/v2.0/lb/pools/${pool.id}`, { pool: { lb_method: 'ROUND_ROBIN' } }));
    await filesChange(() => demo.put(`/v2.0/lb/vips/${vip.id}`, { vip: { session_persistence: { type: 'HTTP_COOKIE' } } }));
    const jar = join(runRoot, 'cookies.txt');
    const withCookie = async (): Promise<string> =>
      (await inNamespace(client, 'curl', ['-s', '-f', '-m', '2', '-b', jar, '-c', jar, `http://${vip.address}/`], 5000)).stdout.trim();
    const first = await withCookie();
    for (let i = 0; i < 8; i++) expect(await withCookie()).toBe(first);
    expect((await counts(4)).size).toBe(2);
    await filesChange(() => demo.put(`/v2.0/lb/vips/${vip.id}`, { vip: { session_persistence: null } }));
  });

  it('adopts the running HAProxy and keepalived after a SIGKILL of its agent, and traffic never stops', async () => {
    const si = await instance();
    const active = si?.vm_list.find((vm) => vm.ha === 'active: 200');
    if (!active) throw new Error('no active placement');
    const agent = services.find((s) => s.name === `node-${active.vr_name.split('-').pop()}`);
    if (!agent) throw new Error(`no agent for ${active.vr_name}`);
    const pids = ['haproxy', 'keepalived'].map((d) => readFileSync(join(runRoot, active.uuid, `${d}.pid`), 'utf8').trim());
    await agent.kill();
    const during = await counts(10);
    agent.start();
    await waitFor('the agent back', async () => agent.running() && agent.logs().includes('node agent heartbeating'), 30_000, 100);
    const after = await counts(10);
    expect(during.has('failed')).toBe(false);
    expect(after.has('failed')).toBe(false);
    // Two full reconcile passes later, the same processes still run.
    await new Promise((r) => setTimeout(r, 2500));
    expect(['haproxy', 'keepalived'].map((d) => readFileSync(join(runRoot, active.uuid, `${d}.pid`), 'utf8').trim())).toEqual(pids);
    expect(await allApplied()).toBe(true);
  });

  it("keeps answering when the active placement's HAProxy and keepalived are killed", async () => {
    const si = await instance();
    const active = si?.vm_list.find((vm) => vm.ha === 'active: 200');
    if (!active) throw new Error('no active placement');
    const dir = join(runRoot, active.uuid);
    for (const daemon of ['keepalived', 'haproxy'])
      process.kill(Number(readFileSync(join(dir, `${daemon}.pid`), 'utf8').trim()), 'SIGKILL');
    const started = Date.now();
    let firstOk = 0;
    let failures = 0;
    for (let i = 0; i < 100 && firstOk === 0; i++) {
      if ((await get()) !== null) firstOk = Date.now();
      else failures++;
    }
    expect(firstOk).toBeGreaterThan(0);
    console.log(`failover: first answer ${firstOk - started} ms after the kill, ${failures} failed requests before it`);
    const seen = await counts(8);
    expect(seen.get('failed')).toBeUndefined();
  });

  it("fails over when the active's whole node dies, records it, re-protects on the third node, and cleans up when the node returns", async () => {
    await waitFor('both placements applied', allApplied, 30_000, 200);
    const si = await instance();
    const active = si?.vm_list.find((vm) => vm.ha === 'active: 200');
    const standby = si?.vm_list.find((vm) => vm.ha === 'standby: 100');
    if (!active || !standby) throw new Error('no pair');
    const agent = services.find((s) => s.name === `node-${active.vr_name.split('-').pop()}`);
    if (!agent) throw new Error(`no agent for ${active.vr_name}`);
    const holdsVip = (vmId: string) =>
      execFileSync('ip', ['-n', `${PREFIX}${vmId}`, '-o', 'addr', 'show', 'dev', 'lbv0'], { encoding: 'utf8' }).includes(
        ` ${vip.address}/`,
      );
    // Priority 200 wins the VIP back once the active's daemons run again (the previous test killed them).
    await waitFor('the active placement holding the VIP', async () => holdsVip(active.uuid) && !holdsVip(standby.uuid), 15_000, 100);
    // The node dies as a power cut would have it: agent, link and processes, with no farewell advert.
    const said = execFileSync(process.execPath, [builtService('cli'), 'dev', 'kill-node', active.vr_name], {
      encoding: 'utf8',
      env: { ...process.env, LBAAS_NATS_URL: stack.nats.url },
    });
    const killed = Date.now();
    expect(said).toMatch(new RegExp(`${active.vr_name}: agent pid \\d+ killed`));
    expect(said).toMatch(new RegExp(`active +${active.uuid} of instance ${si?.id}: link down, [1-9]\\d* process\\(es\\) killed`));
    await waitFor('the agent gone', () => !agent.running(), 5000, 50);
    await waitFor(
      'nothing left running in the placement',
      () => execFileSync('ip', ['netns', 'pids', `${PREFIX}${active.uuid}`], { encoding: 'utf8' }).trim() === '',
      5000,
      50,
    );
    let firstOk = 0;
    let failed = 0;
    for (let i = 0; i < 50 && firstOk === 0; i++) {
      if ((await get()) !== null) firstOk = Date.now();
      else failed++;
    }
    expect(firstOk).toBeGreaterThan(0);
    console.log(`node failover: first answer ${firstOk - killed} ms after the node died, ${failed} failed requests before it`);
    await waitFor(
      'the failover recorded and a new standby applied on the third node',
      async () => {
        const now = await instance();
        return (
          now !== undefined &&
          now.vm_list.length === 2 &&
          now.vm_list[0].uuid === standby.uuid &&
          now.vm_list[0].ha === 'active: 200' &&
          !now.vm_list.some((vm) => vm.vr_name === active.vr_name) &&
          now.vm_list.every((vm) => vm.status === 'APPLIED')
        );
      },
      60_000,
      250,
    );
    const history = (
      await admin.get<{ service_instance: { failover_history: { event: string; from_node: string | null }[] } }>(
        `/v2.0/lb/service_instances/${si?.id}`,
      )
    ).body.service_instance.failover_history;
    expect(history.map((h) => h.event)).toEqual(expect.arrayContaining(['failed_over', 'reprotected']));
    expect(history.find((h) => h.event === 'failed_over')?.from_node).toBe(active.vr_name);
    expect((await counts(6)).has('failed')).toBe(false);
    // The node comes back: its agent removes the placement it no longer has.
    agent.start();
    await waitFor(
      "the dead placement's namespace removed",
      async () => !execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).includes(active.uuid),
      30_000,
      200,
    );
  });

  let floatingAddress = '';
  const natRules = (): string =>
    execFileSync('ip', ['netns', 'exec', `${PREFIX}fabric`, 'iptables', '-t', 'nat', '-S'], { encoding: 'utf8' });

  it("answers through a floating IP associated with the VIP's port", async () => {
    const publicNet = await admin.create<{ id: string }>('/v2.0/networks', 'network', {
      name: 'Public',
      'router:external': true,
      shared: true,
    });
    await admin.create('/v2.0/subnets', 'subnet', { network_id: publicNet.id, cidr: '198.19.0.0/24', ip_version: 4 });
    const fip = await demo.create<{ id: string; floating_ip_address: string }>('/v2.0/floatingips', 'floatingip', {
      floating_network_id: publicNet.id,
    });
    floatingAddress = fip.floating_ip_address;
    expect((await demo.put(`/v2.0/floatingips/${fip.id}`, { floatingip: { port_id: vip.port_id } })).status).toBe(200);
    const viaFloating = async () =>
      (
        await inNamespace(client, 'curl', ['-s', '-f', '-m', '2', `http://${floatingAddress}/`], 5000).catch(() => ({ stdout: '' }))
      ).stdout.trim();
    await waitFor('an answer through the floating IP', async () => (await viaFloating()).startsWith('be-'), 30_000, 200);
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) seen.add(await viaFloating());
    expect([...seen].sort()).toEqual(['be-1', 'be-2']);
    expect(natRules()).toContain(`lbfip-${fip.id}`);
  });

  it('removes every namespace, link and process of the instance when the VIP, members and pool are deleted', async () => {
    const si = await instance();
    const vms = si?.vm_list.map((vm) => vm.uuid) ?? [];
    expect(vms).toHaveLength(2);
    expect((await demo.delete(`/v2.0/lb/vips/${vip.id}`)).status).toBe(204);
    for (const m of members) expect((await demo.delete(`/v2.0/lb/members/${m}`)).status).toBe(204);
    expect((await demo.delete(`/v2.0/lb/pools/${pool.id}`)).status).toBe(204);
    await waitFor(
      'the namespaces gone',
      async () => {
        const list = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
        return vms.every((vm) => !list.includes(vm));
      },
      30_000,
      200,
    );
    await waitFor('the instance gone', async () => (await admin.get(`/v2.0/lb/service_instances/${si?.id}`)).status === 404, 30_000, 200);
    for (const vm of vms) expect(existsSync(join(runRoot, vm))).toBe(false);
    // Deleting the VIP disassociated its floating IP: the forwarding is gone too.
    await waitFor('the floating IP no longer forwarded', async () => !natRules().includes('lbfip-'), 30_000, 200);
    const processes = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
    for (const vm of vms) expect(processes).not.toContain(vm);
  });
});
