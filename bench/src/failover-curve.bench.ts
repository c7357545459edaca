import { ensureFabric, inNamespace, plugNamespace, removeDeadRuns, removeNamespaces } from '@lbaas/dataplane';
import { killOnExit, startBackend } from '@lbaas/testing';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { FLOOR_POLL_MS, handHaproxyConfig, plainKeepalivedConfig, untilAnswer } from './dataplane-floors';
import { type BenchRow, percentile, report, round } from './report';
import { countChanges, firstChange, parseStateChanges, settledIn, type StateChange } from './vrrp-states';

/** Apart from the e2e runs (`lbt`) and the other benches' fabrics. */
const RUN_TAG = 'lbf';
const PREFIX = `${RUN_TAG}${process.pid.toString(16)}-`;
const BACKEND_ADDRESS = '198.18.2.11';
const CLIENT_ADDRESS = '198.18.255.250';
/** keepalived's own default advert_int: the floor's pair, always part of the curve. */
const KEEPALIVED_DEFAULT_ADVERT_S = 1;
/** Pair k holds 198.18.5.(10 + k) and adverts from 198.19.251.(10k + 1) and (10k + 2): 25 pairs at most. */
const MAX_PAIRS = 25;
const SETTLE_MS = 20_000;

interface Options {
  /** How long each window (quiet, then under load) lasts, in which no side is touched. */
  readonly windowS: number;
  readonly intervals: readonly number[];
  /** Power cuts of the active per interval and condition, for the gap. */
  readonly failovers: number;
  readonly burners: number;
}

/** LBAAS_CURVE_WINDOW_S (300), LBAAS_CURVE_INTERVALS (0.03,0.05,0.1,0.2,0.5,1), LBAAS_CURVE_FAILOVERS (5), LBAAS_CURVE_BURNERS (the CPUs). */
function optionsFrom(env: NodeJS.ProcessEnv): Options {
  const positive = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${name}=${raw}: expected a positive number`);
    return n;
  };
  const listed = (env.LBAAS_CURVE_INTERVALS ?? '0.03,0.05,0.1,0.2,0.5,1').split(',').map((s) => Number(s.trim()));
  for (const x of listed) {
    // keepalived takes VRRP v3 intervals in centiseconds, up to 40.95 s.
    if (!Number.isFinite(x) || x < 0.01 || x > 40.95 || Math.abs(x * 100 - Math.round(x * 100)) > 1e-9) {
      throw new Error(`LBAAS_CURVE_INTERVALS: ${x} is not an advert_int keepalived takes (0.01 to 40.95 s, in hundredths)`);
    }
  }
  const intervals = [...new Set([...listed, KEEPALIVED_DEFAULT_ADVERT_S])].sort((a, b) => a - b);
  if (intervals.length > MAX_PAIRS) throw new Error(`LBAAS_CURVE_INTERVALS: at most ${MAX_PAIRS} intervals`);
  return {
    windowS: positive('LBAAS_CURVE_WINDOW_S', 300),
    intervals,
    failovers: Math.round(positive('LBAAS_CURVE_FAILOVERS', 5)),
    burners: Math.round(positive('LBAAS_CURVE_BURNERS', cpus().length)),
  };
}

interface Side {
  readonly name: string;
  readonly ns: string;
  readonly dir: string;
  readonly self: string;
  readonly master: boolean;
}

interface Pair {
  readonly advertS: number;
  readonly vip: string;
  readonly virtualRouterId: number;
  readonly active: Side;
  readonly standby: Side;
}

type Condition = 'quiet' | 'load';

interface Measured {
  /** Times the standby became MASTER in the window while its active ran: the VIP moved for nothing. */
  readonly falseFailovers: number;
  /** Times the active left MASTER in the window. */
  readonly activeStepDowns: number;
  /** From the power cut to the first 200 through the VIP, ms. */
  readonly gaps: number[];
  /** From the power cut to the standby's notify of MASTER, ms. */
  readonly takeovers: number[];
  /** From the active's node coming back (link up, daemons started) to its notify of MASTER: what a new active waits, ms. */
  readonly rejoins: number[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const states = (side: Side): StateChange[] => {
  try {
    return parseStateChanges(readFileSync(join(side.dir, 'states'), 'utf8'));
  } catch {
    return [];
  }
};

/** HAProxy and keepalived of one side, started by hand as the dataplane bench's floor starts them; a notify script logs each state. */
function startSide(pair: Pair, side: Side): void {
  const peer = side === pair.active ? pair.standby : pair.active;
  const notify = join(side.dir, 'notify.sh');
  // keepalived runs `notify.sh INSTANCE <name> <state> <priority>`.
  writeFileSync(notify, `#!/bin/sh\necho "$(date +%s%3N) $3" >> ${join(side.dir, 'states')}\n`);
  chmodSync(notify, 0o755);
  writeFileSync(join(side.dir, 'haproxy.cfg'), handHaproxyConfig(side.dir, `${pair.vip}:80`, [`${BACKEND_ADDRESS}:80`]));
  writeFileSync(
    join(side.dir, 'keepalived.conf'),
    plainKeepalivedConfig({
      name: side.name,
      master: side.master,
      self: side.self,
      peer: peer.self,
      vip: pair.vip,
      advertInt: pair.advertS,
      virtualRouterId: pair.virtualRouterId,
      notify,
    }),
  );
  const inNs = (...args: string[]) => execFileSync('ip', ['netns', 'exec', side.ns, ...args], { stdio: 'ignore' });
  inNs('/usr/sbin/haproxy', '-W', '-D', '-f', join(side.dir, 'haproxy.cfg'));
  const [conf, pid, vrrpPid] = ['keepalived.conf', 'k.pid', 'v.pid'].map((f) => join(side.dir, f));
  inNs('/usr/sbin/keepalived', '-f', conf, '-p', pid, '-r', vrrpPid, '--vrrp');
}

