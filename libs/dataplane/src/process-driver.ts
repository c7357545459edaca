import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PlacementRole } from '@lbaas/domain';
import {
  alive,
  configFileOf,
  type HaproxySpec,
  haproxyRecordOf,
  observeDaemons,
  processesWithArgument,
  runtimeCommand,
  terminate,
} from './daemons';
import { checkPortOffset, loopbackAddress, loopbackConfig } from './loopback-config';
import type { ObservedFloatingIp, ObservedNode, PlacementDriver, PlacementNetwork, PlacementSpec } from './placement-driver';
import { HaproxyPlacementDriver } from './haproxy-placement-driver';

export interface ProcessDriverOptions {
  /** Parent of the placements' runtime directories; the config renderer writes the same paths into the files. */
  readonly runRoot: string;
  /** Added to ports below 1024 (LBAAS_PROCESS_PORT_OFFSET): only root may bind those. */
  readonly portOffset: number;
  /** Root keeps the rendered `user nobody`; anyone else runs HAProxy as themselves. */
  readonly root: boolean;
  readonly haproxyBin?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Floating IPs are recorded beside the placements, in a directory no vm uuid can name. */
const FLOATING_DIR = 'floating-ips';

type FloatingRecord = Omit<ObservedFloatingIp, 'id'>;

const isFloatingRecord = (v: unknown): v is FloatingRecord =>
  typeof v === 'object' &&
  v !== null &&
  'floatingAddress' in v &&
  'vipAddress' in v &&
  typeof v.floatingAddress === 'string' &&
  typeof v.vipAddress === 'string';

function readFloatingIp(file: string): FloatingRecord | null {
  try {
    const value: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return isFloatingRecord(value) ? value : null;
  } catch {
    return null;
  }
}

/**
 * The data plane without root, for laptops and docker-compose (ARCHITECTURE.md sections 7 and
 * 13): every placement is an HAProxy in master-worker mode on the machine's own network stack,
 * listening on the loopback image of its fabric addresses (see loopbackHaproxy). There is no
 * VRRP: only the active placement's frontend listens, and the standby's starts listening by a
 * seamless reload when the scheduler's failover makes it active. HAProxy runs as a daemon with
 * its pid file in `<runRoot>/<vm uuid>/`, so it outlives the agent and is adopted after a restart.
 */
export class ProcessDriver extends HaproxyPlacementDriver implements PlacementDriver {
  readonly name = 'process';
  readonly vrrp = false;
  private readonly haproxyBin: string;

  constructor(private readonly o: ProcessDriverOptions) {
    super(o.runRoot);
    checkPortOffset(o.portOffset);
    this.haproxyBin = o.haproxyBin ?? '/usr/sbin/haproxy';
  }

  private get floatingDir(): string {
    return join(this.o.runRoot, FLOATING_DIR);
  }

  /** Role, offset, user and the floating addresses the active listens on are all in the file this driver runs. */
  haproxyVariant(role: PlacementRole, floatingAddresses: readonly string[]): string {
    const floating = role === 'active' ? [...new Set(floatingAddresses)].sort().join(',') : '';
    return `loopback role ${role} offset ${this.o.portOffset} ${this.o.root ? 'root' : 'user'} floating ${floating}`;
  }

  async observe(vmIds?: readonly string[]): Promise<ObservedNode> {
    const present = existsSync(this.o.runRoot)
      ? readdirSync(this.o.runRoot, { withFileTypes: true })
          .filter((d) => d.isDirectory() && UUID.test(d.name))
          .map((d) => d.name)
      : [];
    const wanted = vmIds === undefined ? present : present.filter((id) => vmIds.includes(id));
    return {
      placements: wanted.map((vmId) => ({ vmId, network: { kind: 'shared' as const }, ...observeDaemons(this.runDir(vmId), false) })),
      floatingIps: vmIds === undefined ? this.floatingIps() : [],
    };
  }

  async plumb(p: PlacementNetwork): Promise<void> {
    if (loopbackAddress(p.vrrpAddress) === null)
      throw new Error(`the placement address ${p.vrrpAddress} is outside the fabric (198.18.0.0/15), so it has no loopback image`);
    mkdirSync(this.runDir(p.vmId), { recursive: true, mode: 0o700 });
  }

  protected haproxySpec(p: PlacementSpec): HaproxySpec {
    const statsAddress = loopbackAddress(p.vrrpAddress);
    if (statsAddress === null)
      throw new Error(`the placement address ${p.vrrpAddress} is outside the fabric (198.18.0.0/15), so it has no loopback image`);
    const text = loopbackConfig(p.bundle.haproxy.input, {
      role: p.role,
      portOffset: this.o.portOffset,
      root: this.o.root,
      statsAddress,
      floatingAddresses: p.floatingAddresses,
    });
    const dir = this.runDir(p.vmId);
    return {
      dir,
      text,
      where: `for placement ${p.vmId}`,
      record: haproxyRecordOf(p, this.haproxyVariant(p.role, p.floatingAddresses)),
      tlsFiles: p.tlsFiles,
      start: [this.haproxyBin, '-W', '-D', '-f', configFileOf(dir, 'haproxy')],
    };
  }

  /** There is no keepalived without VRRP; the agent never asks (vrrp is false). */
  async startKeepalived(): Promise<void> {}

  async reloadKeepalived(): Promise<void> {}

  /** Placements share the host's addresses: nothing moves them. */
  async untilAddress(): Promise<boolean> {
    return true;
  }

  showStat(vmId: string): Promise<string | null> {
    return runtimeCommand(join(this.runDir(vmId), 'haproxy.sock'), 'show stat');
  }

  async remove(vmId: string): Promise<void> {
    const dir = this.runDir(vmId);
    const master = alive(join(dir, 'haproxy.pid'), 'haproxy');
    if (master !== null) await terminate([master], 3000);
    // Workers of a master that was killed outright live on; they still name the file they run.
    await terminate(processesWithArgument(configFileOf(dir, 'haproxy')), 1000);
    rmSync(dir, { recursive: true, force: true });
  }

  /**
   * Without root there is no NAT: the active placement's frontend listens on the floating
   * address's loopback image too (its spec's floatingAddresses). The record on disk says which
   * floating IPs the agents of this machine forward, so any of them can take one away.
   */
  async ensureFloatingIp(floatingIpId: string, floatingAddress: string, vipAddress: string): Promise<void> {
    if (!UUID.test(floatingIpId)) throw new Error(`floating IP id ${floatingIpId} is not a uuid`);
    if (loopbackAddress(floatingAddress) === null) {
      throw new Error(`floating address ${floatingAddress} is outside the fabric (198.18.0.0/15): the process driver cannot listen on it`);
    }
    const file = join(this.floatingDir, floatingIpId);
    mkdirSync(this.floatingDir, { recursive: true, mode: 0o700 });
    // Agents of one machine share the directory: a rename is never seen half-written.
    writeFileSync(`${file}.tmp`, JSON.stringify({ floatingAddress, vipAddress } satisfies FloatingRecord), { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
  }

  async removeFloatingIp(floatingIpId: string): Promise<void> {
    rmSync(join(this.floatingDir, floatingIpId), { force: true });
  }

  private floatingIps(): ObservedFloatingIp[] {
    if (!existsSync(this.floatingDir)) return [];
    return readdirSync(this.floatingDir)
      .filter((name) => UUID.test(name))
      .map((id) => ({ id, ...(readFloatingIp(join(this.floatingDir, id)) ?? { floatingAddress: '', vipAddress: '' }) }));
  }
}
