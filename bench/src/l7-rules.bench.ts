import { ensureFabric, inNamespace, plugNamespace, removeDeadRuns, removeNamespaces } from '@lbaas/dataplane';
import { builtService, freePort, type ServiceProcess, spawnService, type Stack, startBackend, startStack, waitFor } from '@lbaas/testing';
import { type ChildProcess, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BenchRow, report } from './report';

/** Apart from the e2e runs (`lbt`) and the other benches' fabrics. */
const RUN_TAG = 'lbr';
const PREFIX = `${RUN_TAG}${process.pid.toString(16)}-`;
const CLIENT_ADDRESS = '198.18.255.250';
const FLOOR_ADDRESS = '198.18.3.10';
const MEMBERS = ['198.18.2.11', '198.18.2.12'];
const OTHER_MEMBER = '198.18.2.13';
const LEVELS = [0, 10, 100] as const;
/** Each variant: ROUNDS rounds of at most ROUND_REQUESTS requests or ROUND_MS, the two variants interleaved so drift hits them alike. */
const ROUNDS = 2;
const ROUND_REQUESTS = 4000;
const ROUND_MS = 15_000;
const WORKERS = 4;
const WARMUP_REQUESTS = 200;
const BUDGET_MS = 12 * 60_000;

/**
 * A bounded run from the client namespace over `workers` kept-alive connections, until `max`
 * requests or `maxMs`; prints {ok, failed, errors, elapsedMs}. A request counts when it is a 200
 * from the default pool (be-1 or be-2): a rule that matched by mistake would send it elsewhere.
 */
const MEASURE = `
const http = require('http'); const { performance } = require('perf_hooks');
const [address, max, maxMs, workers] = process.argv.slice(1);
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(workers) });
const started = performance.now(); const deadline = started + Number(maxMs);
let sent = 0, ok = 0, failed = 0; const errors = [];
const one = () => new Promise((resolve) => {
  const fail = (why) => { failed++; if (errors.length < 10) errors.push(why); resolve(); };
  const req = http.get({ host: address, port: 80, path: '/app/index.html', headers: { host: 'www.lbaas.test' }, agent, timeout: 5000 }, (res) => {
    let body = ''; res.setEncoding('utf8'); res.on('data', (d) => { body += d; });
    res.on('end', () => { if (res.statusCode === 200 && /^be-[12]\\n$/.test(body)) { ok++; resolve(); } else fail(res.statusCode + ' ' + body.slice(0, 80)); });
    res.on('error', (e) => fail(e.message));
  });
  req.on('timeout', () => req.destroy(new Error('timed out')));
  req.on('error', (e) => fail(e.code || e.message));
});
const worker = async () => { while (sent < Number(max) && performance.now() < deadline) { sent++; await one(); } };
Promise.all(Array.from({ length: Number(workers) }, worker)).then(() => { agent.destroy();
  console.log(JSON.stringify({ ok, failed, errors, elapsedMs: performance.now() - started })); });
`;
interface Measured {
  ok: number;
  failed: number;
  errors: string[];
  elapsedMs: number;
}

/** Rule i of a level: a PATH prefix or a host name that no request of the bench has. */
const ruleOf = (i: number) =>
  i % 2 === 0
    ? { type: 'PATH', compare_type: 'STARTS_WITH', value: `/nomatch-${i}/` }
    : { type: 'HOST_NAME', compare_type: 'EQUAL_TO', value: `nomatch-${i}.lbaas.test` };

/** The floor: the same listener and rules as one would write them by hand, one `acl` and one `use_backend` each. */
const handConfig = (dir: string, rules: number): string =>
  [
    'global',
    '    master-worker',
    `    pidfile ${dir}/haproxy.pid`,
    'defaults',
    '    mode http',
    '    retries 3',
    '    option redispatch',
    '    timeout connect 5000',
    '    timeout client 50000',
    '    timeout server 50000',
    'frontend f',
    `    bind ${FLOOR_ADDRESS}:80`,
    '    option forwardfor',
    ...Array.from({ length: rules }, (_, i) => {
      const r = ruleOf(i);
      return r.type === 'PATH' ? `    acl r${i} path_beg ${r.value}` : `    acl r${i} hdr(host) -i ${r.value}`;
    }),
    ...Array.from({ length: rules }, (_, i) => `    use_backend other if r${i}`),
    '    default_backend web',
    'backend web',
    '    balance roundrobin',
    ...MEMBERS.map((m, i) => `    server s${i + 1} ${m}:80 weight 1`),
    'backend other',
    '    balance roundrobin',
    `    server o1 ${OTHER_MEMBER}:80 weight 1`,
    '',
  ].join('\n');

