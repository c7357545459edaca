import { ensureFabric, plugNamespace, removeNamespaces } from '@lbaas/dataplane';
import { builtService, freePort, type ServiceProcess, spawnService, type Stack, startBackend, startStack } from '@lbaas/testing';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { FLOOR_POLL_MS, handHaproxyFloor, untilAnswer } from './dataplane-floors';
import { type BenchRow, percentile, report } from './report';

const PREFIX = `lbo${process.pid.toString(16)}-`;
const RUNS = 20;
const BUDGET_MS = 8 * 60_000;
const MEMBERS = ['198.18.2.11', '198.18.2.12'];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sorted = (xs: readonly number[]) => [...xs].sort((a, b) => a - b);

/**
 * Octavia's single-call create end to end: `POST /v2/lbaas/loadbalancers` with a listener, a
 * pool and two members in one body, to the first 200 through its VIP, on the netns data plane
 * with three agents; against the v1 dataplane bench's floor measured in the same run on the same
 * fabric (a namespace plus HAProxy started by hand). Also the time until the API shows the load
 * balancer ACTIVE, which `--wait` clients wait for.
 */
async function run(signal: AbortSignal): Promise<void> {
  const deadline = Date.now() + BUDGET_MS;
  const check = () => {
    if (signal.aborted || Date.now() > deadline) throw new Error('octavia-create: out of time or interrupted');
  };
  const children: ChildProcess[] = [];
  const services: ServiceProcess[] = [];
  let stack: Stack | null = null;
  const runRoot = mkdtempSync(join(tmpdir(), 'lbo-run-'));
  try {
    await ensureFabric(PREFIX);
    for (const [i, address] of MEMBERS.entries()) {
      children.push(startBackend(await plugNamespace(PREFIX, `be-${i + 1}`, address), { name: `be-${i + 1}`, address }));
    }
    const client = await plugNamespace(PREFIX, 'client', '198.18.255.250');
    const floor = await handHaproxyFloor({ prefix: PREFIX, runRoot, client, servers: MEMBERS.map((m) => `${m}:80`), runs: RUNS, check });

    stack = await startStack();
    const env = {
      LBAAS_NATS_URL: stack.nats.url,
      LBAAS_RUN_DIR: runRoot,
      LBAAS_SECRET_KEY_FILE: join(runRoot, 'secret.key'),
      LBAAS_NODE_SILENCE_MS: '2000',
    };
    services.push(spawnService('scheduler', builtService('scheduler'), { ...env, LBAAS_HEALTH_PORT: String(await freePort()) }));
    services.push(
      spawnService('config-renderer', builtService('config-renderer'), { ...env, LBAAS_HEALTH_PORT: String(await freePort()) }),
    );
    for (const n of [1, 2, 3]) {
      const agentEnv = { ...env, LBAAS_NODE_DRIVER: 'netns', LBAAS_NS_PREFIX: PREFIX, LBAAS_HEARTBEAT_MS: '300' };
      services.push(
        spawnService(`node-${n}`, builtService('node-agent'), { ...agentEnv, LBAAS_HEALTH_PORT: String(await freePort()) }, [
          `compute-node-${n}`,
        ]),
      );
    }
    for (const s of services) s.start();
    // A tenant with Octavia's load-balancer_member (the stack's dev tokens have member only); the api reads the file again when it changes.
    const tokensFile = join(stack.dir, 'tokens.json');
    const token = randomBytes(24).toString('hex');
    const tokens = JSON.parse(readFileSync(tokensFile, 'utf8')) as Record<string, unknown>;
    const lbMember = { token, tenant_id: stack.tokens.demo.tenant_id, roles: ['member', 'load-balancer_member'] };
    writeFileSync(tokensFile, JSON.stringify({ ...tokens, lbMember }), { mode: 0o600 });
    const call = async <T>(base: string, method: string, path: string, body?: object, as = token): Promise<T> => {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { 'X-Auth-Token': as, 'Content-Type': 'application/json' },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await res.text();
      if (res.status >= 300) throw new Error(`${method} ${path} -> ${res.status} ${text.slice(0, 300)}`);
      return (text ? JSON.parse(text) : {}) as T;
    };
    const s = stack;
    await sleep(3000);
    const net = await call<{ network: { id: string } }>(s.apiUrl, 'POST', '/v2.0/networks', { network: { name: 'bench' } });
    const subnet = await call<{ subnet: { id: string } }>(s.apiUrl, 'POST', '/v2.0/subnets', {
      subnet: { network_id: net.network.id, cidr: '198.18.0.0/16' },
    });

    const toAnswer: number[] = [];
    const toActive: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      check();
      const started = performance.now();
      const { loadbalancer } = await call<{ loadbalancer: { id: string; vip_address: string } }>(
        s.octaviaUrl,
        'POST',
        '/v2/lbaas/loadbalancers',
        {
          loadbalancer: {
            name: `bench-${i}`,
            vip_subnet_id: subnet.subnet.id,
            listeners: [{ protocol: 'HTTP', protocol_port: 80, default_pool: { name: 'web' } }],
            pools: [
              {
                name: 'web',
                protocol: 'HTTP',
                lb_algorithm: 'ROUND_ROBIN',
                members: MEMBERS.map((address) => ({ address, protocol_port: 80 })),
              },
            ],
          },
        },
      );
      // From before the POST, as the v1 bench measures its VIPs: the api's answer is part of it.
      await untilAnswer(client, `http://${loadbalancer.vip_address}/`);
      toAnswer.push(performance.now() - started);
      for (let w = 0; w < 400; w++) {
        const shown = await call<{ loadbalancer: { provisioning_status: string } }>(
          s.octaviaUrl,
          'GET',
          `/v2/lbaas/loadbalancers/${loadbalancer.id}`,
        );
        if (shown.loadbalancer.provisioning_status === 'ACTIVE') break;
        await sleep(FLOOR_POLL_MS);
      }
      toActive.push(performance.now() - started);
      await call(s.octaviaUrl, 'DELETE', `/v2/lbaas/loadbalancers/${loadbalancer.id}?cascade=true`);
      // The next load balancer takes the address back: it must not find this one's HAProxy still answering there.
      for (let w = 0; w < 400; w++) {
        const { amphorae } = await call<{ amphorae: unknown[] }>(
          s.octaviaUrl,
          'GET',
          `/v2/octavia/amphorae?loadbalancer_id=${loadbalancer.id}`,
          undefined,
          s.tokens.admin.token,
        );
        if (amphorae.length === 0) break;
        await sleep(50);
      }
    }

    const rows: BenchRow[] = [50, 95].map((p) => ({
      metric: `POST loadbalancer (listener, pool, 2 members) -> first 200, p${p}`,
      value: percentile(sorted(toAnswer), p),
      unit: 'ms',
      floor: { metric: `namespace + HAProxy by hand, p${p} (ms)`, value: percentile(sorted(floor), p) },
    }));
    rows.push(
      { metric: 'POST loadbalancer -> ACTIVE in the API (and the first 200), p50', value: percentile(sorted(toActive), 50), unit: 'ms' },
      { metric: 'POST loadbalancer -> ACTIVE in the API (and the first 200), p95', value: percentile(sorted(toActive), 95), unit: 'ms' },
    );
    report('octavia-create', rows, {
      runs: RUNS,
      pollMs: FLOOR_POLL_MS,
      toAnswerMs: toAnswer.map(Math.round),
      toActiveMs: toActive.map(Math.round),
      floorMs: floor.map(Math.round),
    });
  } finally {
    await Promise.all(services.map((p) => p.stop()));
    for (const c of children) c.kill('SIGKILL');
    await removeNamespaces(PREFIX);
    await stack?.stop();
    rmSync(runRoot, { recursive: true, force: true });
  }
}

export const octaviaCreate = { name: 'octavia-create', run };
