import { ensureFabric, plugNamespace, removeNamespaces } from '@lbaas/dataplane';
import type { EventEnvelope } from '@lbaas/domain';
import { type CommitFollower, connectNats, followCommits } from '@lbaas/event-log';
import { builtService, freePort, type ServiceProcess, spawnService, type Stack, startStack } from '@lbaas/testing';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { NatsConnection } from 'nats';
import { FLOOR_POLL_MS, handHaproxyConfig, handHaproxyFloor, handVrrpFloor, plainKeepalivedConfig, untilAnswer } from './dataplane-floors';
import { type BenchRow, percentile, report, round } from './report';
import { checkLines, stageTable, stepLines, type VipRun, vipTimeline } from './vip-timeline';

const PREFIX = `lbb${process.pid.toString(16)}-`;
const RUNS = 10;
const FAILOVERS = 5;
const MEMBER_CHANGES = 50;
const RELOADS = 20;
const BUDGET_MS = 8 * 60_000;

const BACKEND = (name: string, address: string) => `require('http').createServer((q, r) => r.end('${name}\\n')).listen(80, '${address}')`;
/**
 * A bounded client in the client namespace: 4 workers, a new connection per request, until the
 * stop file exists or 60 s pass; prints {ok, failed}. New connections, because an idle keep-alive
 * connection that the old HAProxy process closes at a reload races the client's next request on
 * it (ECONNRESET) on any HTTP server; clients retry those, and they would hide what this counts.
 */
const LOAD = (url: string, stopFile: string) => `
const http = require('http'); const fs = require('fs'); let ok = 0, failed = 0; const end = Date.now() + 60000;
const one = () => new Promise((res) => { const q = http.get('${url}', { timeout: 2000, agent: false }, (r) => { r.resume(); r.on('end', () => { r.statusCode === 200 ? ok++ : failed++; res(); }); });
  q.on('error', () => { failed++; res(); }); q.on('timeout', () => q.destroy()); });
const worker = async () => { while (!fs.existsSync('${stopFile}') && Date.now() < end) await one(); };
Promise.all([worker(), worker(), worker(), worker()]).then(() => console.log(JSON.stringify({ ok, failed })));`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The results of a run of the code before a change (LBAAS_BENCH_BEFORE names its JSON), kept in
 * this run's JSON: a before and after measured back to back in one session, on the same load.
 */
function runBefore(): { readonly at: string; readonly context: unknown; readonly rows: unknown } | null {
  const path = process.env.LBAAS_BENCH_BEFORE?.trim();
  if (!path) return null;
  const { at, context, rows } = JSON.parse(readFileSync(path, 'utf8')) as { at: string; context: unknown; rows: unknown };
  return { at, context, rows };
}

/** SIGKILL of the process in a pid file, waiting (bounded) for the file: an agent may be restarting the daemon. */
async function killFromPidFile(path: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const pid = Number(
      (() => {
        try {
          return readFileSync(path, 'utf8').trim();
        } catch {
          return '';
        }
      })(),
    );
    if (pid > 1) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch (error) {
        // Gone already: keepalived's VRRP child ends with its parent.
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
      }
      return;
    }
    await sleep(50);
  }
  throw new Error(`no pid in ${path}`);
}

/**
 * The data plane end to end, against floors measured in the same run on the same fabric: the
 * time from `POST vip` to the first 200 through it (floor: a namespace plus HAProxy started by
 * hand with the same kind of config), the failover gap (floor: a plain keepalived pair with the
 * same settings), and requests lost across member changes and reloads under a bounded load.
 */
