import { builtService, freePort, type ServiceProcess, spawnService, type Stack, startStack, waitFor } from '@lbaas/testing';
import { join } from 'node:path';
import { NeutronApi, type Pool, type Vip } from '../acceptance/neutron-api';

/** The admin view of a service instance, in the seed system's shape (written from the issue, not imported). */
interface ServiceInstance {
  id: string;
  tenant_id: string;
  vip_id: string;
  pool_id: string;
  status: string;
  status_description: string | null;
  degraded: boolean;
  vm_list: { uuid: string; vr_name: string; ha: string }[];
  create_ts: number;
  st_name: string;
  virtual_router_id: number;
  failover_history: { at: string; event: string; from_node: string | null; to_node: string | null; reason: string }[];
}
interface Node {
  id: string;
  name: string;
  status: string;
}

const CLI = join(__dirname, '..', '..', 'apps', 'cli', 'dist', 'main.js');
const VIPS = 50;
const SILENCE_MS = 1500;

/**
 * The scheduler as an operator sees it: real nats-server, api, projections, two scheduler
 * replicas and simulated compute nodes (`lbaas dev nodes`, the fake driver), driven over HTTP.
 */
describe('placing service instances (two schedulers, five simulated nodes, fifty VIPs)', () => {
  let stack: Stack;
  let admin: NeutronApi;
  let demo: NeutronApi;
  const schedulers: ServiceProcess[] = [];
  const healthPorts: number[] = [];
  let keptNodes: ServiceProcess;
  let doomedNodes: ServiceProcess;
  const vips: Vip[] = [];

  const instances = async (): Promise<ServiceInstance[]> => {
    const reply = await admin.get<{ service_instances: ServiceInstance[] }>('/v2.0/lb/service_instances');
    expect(reply.status).toBe(200);
    return reply.body.service_instances;
  };
  const nodesOf = (si: ServiceInstance) => si.vm_list.map((vm) => vm.vr_name);
  const leaderIndex = async (): Promise<number> => {
    for (const [i, port] of healthPorts.entries()) {
      if (!schedulers[i].running()) continue;
      const health = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as { leading?: boolean };
      if (health.leading) return i;
    }
    return -1;
  };

  beforeAll(async () => {
    stack = await startStack();
    demo = new NeutronApi(stack.apiUrl, stack.tokens.demo.token);
    admin = demo.as(stack.tokens.admin.token);
    const env = {
      LBAAS_NATS_URL: stack.nats.url,
      LBAAS_NODE_SILENCE_MS: String(SILENCE_MS),
      LBAAS_LEASE_TTL_MS: '1500',
      LBAAS_SCHEDULER_SEED: '7',
    };
    for (const name of ['scheduler-a', 'scheduler-b']) {
      const port = await freePort();
      healthPorts.push(port);
      const s = spawnService(name, builtService('scheduler'), { ...env, LBAAS_HEALTH_PORT: String(port) });
      s.start();
      schedulers.push(s);
    }
    keptNodes = spawnService('nodes-kept', CLI, { LBAAS_NATS_URL: stack.nats.url }, [
      'dev',
      'nodes',
      '--count',
      '3',
      '--prefix',
      'kept',
      '--heartbeat-ms',
      '300',
    ]);
    doomedNodes = spawnService('nodes-doomed', CLI, { LBAAS_NATS_URL: stack.nats.url }, [
      'dev',
      'nodes',
      '--count',
      '2',
      '--prefix',
      'doomed',
      '--heartbeat-ms',
      '300',
    ]);
    keptNodes.start();
    doomedNodes.start();
    await waitFor(
      'five live nodes',
      async () => {
        const reply = await admin.get<{ nodes: Node[] }>('/v2.0/lb/nodes');
        return reply.status === 200 && reply.body.nodes.filter((n) => n.status === 'UP').length === 5;
      },
      60_000,
      200,
    );
  }, 180_000);

  afterAll(async () => {
    await Promise.all([...schedulers, keptNodes, doomedNodes].filter(Boolean).map((p) => p.stop()));
    await stack?.stop();
  }, 60_000);

  it('creates fifty VIPs through the API and places each on two distinct nodes, load balanced within one', async () => {
    const net = await demo.create<{ id: string }>('/v2.0/networks', 'network', { name: 'vipnet' });
    const subnet = await demo.create<{ id: string }>('/v2.0/subnets', 'subnet', {
      network_id: net.id,
      cidr: '198.18.4.0/24',
      ip_version: 4,
    });
    for (let batch = 0; batch < VIPS; batch += 10) {
      vips.push(
        ...(await Promise.all(
          Array.from({ length: 10 }, async (_, i) => {
            const pool = await demo.create<Pool>('/v2.0/lb/pools', 'pool', {
              name: `pool-${batch + i}`,
              subnet_id: subnet.id,
              protocol: 'HTTP',
              lb_method: 'ROUND_ROBIN',
            });
            return demo.create<Vip>('/v2.0/lb/vips', 'vip', {
              name: `vip-${batch + i}`,
              subnet_id: subnet.id,
              protocol: 'HTTP',
              protocol_port: 80,
              pool_id: pool.id,
            });
          }),
        )),
      );
    }
    await waitFor(
      'fifty protected instances',
      async () => {
        const all = await instances();
        return all.length === VIPS && all.every((si) => si.status === 'ACTIVE' && !si.degraded);
      },
      60_000,
      250,
    );
    const all = await instances();
    expect(new Set(all.map((si) => si.vip_id))).toEqual(new Set(vips.map((v) => v.id)));
    const load = new Map<string, number>();
    for (const si of all) {
      expect(si).toMatchObject({
        st_name: 'default-domain:haproxy-loadbalancer-template',
        tenant_id: stack.tokens.demo.tenant_id,
        degraded: false,
      });
      expect(si.vm_list.map((vm) => vm.ha)).toEqual(['active: 200', 'standby: 100']);
      expect(new Set(nodesOf(si)).size).toBe(2);
      expect(si.create_ts).toBeGreaterThan(Date.parse('2026-01-01') * 1000);
      expect(si.pool_id).toBe(vips.find((v) => v.id === si.vip_id)?.pool_id);
      for (const n of nodesOf(si)) load.set(n, (load.get(n) ?? 0) + 1);
    }
    expect(load.size).toBe(5);
    expect(Math.max(...load.values()) - Math.min(...load.values())).toBeLessThanOrEqual(1);
  });

  it('shows one instance by id to admins and refuses the collection to tenants', async () => {
    const [first] = await instances();
    const one = await admin.get<{ service_instance: ServiceInstance }>(`/v2.0/lb/service_instances/${first.id}`);
    expect(one.status).toBe(200);
    expect(one.body.service_instance).toEqual(first);
    for (const path of ['/v2.0/lb/service_instances', `/v2.0/lb/service_instances/${first.id}`, '/v2.0/lb/nodes']) {
      const reply = await demo.get<{ NeutronError: { type: string } }>(path);
      expect(reply.status).toBe(403);
      expect(reply.body.NeutronError.type).toBe('PolicyNotAuthorized');
    }
  });

  it('moves every instance off two lost nodes, recording the failovers', async () => {
    const before = new Map((await instances()).map((si) => [si.id, si]));
    await doomedNodes.kill();
    await waitFor(
      'two lost nodes and every instance on two live nodes',
      async () => {
        const all = await instances();
        return (
          all.length === VIPS &&
          all.every((si) => !si.degraded && si.vm_list.length === 2 && nodesOf(si).every((n) => n.startsWith('kept-')))
        );
      },
      60_000,
      250,
    );
    const nodes = (await admin.get<{ nodes: Node[] }>('/v2.0/lb/nodes')).body.nodes;
    expect(
      nodes
        .filter((n) => n.status === 'LOST')
        .map((n) => n.id)
        .sort(),
    ).toEqual(['doomed-1', 'doomed-2']);
    let failovers = 0;
    for (const si of await instances()) {
      expect(new Set(nodesOf(si)).size).toBe(2);
      const old = before.get(si.id);
      // With both nodes of a pair lost there is no standby to promote: both placements are made anew.
      const standbyPromoted = old?.vm_list[0].vr_name.startsWith('doomed-') && old.vm_list[1].vr_name.startsWith('kept-');
      if (standbyPromoted) {
        failovers++;
        expect(si.failover_history.map((h) => h.event)).toContain('failed_over');
        expect(si.vm_list[0].uuid).toBe(old?.vm_list[1].uuid);
      }
    }
    expect(failovers).toBeGreaterThan(0);
  });

  it('keeps placing when the leading scheduler is killed', async () => {
    const leader = await leaderIndex();
    expect(leader).toBeGreaterThanOrEqual(0);
    await schedulers[leader].kill();
    const net = await demo.create<{ id: string }>('/v2.0/networks', 'network', { name: 'late' });
    const subnet = await demo.create<{ id: string }>('/v2.0/subnets', 'subnet', {
      network_id: net.id,
      cidr: '198.18.5.0/24',
      ip_version: 4,
    });
    const pool = await demo.create<Pool>('/v2.0/lb/pools', 'pool', {
      name: 'late',
      subnet_id: subnet.id,
      protocol: 'TCP',
      lb_method: 'SOURCE_IP',
    });
    const vip = await demo.create<Vip>('/v2.0/lb/vips', 'vip', {
      name: 'late',
      subnet_id: subnet.id,
      protocol: 'TCP',
      protocol_port: 5432,
      pool_id: pool.id,
    });
    await waitFor(
      'the late VIP placed by the other scheduler',
      async () => (await instances()).some((si) => si.vip_id === vip.id && si.vm_list.length === 2),
      60_000,
      250,
    );
    expect(await leaderIndex()).toBe(1 - leader);
    vips.push(vip);
  });

  it('removes the instance of a deleted VIP once its placements are released', async () => {
    const vip = vips[0];
    const si = (await instances()).find((s) => s.vip_id === vip.id);
    expect((await demo.delete(`/v2.0/lb/vips/${vip.id}`)).status).toBe(204);
    await waitFor('the instance gone', async () => (await admin.get(`/v2.0/lb/service_instances/${si?.id}`)).status === 404, 60_000, 250);
    expect((await instances()).some((s) => s.vip_id === vip.id)).toBe(false);
  });
});
