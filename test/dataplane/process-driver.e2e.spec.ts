import { builtService, freePort, type ServiceProcess, spawnService, type Stack, startStack, waitFor } from '@lbaas/testing';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NeutronApi, type Pool, type Vip } from '../acceptance/neutron-api';

interface ServiceInstance {
  id: string;
  vip_id: string;
  vm_list: { uuid: string; vr_name: string; ha: string; status: string }[];
}

/** This run's own corner of the fabric and of the VRRP range, so its loopback addresses meet no other run's. */
const RUN = `lbp${process.pid.toString(16)}`;
const NET = 40 + (process.pid % 50) * 2;
const VIP_CIDR = `198.18.${NET}.0/24`;
const MEMBERS = [`198.18.${NET + 1}.11`, `198.18.${NET + 1}.12`];
const PUBLIC_CIDR = `198.19.${NET}.0/24`;
const VRRP_CIDR = `198.19.${192 + (process.pid % 64)}.0/24`;
/** VIP and members use port 80; the process driver moves it up by this (10000 would give 10080, a port browsers and fetch refuse). */
const OFFSET = 20000;
const loopback = (fabric: string): string => fabric.replace(/^198\./, '127.');

/** Answers its name, on the loopback image of its member address. */
const BACKEND = (name: string, address: string) =>
  `require('http').createServer((q, r) => r.end('${name}\\n')).listen(${80 + OFFSET}, '${loopback(address)}')`;

