import { builtService, freePort, type ServiceProcess, spawnService, type Stack, startStack, waitFor } from '@lbaas/testing';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NeutronApi, type Pool, type Vip } from './neutron-api';

interface ServiceInstance {
  id: string;
  vip_id: string;
  vm_list: { uuid: string; vr_name: string; ha: string; status: string; status_description: string | null }[];
}

/** This run's own corner of the fabric and of the VRRP range (the process driver's test uses others). */
const RUN = `lbs${process.pid.toString(16)}`;
const NET = 140 + (process.pid % 50) * 2;
const VIP_CIDR = `198.18.${NET}.0/24`;
const POOL_CIDR = `198.18.${NET + 1}.0/24`;
const VRRP_CIDR = `198.19.${128 + (process.pid % 64)}.0/24`;
const DEADLINE_MS = 4000;
/** The node whose agent is given a HAProxy binary that does not exist. */
const BROKEN = 9;
const WITHIN = 60_000;

/**
 * Nothing stays PENDING: every injected failure ends in ERROR with its reason, and recovery
 * brings the VIP back to ACTIVE. Process driver (no root), real HAProxy, short deadlines.
 */
describe('never stuck (process driver)', () => {
  let stack: Stack;
  let demo: NeutronApi;
  let admin: NeutronApi;
  let runRoot = '';
  let vipSubnet = '';
  let poolSubnet = '';
  const services: ServiceProcess[] = [];
  const agents = new Map<number, ServiceProcess>();
  let agentEnv: Record<string, string> = {};

  const vipOf = async (id: string): Promise<Vip> => (await demo.get<{ vip: Vip }>(`/v2.0/lb/vips/${id}`)).body.vip;
  const poolOf = async (id: string): Promise<Pool> => (await demo.get<{ pool: Pool }>(`/v2.0/lb/pools/${id}`)).body.pool;
  const instanceOf = async (vipId: string): Promise<ServiceInstance | undefined> =>
    (await admin.get<{ service_instances: ServiceInstance[] }>(`/v2.0/lb/service_instances?vip_id=${vipId}`)).body.service_instances[0];
  /** Polls until both the VIP and its pool are in `status` with a description that `described` accepts. */
  const settles = async (vip: Vip, status: string, described: (d: string | null) => boolean): Promise<void> => {
    let last = '';
    await waitFor(
      `VIP and pool ${status}`,
      async () => {
        const [v, p] = [await vipOf(vip.id), await poolOf(vip.pool_id)];
        last = JSON.stringify([v.status, v.status_description, p.status, p.status_description]);
        return v.status === status && p.status === status && described(v.status_description) && described(p.status_description);
      },
      WITHIN,
      200,
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}; last seen ${last}`);
    });
  };
  const startAgent = async (n: number, env: Record<string, string> = {}): Promise<ServiceProcess> => {
    const agent = spawnService(
      `node-${n}`,
      builtService('node-agent'),
      {
        ...agentEnv,
        LBAAS_HEALTH_PORT: String(await freePort()),
        LBAAS_NODE_DRIVER: 'process',
        LBAAS_HEARTBEAT_MS: '300',
        LBAAS_RECONCILE_MS: '1000',
        ...env,
      },
      [`compute-node-${n}`],
    );
    services.push(agent);
    agents.set(n, agent);
    return agent;
  };
  const balancer = async (name: string, lbMethod: string): Promise<Vip> => {
    const pool = await demo.create<Pool>('/v2.0/lb/pools', 'pool', { name, subnet_id: poolSubnet, protocol: 'HTTP', lb_method: lbMethod });
    return demo.create<Vip>('/v2.0/lb/vips', 'vip', { name, subnet_id: vipSubnet, protocol: 'HTTP', protocol_port: 80, pool_id: pool.id });
  };
  /** HAProxy masters and workers this run started: their command lines name its run directory. */
  const ours = (): number[] =>
    execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => runRoot !== '' && l.includes(runRoot))
      .map((l) => Number(l.trim().split(' ')[0]));
  /** A power cut: the agent and the HAProxy it started for a placement. */
  const cutPower = async (n: number, vmIds: string[]): Promise<void> => {
    await agents.get(n)?.kill();
    for (const vmId of vmIds) {
      const pidFile = join(runRoot, vmId, 'haproxy.pid');
      if (!existsSync(pidFile)) continue;
      try {
        process.kill(-Number(readFileSync(pidFile, 'utf8').trim()), 'SIGKILL');
      } catch {
        // not running
      }
    }
  };

  beforeAll(async () => {
    runRoot = mkdtempSync(join(tmpdir(), `${RUN}-`));
    // The renderer's check refuses `balance source` (lb_method SOURCE_IP), a setting the API accepts.
    const checker = join(runRoot, 'haproxy-check');
    writeFileSync(
      checker,
      '#!/bin/sh\nfor f; do :; done\nif grep -q "balance source" "$f"; then echo "[ALERT] injected refusal of balance source" >&2; exit 1; fi\nexec /usr/sbin/haproxy "$@"\n',
    );
    chmodSync(checker, 0o755);
    stack = await startStack();
    demo = new NeutronApi(stack.apiUrl, stack.tokens.demo.token);
    admin = demo.as(stack.tokens.admin.token);
    const env = {
      LBAAS_NATS_URL: stack.nats.url,
      LBAAS_RUN_DIR: runRoot,
      LBAAS_SECRET_KEY_FILE: join(stack.dir, 'secret.key'),
      LBAAS_NODE_SILENCE_MS: '2000',
    };
    agentEnv = env;
    services.push(
      spawnService('scheduler', builtService('scheduler'), {
        ...env,
        LBAAS_HEALTH_PORT: String(await freePort()),
        LBAAS_SCHEDULER_SEED: '7',
        LBAAS_VRRP_CIDR: VRRP_CIDR,
        LBAAS_PENDING_DEADLINE_MS: String(DEADLINE_MS),
      }),
    );
    services.push(
      spawnService('config-renderer', builtService('config-renderer'), {
        ...env,
        LBAAS_HEALTH_PORT: String(await freePort()),
        LBAAS_HAPROXY_BIN: checker,
      }),
    );
    const vipNet = await demo.create<{ id: string }>('/v2.0/networks', 'network', { name: 'vipnet' });
    vipSubnet = (await demo.create<{ id: string }>('/v2.0/subnets', 'subnet', { network_id: vipNet.id, cidr: VIP_CIDR, ip_version: 4 })).id;
    const poolNet = await demo.create<{ id: string }>('/v2.0/networks', 'network', { name: 'poolnet' });
    poolSubnet = (await demo.create<{ id: string }>('/v2.0/subnets', 'subnet', { network_id: poolNet.id, cidr: POOL_CIDR, ip_version: 4 }))
      .id;
  }, 180_000);

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    for (const pid of ours()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    await stack?.stop();
    if (runRoot) rmSync(runRoot, { recursive: true, force: true });
  }, 60_000);

  let unserved: Vip;

  it('ends a VIP that no node takes in ERROR at the deadline, with what it waits for', async () => {
    unserved = await balancer('unserved', 'ROUND_ROBIN');
    expect(unserved.status).toBe('PENDING_CREATE');
    await settles(
      unserved,
      'ERROR',
      (d) =>
        d ===
        `PENDING_CREATE for longer than ${DEADLINE_MS / 1000} s: waiting for a compute node to place it on (no live compute node to place the instance on)`,
    );
  });

  it("says why when the active's node has no HAProxy binary, and recovers when that node is lost and the standby takes over", async () => {
    const missing = join(runRoot, 'missing-haproxy');
    await startAgent(BROKEN, { LBAAS_HAPROXY_BIN: missing });
    await settles(unserved, 'ERROR', (d) => d !== null && d.includes(missing));
    const failed = (await instanceOf(unserved.id))?.vm_list[0];
    expect(failed).toMatchObject({
      vr_name: `compute-node-${BROKEN}`,
      ha: 'active: 200',
      status: 'FAILED',
      status_description: expect.stringContaining(missing),
    });

    await startAgent(1);
    await waitFor(
      'a standby applied on the healthy node',
      async () =>
        (await instanceOf(unserved.id))?.vm_list.some((vm) => vm.vr_name === 'compute-node-1' && vm.status === 'APPLIED') === true,
      WITHIN,
      200,
    );
    expect((await vipOf(unserved.id)).status).toBe('ERROR');
    await cutPower(BROKEN, []);
    await settles(unserved, 'ACTIVE', (d) => d === null);
    // The promoted placement serves at once; the files the renderer makes for its new role follow.
    await waitFor(
      'the promoted placement alone, applied',
      async () => {
        const vms = (await instanceOf(unserved.id))?.vm_list ?? [];
        return vms.length === 1 && vms[0].vr_name === 'compute-node-1' && vms[0].ha === 'active: 200' && vms[0].status === 'APPLIED';
      },
      WITHIN,
      200,
    );
  });

  it("places again what a node lost right after the VIP's creation held, and the VIP becomes ACTIVE", async () => {
    await startAgent(2);
    await startAgent(3);
    await waitFor('the lone instance protected again', async () => (await instanceOf(unserved.id))?.vm_list.length === 2, WITHIN, 200);
    const vip = await balancer('node-lost', 'ROUND_ROBIN');
    let placed: ServiceInstance | undefined;
    await waitFor('a placement', async () => ((placed = await instanceOf(vip.id))?.vm_list.length ?? 0) > 0, WITHIN, 20);
    const active = placed?.vm_list.find((vm) => vm.ha === 'active: 200');
    if (!active) throw new Error('no active placement');
    const lostNode = Number(active.vr_name.split('-').pop());
    await cutPower(lostNode, placed?.vm_list.filter((vm) => vm.vr_name === active.vr_name).map((vm) => vm.uuid) ?? []);
    await settles(vip, 'ACTIVE', (d) => d === null);
    await waitFor(
      'two placements, none on the lost node, both applied',
      async () => {
        const si = await instanceOf(vip.id);
        return (
          si !== undefined && si.vm_list.length === 2 && si.vm_list.every((vm) => vm.vr_name !== active.vr_name && vm.status === 'APPLIED')
        );
      },
      WITHIN,
      200,
    );
  });

  it("ends a VIP and its pool in ERROR with the checker's message when the configuration is refused, and ACTIVE after a fixing update", async () => {
    const vip = await balancer('refused', 'SOURCE_IP');
    const refused = (d: string | null): boolean => d !== null && d.includes('injected refusal of balance source');
    await settles(vip, 'ERROR', refused);
    expect((await demo.put(`/v2.0/lb/pools/${vip.pool_id}`, { pool: { lb_method: 'ROUND_ROBIN' } })).status).toBe(200);
    await settles(vip, 'ACTIVE', (d) => d === null);

    // Once serving: a refused change leaves the old files running, but the VIP says it is not what was asked for.
    expect((await demo.put(`/v2.0/lb/pools/${vip.pool_id}`, { pool: { lb_method: 'SOURCE_IP' } })).status).toBe(200);
    await settles(vip, 'ERROR', refused);
    expect((await demo.put(`/v2.0/lb/pools/${vip.pool_id}`, { pool: { lb_method: 'ROUND_ROBIN' } })).status).toBe(200);
    await settles(vip, 'ACTIVE', (d) => d === null);
    expect((await instanceOf(vip.id)) as unknown).toMatchObject({ config_rejection: null });
  });
});
