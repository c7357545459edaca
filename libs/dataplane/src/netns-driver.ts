import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fnv1a } from '@lbaas/domain';
import { PLACEMENT_INTERFACE } from '@lbaas/haproxy';
import {
  alive,
  configFileOf,
  type HaproxySpec,
  haproxyRecordOf,
  type KeepalivedSpec,
  observeDaemons,
  reloadKeepalived,
  runtimeCommand,
  startKeepalived,
  terminate,
  waitFor,
} from './daemons';
import { type AddressWait, untilAddressIn } from './address-watch';
import type {
  KeepalivedStart,
  ObservedFloatingIp,
  ObservedNode,
  PlacementDriver,
  PlacementNetwork,
  PlacementSpec,
} from './placement-driver';
import { HaproxyPlacementDriver } from './haproxy-placement-driver';
import { handoverRouting, routeToPeer, setUpHandover } from './handover-forwarding';
import { DONE_BEFORE, ipBatch } from './ip-batch';

const exec = promisify(execFile);

export interface NetnsDriverOptions {
  /** Prefix of every namespace (`lb-` for make up, `lbt<hex>-` per test run). */
  readonly prefix: string;
  /** Parent of the placements' runtime directories; the config renderer writes the same paths into the files. */
  readonly runRoot: string;
  readonly haproxyBin?: string;
  readonly keepalivedBin?: string;
}

export const FABRIC_BRIDGE = 'lbbr0';
/** Every namespace address is on-link for the whole fabric range: one flat L2 segment. */
const FABRIC_PREFIX_LENGTH = 15;
/** The fabric's range (the project's 198.18.0.0/15): the fabric namespace routes it onto its bridge. */
const FABRIC_RANGE = '198.18.0.0/15';
/** Where `ip netns add` names namespaces. */
const NETNS_DIR = '/run/netns';
/** As long as HAProxy's own exec may take (startDaemon's bound): past it, HAProxy's start has failed too. */
const HAPROXY_MASTER_MS = 20_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const fabricNamespace = (prefix: string): string => `${prefix}fabric`;
/** Linux interface names have 15 characters: the fabric side of a veth is named by a hash of what it plugs in. */
export const fabricVeth = (name: string): string => `lbv${fnv1a(name)}`;

export async function ip(...args: string[]): Promise<string> {
  try {
    return (await exec('ip', args, { timeout: 20_000 })).stdout;
  } catch (error) {
    const failure = error as { stderr?: string; message?: string };
    throw new Error(`ip ${args.join(' ')}: ${(failure.stderr ?? failure.message ?? String(error)).trim()}`);
  }
}

const ignoreExisting = (error: unknown): void => {
  if (!/File exists|already exists/.test(String(error))) throw error;
};

/**
 * The real data plane (root): a namespace `<prefix><vm uuid>` per placement, plugged into the
 * fabric bridge by a veth, with its VRRP address; HAProxy in master-worker mode and keepalived
 * run inside it as daemons, so they outlive an agent restart and are adopted by their pid files.
 * New files reach a running HAProxy by a seamless reload (SIGUSR2 to the master) and keepalived
 * by SIGHUP.
 */
export class NetnsDriver extends HaproxyPlacementDriver implements PlacementDriver {
  readonly name = 'netns';
  readonly vrrp = true;
  private readonly haproxyBin: string;
  private readonly keepalivedBin: string;

  constructor(private readonly o: NetnsDriverOptions) {
    super(o.runRoot);
    this.haproxyBin = o.haproxyBin ?? '/usr/sbin/haproxy';
    this.keepalivedBin = o.keepalivedBin ?? '/usr/sbin/keepalived';
  }

  private ns(vmId: string): string {
    return `${this.o.prefix}${vmId}`;
  }

  /**
   * The placements' namespaces, by the files `ip netns add` makes for them (what `ip netns list`
   * reads): one directory read instead of a process start on every observation, the one after
   * keepalived gave a new VIP its address among them.
   */
  private present(): string[] {
    const names = existsSync(NETNS_DIR) ? readdirSync(NETNS_DIR) : [];
    return names
      .filter((n) => n.startsWith(this.o.prefix))
      .map((n) => n.slice(this.o.prefix.length))
      .filter((id) => UUID.test(id));
  }

