import { inNamespace, plugNamespace, removeNamespaces } from '@lbaas/dataplane';
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

/**
 * The floor of "create to the first 200": a namespace on the fabric, its address and HAProxy
 * started by hand balancing `servers`, until the client namespace gets a 200, `runs` times (each
 * namespace removed after). Addresses 198.18.3.10 onwards, a fresh one each time: the client's
 * ARP cache still holds the previous namespace's MAC.
 */
export async function handHaproxyFloor(o: {
  readonly prefix: string;
  readonly runRoot: string;
  readonly client: string;
  readonly servers: readonly string[];
  readonly runs: number;
  readonly check: () => void;
}): Promise<number[]> {
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
