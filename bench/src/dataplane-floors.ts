import { inNamespace, plugNamespace, removeNamespaces } from '@lbaas/dataplane';
import { PLACEMENT_INTERFACE, renderKeepalivedConfig } from '@lbaas/haproxy';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

/** The dataplane benches' floors: HAProxy and keepalived by hand, with the settings the renderer would use. */

export const FLOOR_POLL_MS = 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Milliseconds until `url` first answers 200 from the namespace `ns`, polled every FLOOR_POLL_MS. */
export async function untilAnswer(ns: string, url: string, deadlineMs = 30_000): Promise<number> {
  const start = performance.now();
  while (performance.now() - start < deadlineMs) {
    // A SYN to an address nobody holds yet goes unanswered: give up on it after 0.1 s, so the
    // time to the first answer is measured to about that, not to a whole request timeout.
    const ok = await inNamespace(ns, 'curl', ['-s', '-f', '--connect-timeout', '0.1', '-m', '2', url], 3000).then(
      () => true,
      () => false,
    );
    if (ok) return performance.now() - start;
    await sleep(FLOOR_POLL_MS);
  }
  throw new Error(`no answer from ${url} within ${deadlineMs} ms`);
}

/** Where a by-hand floor runs: its namespaces' prefix and run directory, the client's namespace, the backends, how many runs. */
export interface HandFloorOptions {
  readonly prefix: string;
  readonly runRoot: string;
  readonly client: string;
  readonly servers: readonly string[];
  readonly runs: number;
  readonly check: () => void;
}

/**
 * The floor of "create to the first 200": a namespace on the fabric, its address and HAProxy
 * started by hand balancing `servers`, until the client namespace gets a 200, `runs` times (each
 * namespace removed after). Addresses 198.18.3.10 onwards, a fresh one each time: the client's
 * ARP cache still holds the previous namespace's MAC.
 */
export async function handHaproxyFloor(o: HandFloorOptions): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < o.runs; i++) {
    o.check();
    const started = performance.now();
    const address = `198.18.3.${10 + i}`;
    const ns = await plugNamespace(o.prefix, `floor-${i}`, address);
    const dir = join(o.runRoot, `floor-${i}`);
    mkdirSync(dir);
    writeFileSync(join(dir, 'haproxy.cfg'), handHaproxyConfig(dir, `${address}:80`, o.servers));
    execFileSync('ip', ['netns', 'exec', ns, '/usr/sbin/haproxy', '-W', '-D', '-f', join(dir, 'haproxy.cfg')], { stdio: 'ignore' });
    await untilAnswer(o.client, `http://${address}/`);
    times.push(performance.now() - started);
    await removeNamespaces(ns);
  }
  return times;
}

/** One run of the VRRP floor: milliseconds from its start to each point. */
export interface HandVrrpRun {
  /** The namespace plugged and HAProxy's exec returned (its pid file written). */
  readonly haproxyStarted: number;
  /** keepalived's exec returned (its parent forked; the VRRP child starts after). */
  readonly keepalivedStarted: number;
  /** The client's first 200 through the VIP. */
  readonly answered: number;
}

/**
 * The floor under the design's fixed points: floor 1's namespace and HAProxy, then at once
 * keepalived on the active's keepalived.conf as the renderer writes it (priority 200, `advert_int
 * 0.1`, `down_timer_adverts 1`, the tracked script), its peer an address nobody holds, until the
 * client gets a 200 through the VIP. keepalived 2.2.7 takes the VIP only after its script's first
 * success and one advert plus skew in BACKUP, so no control plane brings a VIP up faster than
 * this. VIPs 198.18.5.10 onwards, VRRP addresses 198.19.251.10 onwards.
 */