/** Until the active's latest state is MASTER and the standby's BACKUP, both at or after `since`. */
async function settled(pair: Pair, since: number): Promise<void> {
  const end = Date.now() + SETTLE_MS;
  while (Date.now() < end) {
    if (settledIn(states(pair.active), 'MASTER', since) && settledIn(states(pair.standby), 'BACKUP', since)) return;
    await sleep(FLOOR_POLL_MS);
  }
  throw new Error(`pair advert_int ${pair.advertS} did not settle within ${SETTLE_MS} ms`);
}

const namespacePids = (ns: string): number[] =>
  execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' })
    .split('\n')
    .map(Number)
    .filter((n) => n > 1);

/**
 * The active's node as a power cut leaves it: its processes (`pids`) killed with no farewell
 * advert, and its link down, so its kernel no longer answers for the VIP either. All are stopped
 * before any is killed: keepalived's VRRP child gets SIGTERM when its parent dies (parent-death
 * signal) and would send a priority 0 advert, a graceful handover, not a failure.
 */
function cutPower(side: Side, pids: readonly number[]): void {
  for (const signal of ['SIGSTOP', 'SIGKILL'] as const) {
    for (const pid of pids) {
      try {
        process.kill(pid, signal);
      } catch {
        // Exited on its own meanwhile (a notify script).
      }
    }
  }
  execFileSync('ip', ['-n', side.ns, 'link', 'set', 'lbv0', 'down']);
}

/** The node back: the address it held when it died removed, link up, daemons started again. */
async function restore(pair: Pair, side: Side): Promise<void> {
  await inNamespace(side.ns, 'ip', ['addr', 'del', `${pair.vip}/24`, 'dev', 'lbv0']).catch(() => undefined);
  execFileSync('ip', ['-n', side.ns, 'link', 'set', 'lbv0', 'up']);
  for (const f of ['k.pid', 'v.pid', 'haproxy.pid']) rmSync(join(side.dir, f), { force: true });
  startSide(pair, side);
}

/** A window in which nothing is touched: each time a standby becomes MASTER, the VIP moved for nothing. */
async function untouchedWindow(pairs: readonly Pair[], ms: number, check: () => void): Promise<Map<Pair, [number, number]>> {
  const from = Date.now();
  while (Date.now() < from + ms) {
    check();
    await sleep(Math.min(1000, from + ms - Date.now()));
  }
  const to = Date.now();
  return new Map(
    pairs.map((p) => {
      const activeChanges = states(p.active);
      const stepDowns = activeChanges.filter((c) => c.state !== 'MASTER' && c.at >= from && c.at < to).length;
      return [p, [countChanges(states(p.standby), 'MASTER', from, to), stepDowns]];
    }),
  );
}