/** The pids of a HAProxy master's workers (its children), read from its pid file. */
const workersOf = (pidFile: string): number[] => {
  if (!existsSync(pidFile)) return [];
  const master = readFileSync(pidFile, 'utf8').trim();
  const children = join('/proc', master, 'task', master, 'children');
  return existsSync(children) ? readFileSync(children, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number) : [];
};
/** User and system CPU of the processes, in clock ticks. */
const cpuTicks = (pids: readonly number[]): number =>
  pids.reduce((sum, pid) => {
    try {
      // Fields after the command name's closing parenthesis: utime and stime are the 12th and 13th.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return sum + Number(fields[11]) + Number(fields[12]);
    } catch {
      return sum;
    }
  }, 0);

/**
 * L7 rule evaluation cost: requests/s (kept-alive connections, WORKERS at a time) through an
 * Octavia HTTP listener with 0, 10 and 100 rules, each its own REDIRECT_TO_POOL policy that no
 * request matches, so every request is evaluated against all of them before the default pool;
 * against HAProxy started by hand in a namespace with the same rules written as `acl` and
 * `use_backend` lines, in the same run on the same fabric. Also HAProxy's CPU per request
 * (its workers' user and system time), which the client's own speed does not bound.
 */
async function run(signal: AbortSignal): Promise<void> {
  const deadline = Date.now() + BUDGET_MS;
  const check = () => {
    if (signal.aborted || Date.now() > deadline) throw new Error('l7-rules: out of time or interrupted');
  };
  const children: ChildProcess[] = [];
  const services: ServiceProcess[] = [];
  let stack: Stack | null = null;
  const runRoot = mkdtempSync(join(tmpdir(), 'lbr-run-'));
  const floorDir = join(runRoot, 'floor');
  const floorPidFile = join(floorDir, 'haproxy.pid');
  const stopFloor = () => {
    if (!existsSync(floorPidFile)) return;
    try {
      process.kill(Number(readFileSync(floorPidFile, 'utf8').trim()), 'SIGTERM');
    } catch {
      // Already gone.
    }
    rmSync(floorPidFile, { force: true });
  };
  const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  try {
    await removeDeadRuns(RUN_TAG);
    await ensureFabric(PREFIX);
    for (const [i, address] of [...MEMBERS, OTHER_MEMBER].entries())
      children.push(startBackend(await plugNamespace(PREFIX, `be-${i + 1}`, address), { name: `be-${i + 1}`, address }));
    const client = await plugNamespace(PREFIX, 'client', CLIENT_ADDRESS);
    const floorNs = await plugNamespace(PREFIX, 'floor', FLOOR_ADDRESS);
    mkdirSync(floorDir);

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
    for (const n of [1, 2]) {
      const agentEnv = { ...env, LBAAS_NODE_DRIVER: 'netns', LBAAS_NS_PREFIX: PREFIX, LBAAS_HEARTBEAT_MS: '300' };
      services.push(
        spawnService(`node-${n}`, builtService('node-agent'), { ...agentEnv, LBAAS_HEALTH_PORT: String(await freePort()) }, [
          `compute-node-${n}`,
        ]),
      );
    }
    for (const s of services) s.start();
    // A tenant with Octavia's load-balancer_member; the api reads the token file again when it changes.
    const tokensFile = join(stack.dir, 'tokens.json');
    const token = randomBytes(24).toString('hex');
    const tokens = JSON.parse(readFileSync(tokensFile, 'utf8')) as Record<string, unknown>;
    writeFileSync(
      tokensFile,
      JSON.stringify({ ...tokens, lbMember: { token, tenant_id: stack.tokens.demo.tenant_id, roles: ['member', 'load-balancer_member'] } }),
      { mode: 0o600 },
    );
    const call = async <T>(base: string, method: string, path: string, body?: object): Promise<T> => {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { 'X-Auth-Token': token, 'Content-Type': 'application/json' },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await res.text();
      if (res.status >= 300) throw new Error(`${method} ${path} -> ${res.status} ${text.slice(0, 300)}`);
      return (text ? JSON.parse(text) : {}) as T;
    };
    const s = stack;
    await waitFor(
      'the token in force',
      () =>
        call(s.octaviaUrl, 'GET', '/v2/lbaas/loadbalancers').then(
          () => true,
          () => false,
        ),
      30_000,
      200,
    );
    const net = await call<{ network: { id: string } }>(s.apiUrl, 'POST', '/v2.0/networks', { network: { name: 'bench' } });
    const subnet = await call<{ subnet: { id: string } }>(s.apiUrl, 'POST', '/v2.0/subnets', {
      subnet: { network_id: net.network.id, cidr: '198.18.1.0/24' },
    });
    const { loadbalancer } = await call<{ loadbalancer: { id: string; vip_address: string; listeners: { id: string }[] } }>(
      s.octaviaUrl,
      'POST',
      '/v2/lbaas/loadbalancers',
      {
        loadbalancer: {
          name: 'l7-bench',
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
    const active = () =>
      waitFor(
        'the load balancer ACTIVE',
        async () => {
          check();
          const shown = await call<{ loadbalancer: { provisioning_status: string } }>(
            s.octaviaUrl,
            'GET',
            `/v2/lbaas/loadbalancers/${loadbalancer.id}`,
          );
          if (shown.loadbalancer.provisioning_status === 'ERROR') throw new Error('the load balancer went ERROR');
          return shown.loadbalancer.provisioning_status === 'ACTIVE';
        },
        60_000,
        50,
      );
    await active();
    const other = await call<{ pool: { id: string } }>(s.octaviaUrl, 'POST', '/v2/lbaas/pools', {
      pool: { loadbalancer_id: loadbalancer.id, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN', name: 'other' },
    });
    await active();
    await call(s.octaviaUrl, 'POST', `/v2/lbaas/pools/${other.pool.id}/members`, { member: { address: OTHER_MEMBER, protocol_port: 80 } });
    await active();
    const listenerId = loadbalancer.listeners[0].id;
    /** The rendered configurations, one per placement, and their HAProxy masters' pid files. */
    const placements = () => readdirSync(runRoot).filter((d) => d !== 'floor' && existsSync(join(runRoot, d, 'haproxy.cfg')));
    const rendered = async (rules: number) =>
      waitFor(
        `haproxy.cfg with ${rules} rules on both placements`,
        () => {
          const dirs = placements();
          return (
            dirs.length === 2 &&
            dirs.every((d) => (readFileSync(join(runRoot, d, 'haproxy.cfg'), 'utf8').match(/^\s+acl /gm) ?? []).length === rules)
          );
        },
        60_000,
        100,
      );

    const measure = async (address: string, max: number): Promise<Measured> => {
      check();
      const { stdout } = await inNamespace(
        client,
        process.execPath,
        ['-e', MEASURE, address, String(max), String(ROUND_MS), String(WORKERS)],
        ROUND_MS + 30_000,
      );
      return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Measured;
    };
    /** A round against `address`, with HAProxy's workers' CPU over it. */
    const round = async (address: string, pidFiles: () => string[]) => {
      const pids = pidFiles().flatMap(workersOf);
      const before = cpuTicks(pids);
      const m = await measure(address, ROUND_REQUESTS);
      return { ...m, cpuMs: ((cpuTicks(pids) - before) * 1000) / ticksPerSecond };
    };
    const vipPidFiles = () => placements().map((d) => join(runRoot, d, 'haproxy.pid'));
    type Round = Awaited<ReturnType<typeof round>>;
    const results: Record<number, { vip: Round[]; floor: Round[] }> = {};
    let policies = 0;
    for (const level of LEVELS) {
      while (policies < level) {
        await call(s.octaviaUrl, 'POST', '/v2/lbaas/l7policies', {
          l7policy: { listener_id: listenerId, action: 'REDIRECT_TO_POOL', redirect_pool_id: other.pool.id, rules: [ruleOf(policies)] },
        });
        policies++;
        await active();
      }
      await rendered(level);
      stopFloor();
      writeFileSync(join(floorDir, 'haproxy.cfg'), handConfig(floorDir, level));
      execFileSync('ip', ['netns', 'exec', floorNs, '/usr/sbin/haproxy', '-W', '-D', '-f', join(floorDir, 'haproxy.cfg')], {
        stdio: 'ignore',
      });
      await waitFor('the floor HAProxy answering', async () => (await measure(FLOOR_ADDRESS, 1)).ok === 1, 10_000, 100);
      await waitFor('the VIP answering', async () => (await measure(loadbalancer.vip_address, 1)).ok === 1, 30_000, 100);
      await measure(loadbalancer.vip_address, WARMUP_REQUESTS);
      await measure(FLOOR_ADDRESS, WARMUP_REQUESTS);
      results[level] = { vip: [], floor: [] };
      for (let r = 0; r < ROUNDS; r++) {
        results[level].vip.push(await round(loadbalancer.vip_address, vipPidFiles));
        results[level].floor.push(await round(FLOOR_ADDRESS, () => [floorPidFile]));
      }
    }

    const perSecond = (ms: readonly Measured[]) => ms.reduce((a, m) => a + m.ok, 0) / (ms.reduce((a, m) => a + m.elapsedMs, 0) / 1000);
    const cpuPerRequestUs = (ms: readonly (Measured & { cpuMs: number })[]) =>
      (ms.reduce((a, m) => a + m.cpuMs, 0) * 1000) /
      Math.max(
        1,
        ms.reduce((a, m) => a + m.ok, 0),
      );
    const rows: BenchRow[] = LEVELS.flatMap((level) => [
      {
        metric: `requests/s through a listener with ${level} L7 rules (none matching)`,
        value: perSecond(results[level].vip),
        unit: 'req/s',
        floor: { metric: `HAProxy by hand with ${level} rules (req/s)`, value: perSecond(results[level].floor) },
      },
      {
        metric: `HAProxy CPU per request, ${level} rules`,
        value: cpuPerRequestUs(results[level].vip),
        unit: 'µs',
        floor: { metric: `HAProxy by hand, ${level} rules (µs)`, value: cpuPerRequestUs(results[level].floor) },
      },
    ]);
    const failed = LEVELS.flatMap((l) => [...results[l].vip, ...results[l].floor]).filter((m) => m.failed > 0);
    report('l7-rules', rows, {
      haproxy: execFileSync('/usr/sbin/haproxy', ['-v'], { encoding: 'utf8' }).split('\n')[0],
      requests: { rounds: ROUNDS, perRound: ROUND_REQUESTS, roundMs: ROUND_MS, workers: WORKERS, keepAlive: true, warmup: WARMUP_REQUESTS },
      rules: 'each its own REDIRECT_TO_POOL policy, PATH STARTS_WITH and HOST_NAME EQUAL_TO alternately, none matching',
      cpuClockTicksPerSecond: ticksPerSecond,
      answered: Object.fromEntries(
        LEVELS.map((l) => [l, { vip: results[l].vip.map((m) => m.ok), floor: results[l].floor.map((m) => m.ok) }]),
      ),
      failed: failed.map((m) => ({ failed: m.failed, errors: m.errors })),
    });
  } finally {
    stopFloor();
    await Promise.all(services.map((p) => p.stop()));
    for (const c of children) c.kill('SIGKILL');
    await removeNamespaces(PREFIX);
    await stack?.stop();
    rmSync(runRoot, { recursive: true, force: true });
  }
}

export const l7Rules = { name: 'l7-rules', run };