export async function handVrrpFloor(o: HandFloorOptions): Promise<HandVrrpRun[]> {
  const runs: HandVrrpRun[] = [];
  for (let i = 0; i < o.runs; i++) {
    o.check();
    const started = performance.now();
    const vip = `198.18.5.${10 + i}`;
    const ns = await plugNamespace(o.prefix, `vfloor-${i}`, `198.19.251.${10 + i}`);
    // As the netns driver's: HAProxy binds the VIP before keepalived gives the namespace its address.
    execFileSync('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv4.ip_nonlocal_bind=1']);
    const dir = join(o.runRoot, `vfloor-${i}`);
    mkdirSync(dir);
    writeFileSync(join(dir, 'haproxy.cfg'), handHaproxyConfig(dir, `${vip}:80`, o.servers));
    const keepalivedConf = renderKeepalivedConfig({
      instanceId: '00000000-0000-4000-8000-0000000000f0',
      vmId: `00000000-0000-4000-8000-0000000000${(0xf1 + i).toString(16)}`,
      role: 'active',
      priority: 200,
      virtualRouterId: 230 + i,
      interface: PLACEMENT_INTERFACE,
      vrrpAddress: `198.19.251.${10 + i}`,
      peerAddress: `198.19.251.${110 + i}`,
      vip: { address: vip, prefixLength: 16 },
      runDir: dir,
    });
    writeFileSync(join(dir, 'keepalived.conf'), keepalivedConf);
    execFileSync('ip', ['netns', 'exec', ns, '/usr/sbin/haproxy', '-W', '-D', '-f', join(dir, 'haproxy.cfg')], { stdio: 'ignore' });
    const haproxyStarted = performance.now() - started;
    const keepalived = ['-f', join(dir, 'keepalived.conf'), '-p', join(dir, 'keepalived.pid'), '-r', join(dir, 'vrrp.pid'), '--vrrp'];
    execFileSync('ip', ['netns', 'exec', ns, '/usr/sbin/keepalived', ...keepalived], { stdio: 'ignore' });
    const keepalivedStarted = performance.now() - started;
    await untilAnswer(o.client, `http://${vip}/`);
    runs.push({ haproxyStarted, keepalivedStarted, answered: performance.now() - started });
    await removeNamespaces(ns);
  }
  return runs;
}

/** A master-worker HAProxy in `dir` (its pid file there) balancing `bind` over the servers. */
export const handHaproxyConfig = (dir: string, bind: string, servers: readonly string[]): string =>
  [
    'global',
    '    master-worker',
    `    pidfile ${dir}/haproxy.pid`,
    // As the renderer's: the floor does not pay for a CA store load the product skips.
    '    httpclient.ssl.verify none',
    'defaults',
    '    mode http',
    '    timeout connect 5000',
    '    timeout client 50000',
    '    timeout server 50000',
    'frontend f',
    `    bind ${bind}`,
    '    default_backend b',
    'backend b',
    '    balance roundrobin',
    ...servers.map((s, i) => `    server s${i + 1} ${s} weight 1`),
    '',
  ].join('\n');

/**
 * One side of a plain unicast keepalived pair holding `vip` on lbv0: adverts every 0.1 s as the
 * renderer's unless `advertInt` (seconds) says otherwise; `notify` is a script keepalived runs at
 * each state change, with the new state as its third argument.
 */
export const plainKeepalivedConfig = (o: {
  readonly name: string;
  readonly master: boolean;
  readonly self: string;
  readonly peer: string;
  readonly vip: string;
  readonly advertInt?: number;
  readonly virtualRouterId?: number;
  readonly notify?: string;
}): string =>
  [
    'global_defs {',
    `    router_id ${o.name}`,
    '    vrrp_version 3',
    '}',
    'vrrp_instance plain {',
    `    state ${o.master ? 'MASTER' : 'BACKUP'}`,
    '    interface lbv0',
    `    virtual_router_id ${o.virtualRouterId ?? 250}`,
    `    priority ${o.master ? 200 : 100}`,
    `    advert_int ${o.advertInt ?? 0.1}`,
    `    unicast_src_ip ${o.self}`,
    '    unicast_peer {',
    `        ${o.peer}`,
    '    }',
    '    virtual_ipaddress {',
    `        ${o.vip}/24 dev lbv0`,
    '    }',
    ...(o.notify === undefined ? [] : [`    notify ${o.notify}`]),
    '}',
    '',
  ].join('\n');