async function run(signal: AbortSignal): Promise<void> {
  const before = runBefore();
  const deadline = Date.now() + BUDGET_MS;
  const check = () => {
    if (signal.aborted || Date.now() > deadline) throw new Error('dataplane: out of time or interrupted');
  };
  const children: ChildProcess[] = [];
  const services: ServiceProcess[] = [];
  let stack: Stack | null = null;
  let nc: NatsConnection | null = null;
  let follower: CommitFollower | null = null;
  const runRoot = mkdtempSync(join(tmpdir(), 'lbb-run-'));
  try {
    await ensureFabric(PREFIX);
    for (const [name, address] of [
      ['be-1', '198.18.2.11'],
      ['be-2', '198.18.2.12'],
    ]) {
      const ns = await plugNamespace(PREFIX, name, address);
      children.push(
        spawn('ip', ['netns', 'exec', ns, process.execPath, `--title=lb-${name}`, '-e', BACKEND(name, address)], { stdio: 'ignore' }),
      );
    }
    const client = await plugNamespace(PREFIX, 'client', '198.18.255.250');

    // Floor 1: a namespace, its address and HAProxy by hand, until the first 200.
    const floorOptions = { prefix: PREFIX, runRoot, client, servers: ['198.18.2.11:80', '198.18.2.12:80'], runs: RUNS, check };
    const floorStart = await handHaproxyFloor(floorOptions);

    // Floor 1b: the same with keepalived's election as the design fixes it (priority 200, advert_int 0.1).
    const floorVrrp = await handVrrpFloor(floorOptions);

    stack = await startStack();
    const env = {
      LBAAS_NATS_URL: stack.nats.url,
      LBAAS_RUN_DIR: runRoot,
      LBAAS_SECRET_KEY_FILE: join(runRoot, 'secret.key'),
      LBAAS_NODE_SILENCE_MS: '2000',
      // The renderer's `checked` and the agents' `step done` lines: what the stage table is made of.
      LBAAS_LOG_LEVEL: 'debug',
    };
    services.push(spawnService('scheduler', builtService('scheduler'), { ...env, LBAAS_HEALTH_PORT: String(await freePort()) }));
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
          },
          [`compute-node-${n}`],
        ),
      );
    }
    for (const s of services) s.start();
    const s = stack;
    const call = async <T>(method: string, path: string, body?: object): Promise<T> => {
      const res = await fetch(`${s.apiUrl}${path}`, {
        method,
        headers: { 'X-Auth-Token': s.tokens.demo.token, 'Content-Type': 'application/json' },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await res.text();
      if (res.status >= 300) throw new Error(`${method} ${path} -> ${res.status} ${text.slice(0, 300)}`);
      return (text ? JSON.parse(text) : {}) as T;
    };
    await sleep(3000);
    // Every event the run appends, for the stage table (their occurredAt).
    const events: EventEnvelope[] = [];
    nc = await connectNats('lbaas-bench-dataplane', s.nats.url);
    follower = await followCommits({
      nc,
      onCommit: ({ commit }) => {
        events.push(...commit.events);
      },
    });
    const net = await call<{ network: { id: string } }>('POST', '/v2.0/networks', { network: { name: 'bench' } });
    const subnet = (
      await call<{ subnet: { id: string } }>('POST', '/v2.0/subnets', { subnet: { network_id: net.network.id, cidr: '198.18.0.0/16' } })
    ).subnet.id;
    const newPool = async (): Promise<{ pool: string; members: string[] }> => {
      const pool = (
        await call<{ pool: { id: string } }>('POST', '/v2.0/lb/pools', {
          pool: { subnet_id: subnet, protocol: 'HTTP', lb_method: 'ROUND_ROBIN' },
        })
      ).pool.id;
      const members: string[] = [];
      for (const address of ['198.18.2.11', '198.18.2.12']) {
        members.push(
          (await call<{ member: { id: string } }>('POST', '/v2.0/lb/members', { member: { pool_id: pool, address, protocol_port: 80 } }))
            .member.id,
        );
      }
      return { pool, members };
    };

    // The system: POST vip -> first 200 through it.
    const vipToAnswer: number[] = [];
    const vipRuns: Omit<VipRun, 'events' | 'checks' | 'steps'>[] = [];
    for (let i = 0; i < RUNS; i++) {
      check();
      const { pool } = await newPool();
      const postedAt = Date.now();
      const started = performance.now();
      // A fresh address each run, as the floor's: the subnet hands a deleted VIP's address to the
      // next VIP, and the deleted VIP's namespace, still going, would answer for it.
      const vip = (
        await call<{ vip: { id: string; address: string } }>('POST', '/v2.0/lb/vips', {
          vip: { subnet_id: subnet, protocol: 'HTTP', protocol_port: 80, pool_id: pool, address: `198.18.6.${10 + i}` },
        })
      ).vip;
      await untilAnswer(client, `http://${vip.address}/`);
      vipToAnswer.push(performance.now() - started);
      vipRuns.push({ vipId: vip.id, postedAt, answeredAt: Date.now() });
      // The ACTIVE the active's agent appends once it sees the address (it may come after the answer), before the VIP goes.
      const isActive = (e: EventEnvelope) =>
        e.type === 'VipStatusChanged' && e.aggregateId === vip.id && (e.data as { status?: string }).status === 'ACTIVE';
      for (let w = 0; w < 100 && !events.some(isActive); w++) await sleep(50);
      if (i < RUNS - 1) await call('DELETE', `/v2.0/lb/vips/${vip.id}`);
    }

    // The last VIP stays for the failover and change measurements.
    const instances = (await fetch(`${s.apiUrl}/v2.0/lb/service_instances`, { headers: { 'X-Auth-Token': s.tokens.admin.token } }).then(
      (r) => r.json(),
    )) as { service_instances: { vip_id: string; vm_list: { uuid: string; ha: string }[] }[] };
    const vips = await call<{ vips: { id: string; address: string; pool_id: string }[] }>('GET', '/v2.0/lb/vips');
    const lastVip = vips.vips[0];
    const url = `http://${lastVip.address}/`;

    const failoverGap: number[] = [];
    for (let i = 0; i < FAILOVERS; i++) {
      check();
      const current = (
        (await fetch(`${s.apiUrl}/v2.0/lb/service_instances?vip_id=${lastVip.id}`, {
          headers: { 'X-Auth-Token': s.tokens.admin.token },
        }).then((r) => r.json())) as typeof instances
      ).service_instances[0];
      const active = current.vm_list.find((vm) => vm.ha === 'active: 200');
      if (!active) throw new Error('no active placement');
      // keepalived's parent and its VRRP child, and HAProxy's master (its workers follow).
      for (const f of ['keepalived.pid', 'vrrp.pid', 'haproxy.pid']) await killFromPidFile(join(runRoot, active.uuid, f));
      failoverGap.push(await untilAnswer(client, url));
      // Let the agent restart the killed daemons and the active win the VIP back before the next round.
      await sleep(4000);
    }

    // Floor 2: a plain keepalived pair with the same settings, by hand.
    const plainGap: number[] = [];
    for (let i = 0; i < FAILOVERS; i++) {
      check();
      const pair = await Promise.all(
        ['a', 'b'].map(async (x, k) => {
          const ns = await plugNamespace(PREFIX, `ka-${i}-${x}`, `198.19.250.${10 * i + k + 1}`);
          execFileSync('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv4.ip_nonlocal_bind=1']);
          const dir = join(runRoot, `ka-${i}-${x}`);
          mkdirSync(dir);
          writeFileSync(join(dir, 'haproxy.cfg'), handHaproxyConfig(dir, `198.18.4.${10 + i}:80`, ['198.18.2.11:80']));
          const own = (n: number) => `198.19.250.${10 * i + n + 1}`;
          writeFileSync(
            join(dir, 'keepalived.conf'),
            plainKeepalivedConfig({ name: `ka${x}`, master: k === 0, self: own(k), peer: own(1 - k), vip: `198.18.4.${10 + i}` }),
          );
          execFileSync('ip', ['netns', 'exec', ns, '/usr/sbin/haproxy', '-W', '-D', '-f', join(dir, 'haproxy.cfg')], { stdio: 'ignore' });
          execFileSync('ip', [
            'netns',
            'exec',
            ns,
            '/usr/sbin/keepalived',
            '-f',
            join(dir, 'keepalived.conf'),
            '-p',
            join(dir, 'k.pid'),
            '-r',
            join(dir, 'v.pid'),
            '--vrrp',
          ]);
          return { ns, dir };
        }),
      );
      await untilAnswer(client, `http://198.18.4.${10 + i}/`);
      await sleep(1000);
      for (const f of ['k.pid', 'v.pid', 'haproxy.pid']) await killFromPidFile(join(pair[0].dir, f));
      plainGap.push(await untilAnswer(client, `http://198.18.4.${10 + i}/`));
      for (const p of pair) await removeNamespaces(p.ns);
    }

    // Member changes (runtime API) and reloads (connection_limit) under a bounded load.
    const poolOf = lastVip.pool_id;
    const members = (await call<{ members: { id: string }[] }>('GET', `/v2.0/lb/members?pool_id=${poolOf}`)).members.map((m) => m.id);
    const stopFile = join(runRoot, 'stop-load');
    const load = spawn('ip', ['netns', 'exec', client, process.execPath, '-e', LOAD(url, stopFile)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let loadOut = '';
    load.stdout.on('data', (d: Buffer) => (loadOut += d.toString()));
    await sleep(500);
    for (let i = 0; i < MEMBER_CHANGES; i++) {
      check();
      await call('PUT', `/v2.0/lb/members/${members[i % 2]}`, { member: { weight: 1 + (i % 5) } });
      await sleep(100);
    }
    for (let i = 0; i < RELOADS; i++) {
      check();
      await call('PUT', `/v2.0/lb/vips/${lastVip.id}`, { vip: { connection_limit: 1000 + i } });
      await sleep(300);
    }
    await sleep(1000);
    writeFileSync(stopFile, '');
    await new Promise((r) => load.once('exit', r));
    const loadResult = JSON.parse(loadOut.trim() || '{"ok":0,"failed":-1}') as { ok: number; failed: number };

    const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
    const checks = checkLines(services.find((p) => p.name === 'config-renderer')?.logs() ?? '');
    const steps = services.filter((p) => p.name.startsWith('node-')).flatMap((p) => stepLines(p.logs()));
    const timelines = vipRuns.map((r) => vipTimeline({ ...r, events, checks, steps }));
    const stages = stageTable(timelines).map((r) => ({
      stage: r.stage,
      p50: Math.round(r.p50),
      p95: Math.round(r.p95),
      share: `${round(r.share).toFixed(1)} %`,
    }));
    const rows: BenchRow[] = [
      {
        metric: 'POST vip -> first 200, p50',
        value: percentile(sorted(vipToAnswer), 50),
        unit: 'ms',
        floor: { metric: 'namespace + HAProxy by hand, p50 (ms)', value: percentile(sorted(floorStart), 50) },
      },
      {
        metric: 'POST vip -> first 200, p95',
        value: percentile(sorted(vipToAnswer), 95),
        unit: 'ms',
        floor: { metric: 'namespace + HAProxy by hand, p95 (ms)', value: percentile(sorted(floorStart), 95) },
      },
      {
        metric: 'POST vip -> first 200, p50 (against keepalived by hand)',
        value: percentile(sorted(vipToAnswer), 50),
        unit: 'ms',
        floor: {
          metric: "namespace + HAProxy + keepalived (the active's file) by hand, p50 (ms)",
          value: percentile(sorted(floorVrrp.map((r) => r.answered)), 50),
        },
      },
      {
        metric: 'failover gap (kill active HAProxy + keepalived), p50',
        value: percentile(sorted(failoverGap), 50),
        unit: 'ms',
        floor: { metric: 'plain keepalived pair, p50 (ms)', value: percentile(sorted(plainGap), 50) },
      },
      {
        metric: 'failover gap, max',
        value: Math.max(...failoverGap),
        unit: 'ms',
        floor: { metric: 'plain keepalived pair, max (ms)', value: Math.max(...plainGap) },
      },
      {
        metric: `requests failed across ${MEMBER_CHANGES} member changes and ${RELOADS} reloads`,
        value: loadResult.failed,
        unit: 'requests',
      },
      { metric: 'requests answered during those changes', value: loadResult.ok, unit: 'requests' },
    ];
    report('dataplane', rows, {
      runs: RUNS,
      failovers: FAILOVERS,
      pollMs: FLOOR_POLL_MS,
      instances: instances.service_instances.length,
      vipToAnswerMs: vipToAnswer.map(Math.round),
      failoverGapMs: failoverGap.map(Math.round),
      plainGapMs: plainGap.map(Math.round),
      vrrpFloorMs: floorVrrp.map((r) => ({
        haproxyStarted: Math.round(r.haproxyStarted),
        keepalivedStarted: Math.round(r.keepalivedStarted),
        answered: Math.round(r.answered),
      })),
      stagesMs: stages,
      // Each run's stages, to tell one slow run from a slow stage.
      runStagesMs: timelines.map((t) => Object.values(t).map(Math.round)),
      // Every agent's steps around each run, from its POST: [vm, step, started, ended]; and the log's events: [type, vm, at].
      runStepsMs: vipRuns.map((r) =>
        steps
          .filter((x) => x.at >= r.postedAt && x.at - x.ms <= r.answeredAt)
          .map((x) => [x.vmId.slice(0, 4), x.step, Math.round(x.at - x.ms - r.postedAt), Math.round(x.at - r.postedAt)]),
      ),
      postedAtMs: vipRuns.map((r) => r.postedAt),
      runEventsMs: vipRuns.map((r) =>
        events
          .filter((e) => Date.parse(e.occurredAt) >= r.postedAt && Date.parse(e.occurredAt) <= r.answeredAt + 300)
          .map((e) => {
            const d = e.data as { vmId?: string; role?: string; vrrpAddress?: string; virtualRouterId?: number };
            const vrrp = [d.role, d.vrrpAddress, d.virtualRouterId].filter((x) => x !== undefined).join(' ');
            return [e.type, String(d.vmId ?? '').slice(0, 4), Date.parse(e.occurredAt) - r.postedAt, ...(vrrp ? [vrrp] : [])];
          }),
      ),
      ...(before === null ? {} : { before }),
    });
    console.log(`\nPOST vip -> first 200 by stage (ms over ${RUNS} runs)`);
    console.table(stages);
  } finally {
    await follower?.stop();
    await nc?.close();
    await Promise.all(services.map((p) => p.stop()));
    for (const c of children) c.kill('SIGKILL');
    await removeNamespaces(PREFIX);
    await stack?.stop();
    rmSync(runRoot, { recursive: true, force: true });
  }
}

export const dataplane = { name: 'dataplane', run };