/** `rounds` power cuts of each pair's active, the pairs interleaved so drift hits every interval alike. */
async function failovers(
  pairs: readonly Pair[],
  rounds: number,
  client: string,
  check: () => void,
): Promise<Map<Pair, Pick<Measured, 'gaps' | 'takeovers' | 'rejoins'>>> {
  const out = new Map(pairs.map((p) => [p, { gaps: [] as number[], takeovers: [] as number[], rejoins: [] as number[] }]));
  for (let r = 0; r < rounds; r++) {
    for (const pair of pairs) {
      check();
      const url = `http://${pair.vip}/`;
      await untilAnswer(client, url);
      const pids = namespacePids(pair.active.ns);
      const cutAt = Date.now();
      const started = performance.now();
      cutPower(pair.active, pids);
      await untilAnswer(client, url);
      const gap = performance.now() - started;
      let takeover: StateChange | undefined;
      for (let i = 0; i < 100 && !(takeover = firstChange(states(pair.standby), 'MASTER', cutAt)); i++) await sleep(FLOOR_POLL_MS);
      if (!takeover) throw new Error(`pair advert_int ${pair.advertS}: the standby answered but logged no MASTER`);
      const restoredAt = Date.now();
      await restore(pair, pair.active);
      await settled(pair, restoredAt);
      const rejoin = firstChange(states(pair.active), 'MASTER', restoredAt)?.at ?? Number.NaN;
      out.get(pair)?.gaps.push(gap);
      out.get(pair)?.takeovers.push(takeover.at - cutAt);
      out.get(pair)?.rejoins.push(rejoin - restoredAt);
    }
  }
  return out;
}

/** Busy loops for exactly `ms`, one per CPU unless told: the load of the second window. */
function burn(count: number, ms: number): ChildProcess[] {
  return Array.from({ length: count }, () => {
    const child = spawn(process.execPath, ['--title=lb-burn', '-e', `const end = Date.now() + ${ms}; while (Date.now() < end);`], {
      stdio: 'ignore',
    });
    killOnExit(child);
    return child;
  });
}

/** CPU seconds (user + system) a process used so far, from /proc. */
function cpuSeconds(pid: number, ticksPerSecond: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  } catch {
    return 0;
  }
}

/**
 * keepalived pairs by hand, one per advert interval, side by side on one fabric: the VIP moves
 * for nothing (a standby becoming MASTER while its active runs) counted over a window, quiet
 * and with every CPU busy; then the gap from a power cut of the active to the first 200 through
 * the VIP, in both conditions. Floor: the pair at keepalived's default advert_int of 1 s.
 */