  /** The haproxy.cfg runs as rendered: VRRP moves the VIP, and NAT in the fabric forwards floating addresses. */
  haproxyVariant(): string {
    return '';
  }

  /** The IPv4 addresses on the placement's interface (its VRRP address, and the VIP while keepalived holds it), or null without one. */
  private async addresses(vmId: string): Promise<string[] | null> {
    const out = await ip('-n', this.ns(vmId), '-o', '-4', 'addr', 'show', 'dev', PLACEMENT_INTERFACE).catch(() => null);
    return out === null ? null : [...out.matchAll(/ inet (\d+\.\d+\.\d+\.\d+)\//g)].map((m) => m[1]);
  }

  untilAddress(vmId: string, address: string, o: AddressWait): Promise<boolean> {
    return untilAddressIn(this.ns(vmId), PLACEMENT_INTERFACE, address, () => this.addresses(vmId), o);
  }

  async observe(vmIds?: readonly string[]): Promise<ObservedNode> {
    const present = this.present();
    const wanted = vmIds === undefined ? present : present.filter((id) => vmIds.includes(id));
    const placements = await Promise.all(
      wanted.map(async (vmId) => ({
        vmId,
        network: { kind: 'own' as const, addresses: await this.addresses(vmId) },
        ...observeDaemons(this.runDir(vmId), true),
      })),
    );
    // The fabric's NAT rules are shared by every placement: read on a look at the whole node only.
    return { placements, floatingIps: vmIds === undefined ? await this.forwardedFloatingIps() : [] };
  }

  async plumb(p: PlacementNetwork): Promise<void> {
    const ns = this.ns(p.vmId);
    const fabric = fabricNamespace(this.o.prefix);
    // A namespace not made yet has no interface: no process start to ask (a new VIP's way).
    const addresses = existsSync(join(NETNS_DIR, ns))
      ? await ip('-n', ns, '-o', 'addr', 'show', 'dev', PLACEMENT_INTERFACE).catch(() => null)
      : null;
    if (addresses?.includes(`${p.vrrpAddress}/${FABRIC_PREFIX_LENGTH}`)) return;
    if (!existsSync(join(NETNS_DIR, fabric))) {
      throw new Error(`the fabric namespace ${fabric} does not exist (make up, or the test's fabric, creates it)`);
    }
    // No interface until now: nothing has served from it yet (see setUpHandover).
    const fresh = addresses === null;
    const veth = fabricVeth(p.vmId);
    const vip = p.vipAddress;
    if (fresh) {
      const link = ['link', 'add', veth, 'netns', fabric, 'type', 'veth', 'peer', 'name', PLACEMENT_INTERFACE, 'netns', ns];
      await ipBatch(null, [{ args: ['netns', 'add', ns], done: DONE_BEFORE }, { args: link }]).catch(async (error: unknown) => {
        if (!/File exists/.test(String(error))) throw error;
        // The fabric's end of a veth whose namespace went without it (a crash): made again.
        await ip('-n', fabric, 'link', 'del', veth);
        await ip(...link);
      });
    }
    // The standby's HAProxy binds the VIP before keepalived gives it the address; PING monitors
    // run ping as HAProxy's user (nobody, no new privileges), which needs unprivileged ICMP sockets.
    const sysctls = ['net.ipv4.ip_nonlocal_bind=1', 'net.ipv4.ping_group_range=0 2147483647'];
    const inside = async (): Promise<void> => {
      await ipBatch(ns, [
        { args: ['addr', 'add', `${p.vrrpAddress}/${FABRIC_PREFIX_LENGTH}`, 'dev', PLACEMENT_INTERFACE], done: DONE_BEFORE },
        { args: ['link', 'set', PLACEMENT_INTERFACE, 'up'] },
        { args: ['link', 'set', 'lo', 'up'] },
        ...(fresh ? handoverRouting(vip).map((args) => ({ args, done: DONE_BEFORE })) : []),
      ]);
      if (fresh) await setUpHandover(ns, vip, sysctls);
      else await exec('ip', ['netns', 'exec', ns, 'sysctl', '-qw', ...sysctls]);
    };
    // The fabric's end and the namespace's inside are independent: side by side, as the machine's cores allow.
    // Both end before a failure is thrown, so a retry never overlaps either.
    const ends = await Promise.allSettled([ip('-n', fabric, 'link', 'set', veth, 'master', FABRIC_BRIDGE, 'up'), inside()]);
    for (const end of ends) if (end.status === 'rejected') throw end.reason;
    mkdirSync(this.runDir(p.vmId), { recursive: true, mode: 0o700 });
  }

  protected haproxySpec(p: PlacementSpec): HaproxySpec {
    const dir = this.runDir(p.vmId);
    const ns = this.ns(p.vmId);
    return {
      dir,
      text: p.haproxy.text,
      where: `in ${ns}`,
      record: haproxyRecordOf(p, this.haproxyVariant()),
      tlsFiles: p.tlsFiles,
      start: ['ip', 'netns', 'exec', ns, this.haproxyBin, '-W', '-D', '-f', configFileOf(dir, 'haproxy')],
    };
  }

  private keepalivedSpec(p: PlacementSpec): KeepalivedSpec {
    const dir = this.runDir(p.vmId);
    const ns = this.ns(p.vmId);
    return {
      dir,
      text: p.keepalived.text,
      hash: p.keepalived.hash,
      where: `in ${ns}`,
      start: [
        'ip',
        'netns',
        'exec',
        ns,
        this.keepalivedBin,
        '-f',
        configFileOf(dir, 'keepalived'),
        '-p',
        join(dir, 'keepalived.pid'),
        '-r',
        join(dir, 'vrrp.pid'),
        '--vrrp',
      ],
    };
  }

  /**
   * The peer is in the file keepalived reads: the hand-over's route follows it, before VRRP can
   * move the VIP. keepalived's exec waits for HAProxy's master (its pid file is written before
   * HAProxy's exec returns), not for its worker to serve: VRRP gives the VIP an advert and its
   * skew after the script's first success at the earliest, and the agent reports the placement
   * applied only once HAProxy serves.
   */
  async startKeepalived(p: PlacementSpec, o: KeepalivedStart = {}): Promise<void> {
    const ns = this.ns(p.vmId);
    const haproxyPid = join(this.runDir(p.vmId), 'haproxy.pid');
    const haproxyMaster = waitFor(
      `HAProxy's master running in ${ns}, before keepalived`,
      () => {
        if (o.haproxyFailed?.aborted) throw new Error(`keepalived not started in ${ns}: HAProxy did not start`);
        return alive(haproxyPid, 'haproxy') !== null;
      },
      HAPROXY_MASTER_MS,
    );
    await Promise.all([routeToPeer(ns, p.bundle.keepalived.peerAddress), haproxyMaster]);
    await startKeepalived(this.keepalivedSpec(p));
  }

  async reloadKeepalived(p: PlacementSpec): Promise<void> {
    await routeToPeer(this.ns(p.vmId), p.bundle.keepalived.peerAddress);
    await reloadKeepalived(this.keepalivedSpec(p));
  }

  /**
   * A floating IP is an address of the fabric's bridge with a DNAT to the VIP, and a masquerade
   * so replies come back through the fabric to be translated (ARCHITECTURE.md section 7).
   * Rules carry the comment `lbfip-<id>` so they are found again after any restart.
   */
  async ensureFloatingIp(floatingIpId: string, floatingAddress: string, vipAddress: string): Promise<void> {
    const fabric = fabricNamespace(this.o.prefix);
    const tag = `lbfip-${floatingIpId}`;
    await ip('-n', fabric, 'addr', 'add', `${floatingAddress}/32`, 'dev', FABRIC_BRIDGE).catch(ignoreExisting);
    await ip('-n', fabric, 'route', 'replace', FABRIC_RANGE, 'dev', FABRIC_BRIDGE);
    // Hairpin routing on the bridge: forward, and never tell clients to go around the translation.
    await exec('ip', [
      'netns',
      'exec',
      fabric,
      'sysctl',
      '-qw',
      'net.ipv4.ip_forward=1',
      'net.ipv4.conf.all.send_redirects=0',
      `net.ipv4.conf.${FABRIC_BRIDGE}.send_redirects=0`,
    ]);
    const rules: [string, string[]][] = [
      ['PREROUTING', ['-d', `${floatingAddress}/32`, '-m', 'comment', '--comment', tag, '-j', 'DNAT', '--to-destination', vipAddress]],
      ['POSTROUTING', ['-d', `${vipAddress}/32`, '-m', 'comment', '--comment', tag, '-j', 'MASQUERADE']],
    ];
    for (const [chain, rule] of rules) {
      const present = await exec('ip', ['netns', 'exec', fabric, 'iptables', '-t', 'nat', '-C', chain, ...rule]).then(
        () => true,
        () => false,
      );
      if (!present) await exec('ip', ['netns', 'exec', fabric, 'iptables', '-t', 'nat', '-A', chain, ...rule]);
    }
  }

  async removeFloatingIp(floatingIpId: string): Promise<void> {
    const fabric = fabricNamespace(this.o.prefix);
    const tag = `lbfip-${floatingIpId}`;
    for (const line of (await this.natRules()).filter((l) => l.includes(`--comment ${tag} `))) {
      const floating = / PREROUTING -d (\S+)\/32 /.exec(line);
      await exec('ip', ['netns', 'exec', fabric, 'iptables', '-t', 'nat', ...line.replace(/^-A /, '-D ').split(' ')]);
      if (floating) await ip('-n', fabric, 'addr', 'del', `${floating[1]}/32`, 'dev', FABRIC_BRIDGE).catch(() => undefined);
    }
  }

  /** The floating IPs whose DNAT rule is in the fabric: `-A PREROUTING -d <floating>/32 -m comment --comment lbfip-<id> -j DNAT --to-destination <vip>`. */
  private async forwardedFloatingIps(): Promise<ObservedFloatingIp[]> {
    const found = new Map<string, ObservedFloatingIp>();
    for (const line of await this.natRules()) {
      const dnat = /^-A PREROUTING -d (\S+)\/32 -m comment --comment lbfip-(\S+) -j DNAT --to-destination (\S+)$/.exec(line.trim());
      if (dnat) found.set(dnat[2], { id: dnat[2], floatingAddress: dnat[1], vipAddress: dnat[3] });
      // A rule left without its DNAT (a removal cut short) is a forwarding that is not whole: it is made again or removed.
      const id = /--comment lbfip-(\S+) /.exec(line)?.[1];
      if (id !== undefined && !found.has(id)) found.set(id, { id, floatingAddress: '', vipAddress: '' });
    }
    return [...found.values()];
  }

  private async natRules(): Promise<string[]> {
    const { stdout } = await exec('ip', ['netns', 'exec', fabricNamespace(this.o.prefix), 'iptables', '-t', 'nat', '-S']).catch(() => ({
      stdout: '',
    }));
    return stdout.split('\n').filter((l) => l.startsWith('-A '));
  }

  showStat(vmId: string): Promise<string | null> {
    return runtimeCommand(join(this.runDir(vmId), 'haproxy.sock'), 'show stat');
  }

  async remove(vmId: string): Promise<void> {
    const dir = this.runDir(vmId);
    for (const daemon of ['keepalived', 'haproxy'] as const) {
      const pid = alive(join(dir, `${daemon}.pid`), daemon);
      if (pid !== null) await terminate([pid], 3000);
    }
    // Anything else left inside (a check script) goes with the namespace.
    const ns = this.ns(vmId);
    const pids = await ip('netns', 'pids', ns).catch(() => '');
    for (const pid of pids
      .split('\n')
      .map(Number)
      .filter((n) => n > 1)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await ip('netns', 'del', ns).catch((error: unknown) => {
      if (!/No such file|not found|Cannot remove/.test(String(error))) throw error;
    });
    await ip('-n', fabricNamespace(this.o.prefix), 'link', 'del', fabricVeth(vmId)).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}
