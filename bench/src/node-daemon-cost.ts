import { ensureFabric, ip, plugNamespace, removeDeadRuns, removeNamespaces } from '@lbaas/dataplane';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { handHaproxyConfig, plainKeepalivedConfig } from './dataplane-floors';
import { proportionalMiB, residentMiB } from './process-memory';

const TAG = 'lbsc';
const SERVERS = Array.from({ length: 8 }, (_, m) => `198.19.0.${m + 10}:80`);
/** Blocks of 2,048 addresses each in 198.19.224.0/19, so up to 2,000 placements get their own. */
const OWN_BASE = '198.19.224.0';
const VIP_BASE = '198.19.232.0';
const PEER_BASE = '198.19.240.0';
const MAX_PLACEMENTS = 2000;
const fabricAddress = (base: string, i: number): string => {
  const [a, b, c] = base.split('.').map(Number);
  const offset = i + 10;
  return `${a}.${b}.${c + Math.floor(offset / 256)}.${offset % 256}`;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface DaemonCost {
  readonly placements: number;
  readonly processes: number;
  readonly rssMiB: number;
  readonly pssMiB: number;
}

async function measure(namespaces: readonly string[]): Promise<DaemonCost> {
  const pids: number[] = [];
  for (const ns of namespaces) {
    const listed = await ip('netns', 'pids', ns).catch(() => '');
    pids.push(
      ...listed
        .split('\n')
        .map(Number)
        .filter((n) => n > 1),
    );
  }
  let rssMiB = 0;
  let pssMiB = 0;
  for (const pid of pids) {
    rssMiB += residentMiB(pid) ?? 0;
    pssMiB += proportionalMiB(pid) ?? 0;
  }
  return { placements: namespaces.length, processes: pids.length, rssMiB, pssMiB };
}

/**
 * What the netns driver runs per placement, started by hand on a fabric of the bench's own: a
 * namespace with a master-worker HAProxy of one frontend and eight servers, and keepalived
 * (`--vrrp`) holding the VIP with a peer that never answers, as the active of a pair whose
 * standby is on another node. Processes and memory measured at each count of `counts`
 * (ascending), so the cost per placement is the difference between two counts.
 */
export async function nodeDaemonCost(counts: readonly number[], check: () => void): Promise<DaemonCost[]> {
  if (counts.some((count) => count > MAX_PLACEMENTS))
    throw new Error(`at most ${MAX_PLACEMENTS} real placements fit the bench's address blocks`);
  await removeDeadRuns(TAG);
  const prefix = `${TAG}${process.pid.toString(16)}-`;
  const runRoot = mkdtempSync(join(tmpdir(), 'lbsc-run-'));
  const costs: DaemonCost[] = [];
  const namespaces: string[] = [];
  try {
    await ensureFabric(prefix);
    for (const count of counts) {
      while (namespaces.length < count) {
        check();
        const i = namespaces.length;
        const own = fabricAddress(OWN_BASE, i);
        const vip = fabricAddress(VIP_BASE, i);
        const ns = await plugNamespace(prefix, `p${i}`, own);
        namespaces.push(ns);
        execFileSync('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv4.ip_nonlocal_bind=1']);
        const dir = join(runRoot, `p${i}`);
        mkdirSync(dir);
        writeFileSync(join(dir, 'haproxy.cfg'), handHaproxyConfig(dir, `${vip}:80`, SERVERS));
        writeFileSync(
          join(dir, 'keepalived.conf'),
          plainKeepalivedConfig({ name: `p${i}`, master: true, self: own, peer: fabricAddress(PEER_BASE, i), vip }),
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
          join(dir, 'keepalived.pid'),
          '-r',
          join(dir, 'vrrp.pid'),
          '--vrrp',
        ]);
      }
      // keepalived forks its VRRP child and HAProxy its worker after returning: let them settle.
      await sleep(3000);
      costs.push(await measure(namespaces));
    }
    return costs;
  } finally {
    await removeNamespaces(prefix);
    rmSync(runRoot, { recursive: true, force: true });
  }
}