async function run(signal: AbortSignal): Promise<void> {
  const o = optionsFrom(process.env);
  const windowMs = o.windowS * 1000;
  const deadline = Date.now() + 2 * windowMs + 20 * 60_000;
  const check = () => {
    if (signal.aborted || Date.now() > deadline) throw new Error('failover-curve: out of time or interrupted');
  };
  const runRoot = mkdtempSync(join(tmpdir(), 'lbf-run-'));
  const children: ChildProcess[] = [];
  let burners: ChildProcess[] = [];
  const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  try {
    await removeDeadRuns(RUN_TAG);
    await ensureFabric(PREFIX);
    children.push(startBackend(await plugNamespace(PREFIX, 'be-1', BACKEND_ADDRESS), { name: 'be-1', address: BACKEND_ADDRESS }));
    const client = await plugNamespace(PREFIX, 'client', CLIENT_ADDRESS);
    const pairs: Pair[] = [];
    for (const [k, advertS] of o.intervals.entries()) {
      const side = async (x: 'a' | 's', n: number): Promise<Side> => {
        const name = `p${k}-${x}`;
        const self = `198.19.251.${10 * k + n}`;
        const ns = await plugNamespace(PREFIX, name, self);
        execFileSync('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv4.ip_nonlocal_bind=1']);
        const dir = join(runRoot, name);
        mkdirSync(dir);
        return { name, ns, dir, self, master: x === 'a' };
      };
      pairs.push({ advertS, vip: `198.18.5.${10 + k}`, virtualRouterId: 50 + k, active: await side('a', 1), standby: await side('s', 2) });
    }
    for (const p of pairs) startSide(p, p.active);
    for (const p of pairs) startSide(p, p.standby);
    for (const p of pairs) await settled(p, 0);
    for (const p of pairs) await untilAnswer(client, `http://${p.vip}/`);
    const vrrpPid = readFileSync(join(pairs[0].active.dir, 'v.pid'), 'utf8').trim();
    const vrrpScheduling = execFileSync('chrt', ['-p', vrrpPid], { encoding: 'utf8' }).trim().split('\n');

    const measured = new Map<Condition, Map<Pair, Measured>>();
    const machine: Record<string, unknown> = {};
    for (const condition of ['quiet', 'load'] as const) {
      console.log(`failover-curve: ${condition} window of ${o.windowS} s over ${pairs.length} pairs`);
      const loadBefore = loadavg();
      if (condition === 'load') burners = burn(o.burners, windowMs + 10 * 60_000);
      const cpuBefore = burners.map((b) => cpuSeconds(b.pid ?? 0, ticksPerSecond));
      const windowed = await untouchedWindow(pairs, windowMs, check);
      const burnerCores = burners.reduce((sum, b, i) => sum + cpuSeconds(b.pid ?? 0, ticksPerSecond) - cpuBefore[i], 0) / o.windowS;
      machine[condition] = {
        loadavgBefore: loadBefore.map(round),
        loadavgAfter: loadavg().map(round),
        burnerCoresBusy: round(burnerCores),
      };
      console.log(`failover-curve: ${condition}, ${o.failovers} power cuts per pair`);
      const cuts = await failovers(pairs, o.failovers, client, check);
      for (const b of burners) b.kill('SIGKILL');
      burners = [];
      measured.set(
        condition,
        new Map(
          pairs.map((p) => {
            const [falseFailovers, activeStepDowns] = windowed.get(p) ?? [0, 0];
            return [p, { falseFailovers, activeStepDowns, ...(cuts.get(p) ?? { gaps: [], takeovers: [], rejoins: [] }) }];
          }),
        ),
      );
    }

    const sorted = (xs: readonly number[]) => [...xs].sort((a, b) => a - b);
    const p50 = (xs: readonly number[]) => percentile(sorted(xs), 50);
    const floorPair = pairs.find((p) => p.advertS === KEEPALIVED_DEFAULT_ADVERT_S);
    const rows: BenchRow[] = [];
    const curve: Record<string, number>[] = [];
    for (const p of pairs) {
      const line: Record<string, number> = { 'advert_int (s)': p.advertS };
      for (const condition of ['quiet', 'load'] as const) {
        const m = measured.get(condition)?.get(p);
        const floor = floorPair && measured.get(condition)?.get(floorPair);
        if (!m || !floor) throw new Error(`no measurement of advert_int ${p.advertS} (${condition})`);
        const tag = `${condition}, advert_int ${p.advertS} s`;
        const floorTag = `advert_int ${KEEPALIVED_DEFAULT_ADVERT_S} s (keepalived's default), ${condition}`;
        rows.push(
          {
            metric: `false failovers in ${o.windowS} s, ${tag}`,
            value: m.falseFailovers,
            unit: 'moves',
            // A ratio to none is no figure: with a floor of 0 the floor's own row says so.
            ...(floor.falseFailovers > 0 ? { floor: { metric: `${floorTag}, moves`, value: floor.falseFailovers } } : {}),
          },
          {
            metric: `failover gap p50, ${tag}`,
            value: p50(m.gaps),
            unit: 'ms',
            floor: { metric: `${floorTag}, p50 (ms)`, value: p50(floor.gaps) },
          },
          {
            metric: `failover gap max, ${tag}`,
            value: Math.max(...m.gaps),
            unit: 'ms',
            floor: { metric: `${floorTag}, max (ms)`, value: Math.max(...floor.gaps) },
          },
          {
            metric: `VRRP takeover p50, ${tag}`,
            value: p50(m.takeovers),
            unit: 'ms',
            floor: { metric: `${floorTag}, p50 (ms)`, value: p50(floor.takeovers) },
          },
          {
            metric: `restored active to MASTER p50, ${tag}`,
            value: p50(m.rejoins),
            unit: 'ms',
            floor: { metric: `${floorTag}, p50 (ms)`, value: p50(floor.rejoins) },
          },
        );
        Object.assign(line, {
          [`${condition}: false failovers`]: m.falseFailovers,
          [`${condition}: active step-downs`]: m.activeStepDowns,
          [`${condition}: gap p50 (ms)`]: Math.round(p50(m.gaps)),
          [`${condition}: gap max (ms)`]: Math.round(Math.max(...m.gaps)),
          [`${condition}: takeover p50 (ms)`]: Math.round(p50(m.takeovers)),
          [`${condition}: rejoin p50 (ms)`]: Math.round(p50(m.rejoins)),
        });
      }
      curve.push(line);
    }
    report('failover-curve', rows, {
      windowS: o.windowS,
      intervalsS: o.intervals,
      powerCutsPerPairAndCondition: o.failovers,
      burners: o.burners,
      cpus: cpus().length,
      pollMs: FLOOR_POLL_MS,
      machine,
      vrrpScheduling,
      curve,
      samplesMs: Object.fromEntries(
        [...measured].map(([condition, byPair]) => [
          condition,
          [...byPair].map(([p, m]) => ({ advertS: p.advertS, gaps: m.gaps.map(Math.round), takeovers: m.takeovers, rejoins: m.rejoins })),
        ]),
      ),
    });
    console.log(`\nfailover curve (${o.windowS} s windows, ${o.failovers} power cuts per cell)`);
    console.table(curve);
  } finally {
    for (const b of burners) b.kill('SIGKILL');
    for (const c of children) c.kill('SIGKILL');
    await removeNamespaces(PREFIX);
    rmSync(runRoot, { recursive: true, force: true });
  }
}

export const failoverCurve = { name: 'failover-curve', run };