/** One request on a connection of its own, so HAProxy balances each one. */
const get = (address: string): Promise<string | null> =>
  new Promise((resolve) => {
    const request = httpGet({ host: loopback(address), port: 80 + OFFSET, path: '/', agent: false, timeout: 2000 }, (response) => {
      let body = '';
      response.on('data', (d: Buffer) => (body += d.toString()));
      response.on('end', () => resolve(response.statusCode === 200 ? body.trim() : null));
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(null));
  });

/** `show stat` on a placement's stats socket, '' when nothing answers. */
const showStat = (socket: string): Promise<string> =>
  new Promise((resolve) => {
    if (!existsSync(socket)) return resolve('');
    let out = '';
    const conn = connect(socket, () => conn.end('show stat\n'));
    conn.on('data', (d: Buffer) => (out += d.toString()));
    conn.on('error', () => resolve(''));
    conn.on('close', () => resolve(out));
  });

/**
 * The no-root data plane as a tenant sees it: HAProxy per placement on the loopback image of
 * the fabric's addresses, failover only when the scheduler declares a node lost. Passes as root
 * and as any other user.
 */
describe('traffic through a VIP (process driver, three nodes, no root needed)', () => {
  let stack: Stack;
  let demo: NeutronApi;
  let admin: NeutronApi;
  let runRoot = '';
  const services: ServiceProcess[] = [];
  const backends: ChildProcess[] = [];
  let vip: Vip;
  let pool: Pool;
  const members: string[] = [];
  /** Every placement the instance ever had, for the final sweep. */
  const placements = new Set<string>();

  const instance = async (): Promise<ServiceInstance | undefined> => {
    const si = (await admin.get<{ service_instances: ServiceInstance[] }>(`/v2.0/lb/service_instances?vip_id=${vip.id}`)).body
      .service_instances[0];
    si?.vm_list.forEach((vm) => placements.add(vm.uuid));
    return si;
  };
  const allApplied = async (): Promise<boolean> => {
    const si = await instance();
    return si !== undefined && si.vm_list.length === 2 && si.vm_list.every((vm) => vm.status === 'APPLIED');
  };
  const counts = async (n: number, address = vip.address): Promise<Map<string, number>> => {
    const seen = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const who = (await get(address)) ?? 'failed';
      seen.set(who, (seen.get(who) ?? 0) + 1);
    }
    return seen;
  };
  const frontendOf = async (vmId: string): Promise<string | undefined> =>
    (await showStat(join(runRoot, vmId, 'haproxy.sock'))).split('\n').find((l) => l.startsWith(`${vip.id},FRONTEND,`));
  /** Processes whose command line names this run's directory: HAProxy masters and workers. */
  const ours = (): string[] =>
    execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => runRoot !== '' && l.includes(runRoot));
  const agentOf = (nodeName: string): ServiceProcess => {
    const agent = services.find((s) => s.name === `node-${nodeName.split('-').pop()}`);
    if (!agent) throw new Error(`no agent for ${nodeName}`);
    return agent;
  };

  beforeAll(async () => {
    runRoot = mkdtempSync(join(tmpdir(), `${RUN}-`));
    MEMBERS.forEach((address, i) => {
      backends.push(spawn(process.execPath, [`--title=${RUN}-be-${i + 1}`, '-e', BACKEND(`be-${i + 1}`, address)], { stdio: 'ignore' }));
    });
    stack = await startStack();
    demo = new NeutronApi(stack.apiUrl, stack.tokens.demo.token);
    admin = demo.as(stack.tokens.admin.token);
    const env = {
      LBAAS_NATS_URL: stack.nats.url,
      LBAAS_RUN_DIR: runRoot,
      LBAAS_SECRET_KEY_FILE: join(stack.dir, 'secret.key'),
      LBAAS_NODE_SILENCE_MS: '2000',
      LBAAS_VRRP_CIDR: VRRP_CIDR,
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
            LBAAS_NODE_DRIVER: 'process',
            LBAAS_PROCESS_PORT_OFFSET: String(OFFSET),
            LBAAS_HEARTBEAT_MS: '300',
            LBAAS_RECONCILE_MS: '1000',
          },
          [`compute-node-${n}`],
        ),
      );
    }
  }, 180_000);

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    for (const b of backends) b.kill('SIGKILL');
    // HAProxy runs as a daemon, outliving its agent: whatever this run started goes by its run directory.
    for (const line of ours()) {
      try {
        process.kill(Number(line.trim().split(' ')[0]), 'SIGKILL');
      } catch {
        // gone already
      }
    }
    await stack?.stop();
    if (runRoot) rmSync(runRoot, { recursive: true, force: true });
  }, 60_000);

  it("answers HTTP 200 on the VIP's loopback address from both members, round robin, and only the active placement listens", async () => {
    const vipNet = await demo.create<{ id: string }>('/v2.0/networks', 'network', { name: 'vipnet' });
    const vipSubnet = await demo.create<{ id: string }>('/v2.0/subnets', 'subnet', {
      network_id: vipNet.id,
      cidr: VIP_CIDR,
      ip_version: 4,
    });
    const poolNet = await demo.create<{ id: string }>('/v2.0/networks', 'network', { name: 'poolnet' });
    const poolSubnet = await demo.create<{ id: string }>('/v2.0/subnets', 'subnet', {
      network_id: poolNet.id,
      cidr: `198.18.${NET + 1}.0/24`,
      ip_version: 4,
    });
    pool = await demo.create<Pool>('/v2.0/lb/pools', 'pool', {
      name: 'mypool',
      subnet_id: poolSubnet.id,
      protocol: 'HTTP',
      lb_method: 'ROUND_ROBIN',
    });
    for (const address of MEMBERS) {
      members.push((await demo.create<{ id: string }>('/v2.0/lb/members', 'member', { pool_id: pool.id, address, protocol_port: 80 })).id);
    }
    const hm = await demo.create<{ id: string }>('/v2.0/lb/health_monitors', 'health_monitor', {
      type: 'HTTP',
      delay: 1,
      timeout: 1,
      max_retries: 2,
    });
    expect((await demo.post(`/v2.0/lb/pools/${pool.id}/health_monitors`, { health_monitor: { id: hm.id } })).status).toBe(201);
    vip = await demo.create<Vip>('/v2.0/lb/vips', 'vip', {
      name: 'myvip',
      subnet_id: vipSubnet.id,
      protocol: 'HTTP',
      protocol_port: 80,
      pool_id: pool.id,
    });

    await waitFor(
      'the VIP ACTIVE',
      async () => (await demo.get<{ vip: Vip }>(`/v2.0/lb/vips/${vip.id}`)).body.vip.status === 'ACTIVE',
      60_000,
      250,
    );
    await waitFor('both placements applied', allApplied, 60_000, 250);
    await waitFor('a first answer through the VIP', async () => (await get(vip.address)) !== null, 30_000, 200);
    const seen = await counts(20);
    expect(seen.get('failed')).toBeUndefined();
    expect(seen.get('be-1')).toBe(10);
    expect(seen.get('be-2')).toBe(10);

    const si = await instance();
    const active = si?.vm_list.find((vm) => vm.ha === 'active: 200');
    const standby = si?.vm_list.find((vm) => vm.ha === 'standby: 100');
    if (!active || !standby) throw new Error('no pair');
    expect((await frontendOf(active.uuid))?.split(',')[17]).toBe('OPEN');
    // The standby's HAProxy runs, with its frontend disabled: a disabled proxy is not even in show stat.
    expect(await showStat(join(runRoot, standby.uuid, 'haproxy.sock'))).toContain(`${pool.id},BACKEND,`);
    expect(await frontendOf(standby.uuid)).toBeUndefined();
  });

  it('shows members ACTIVE from the health checks', async () => {
    const status = async (id: string): Promise<string> =>
      (await demo.get<{ member: { status: string } }>(`/v2.0/lb/members/${id}`)).body.member.status;
    await waitFor(
      'both members ACTIVE',
      async () => (await status(members[0])) === 'ACTIVE' && (await status(members[1])) === 'ACTIVE',
      30_000,
      200,
    );
  });

  it("fails over when the active's whole node dies, once the scheduler declares the node lost, and its agent clears the dead placement on return", async () => {
    const si = await instance();
    const active = si?.vm_list.find((vm) => vm.ha === 'active: 200');
    const standby = si?.vm_list.find((vm) => vm.ha === 'standby: 100');
    if (!active || !standby) throw new Error('no pair');
    const agent = agentOf(active.vr_name);
    // A power cut: the agent and its HAProxy (master and workers: the master leads their process group).
    await agent.kill();
    process.kill(-Number(readFileSync(join(runRoot, active.uuid, 'haproxy.pid'), 'utf8').trim()), 'SIGKILL');
    // No VRRP: nothing answers until the scheduler has noticed the silence.
    expect(await get(vip.address)).toBeNull();
    await waitFor('an answer from the promoted standby', async () => (await get(vip.address)) !== null, 60_000, 200);
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
    expect((await frontendOf(standby.uuid))?.split(',')[17]).toBe('OPEN');
    const seen = await counts(10);
    expect(seen.get('failed')).toBeUndefined();
    expect(seen.get('be-1')).toBe(5);
    expect(seen.get('be-2')).toBe(5);
    // The node returns: its agent removes the placement the log took away from it.
    expect(existsSync(join(runRoot, active.uuid))).toBe(true);
    agent.start();
    await waitFor("the dead placement's run directory removed", () => !existsSync(join(runRoot, active.uuid)), 30_000, 200);
  });

  it("answers on a floating IP's loopback address while it is associated with the VIP's port", async () => {
    const publicNet = await admin.create<{ id: string }>('/v2.0/networks', 'network', {
      name: 'Public',
      'router:external': true,
      shared: true,
    });
    await admin.create('/v2.0/subnets', 'subnet', { network_id: publicNet.id, cidr: PUBLIC_CIDR, ip_version: 4 });
    const fip = await demo.create<{ id: string; floating_ip_address: string }>('/v2.0/floatingips', 'floatingip', {
      floating_network_id: publicNet.id,
    });
    expect((await demo.put(`/v2.0/floatingips/${fip.id}`, { floatingip: { port_id: vip.port_id } })).status).toBe(200);
    await waitFor('an answer on the floating address', async () => (await get(fip.floating_ip_address)) !== null, 30_000, 200);
    const seen = await counts(6, fip.floating_ip_address);
    expect([...seen.keys()].sort()).toEqual(['be-1', 'be-2']);
  });

  it('removes every run directory and HAProxy process of the instance when the VIP, members and pool are deleted', async () => {
    const si = await instance();
    expect((await demo.delete(`/v2.0/lb/vips/${vip.id}`)).status).toBe(204);
    for (const m of members) expect((await demo.delete(`/v2.0/lb/members/${m}`)).status).toBe(204);
    expect((await demo.delete(`/v2.0/lb/pools/${pool.id}`)).status).toBe(204);
    await waitFor('the instance gone', async () => (await admin.get(`/v2.0/lb/service_instances/${si?.id}`)).status === 404, 30_000, 200);
    await waitFor('every run directory gone', () => [...placements].every((vm) => !existsSync(join(runRoot, vm))), 30_000, 200);
    expect(placements.size).toBe(3);
    // Deleting the VIP disassociated its floating IP: nothing forwards it any more.
    await waitFor(
      'the floating IP no longer forwarded',
      () => !existsSync(join(runRoot, 'floating-ips')) || readdirSync(join(runRoot, 'floating-ips')).length === 0,
      30_000,
      200,
    );
    expect(ours()).toEqual([]);
    expect(await get(vip.address)).toBeNull();
  });
});
