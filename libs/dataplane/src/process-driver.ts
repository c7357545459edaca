import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { contentHash } from '@lbaas/haproxy';
import { alive, configFileOf, convergeDaemon, processesWithArgument, runtimeCommand, terminate } from './daemons';
import { checkPortOffset, loopbackAddress, loopbackConfig, type LoopbackOptions } from './loopback-config';
import type { DesiredPlacement, PlacementDriver } from './placement-driver';

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

type FloatingIp = LoopbackOptions['floatingIps'][number];

const isFloatingIp = (v: unknown): v is FloatingIp =>
  typeof v === 'object' && v !== null && 'floatingAddress' in v && 'vipAddress' in v
  && typeof v.floatingAddress === 'string' && typeof v.vipAddress === 'string';

function readFloatingIp(file: string): FloatingIp | null {
  try {
    const value: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return isFloatingIp(value) ? value : null;
  } catch {
    return null;
  }
}

/**
 * The data plane without root, for laptops and docker-compose (ARCHITECTURE.md sections 7 and
 * 13): every placement is an HAProxy in master-worker mode on the machine's own network stack,
 * listening on the loopback image of its fabric addresses (see loopbackConfig). There is no
 * VRRP: only the active placement's frontend listens, and the standby's starts listening by a
 * seamless reload when the scheduler's failover makes it active. HAProxy runs as a daemon with
 * its pid file in `<runRoot>/<vm uuid>/`, so it outlives the agent and is adopted after a restart.
 */
export class ProcessDriver implements PlacementDriver {
  readonly name = 'process';
  private readonly haproxyBin: string;
  /** What each placement was last brought to, so a floating IP change can bring its HAProxy along. */
  private readonly applied = new Map<string, DesiredPlacement>();

  constructor(private readonly o: ProcessDriverOptions) {
    checkPortOffset(o.portOffset);
    this.haproxyBin = o.haproxyBin ?? '/usr/sbin/haproxy';
  }

  private runDir(vmId: string): string {
    return join(this.o.runRoot, vmId);
  }

  private get floatingDir(): string {
    return join(this.o.runRoot, FLOATING_DIR);
  }

  async present(): Promise<string[]> {
    if (!existsSync(this.o.runRoot)) return [];
    return readdirSync(this.o.runRoot, { withFileTypes: true }).filter((d) => d.isDirectory() && UUID.test(d.name)).map((d) => d.name);
  }

  async apply(p: DesiredPlacement): Promise<void> {
    const statsAddress = loopbackAddress(p.vrrpAddress);
    if (statsAddress === null) throw new Error(`the placement address ${p.vrrpAddress} is outside the fabric (198.18.0.0/15), so it has no loopback image`);
    const floatingIps = (await this.floatingIps()).flatMap((id) => readFloatingIp(join(this.floatingDir, id)) ?? []);
    const text = loopbackConfig(p.haproxy.text, { role: p.role, portOffset: this.o.portOffset, root: this.o.root, statsAddress, floatingIps });
    const dir = this.runDir(p.vmId);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    await convergeDaemon({
      dir, daemon: 'haproxy', file: { hash: contentHash(text), text }, reload: 'SIGUSR2', where: `for placement ${p.vmId}`, tlsFiles: p.tlsFiles,
      start: [this.haproxyBin, '-W', '-D', '-f', configFileOf(dir, 'haproxy')],
    });
    this.applied.set(p.vmId, p);
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
    this.applied.delete(vmId);
  }

  /**
   * Without root there is no NAT: the active placement's frontend listens on the floating
   * address's loopback image too. The record on disk outlives the agent; every apply reads it.
   */
  async ensureFloatingIp(floatingIpId: string, floatingAddress: string, vipAddress: string): Promise<void> {
    if (!UUID.test(floatingIpId)) throw new Error(`floating IP id ${floatingIpId} is not a uuid`);
    if (loopbackAddress(floatingAddress) === null) {
      throw new Error(`floating address ${floatingAddress} is outside the fabric (198.18.0.0/15): the process driver cannot listen on it`);
    }
    const file = join(this.floatingDir, floatingIpId);
    const record: FloatingIp = { floatingAddress, vipAddress };
    if (JSON.stringify(readFloatingIp(file)) !== JSON.stringify(record)) {
      mkdirSync(this.floatingDir, { recursive: true, mode: 0o700 });
      // Agents of one machine share the directory: a rename is never seen half-written.
      writeFileSync(`${file}.tmp`, JSON.stringify(record), { mode: 0o600 });
      renameSync(`${file}.tmp`, file);
    }
    await this.reapply(vipAddress);
  }

  async removeFloatingIp(floatingIpId: string): Promise<void> {
    const file = join(this.floatingDir, floatingIpId);
    const record = readFloatingIp(file);
    rmSync(file, { force: true });
    if (record) await this.reapply(record.vipAddress);
  }

  async floatingIps(): Promise<string[]> {
    if (!existsSync(this.floatingDir)) return [];
    return readdirSync(this.floatingDir).filter((name) => UUID.test(name));
  }

  /** Brings this agent's placements of the VIP to the floating IPs on disk; the others follow on their next apply. */
  private async reapply(vipAddress: string): Promise<void> {
    for (const p of [...this.applied.values()]) {
      if (p.haproxy.text.includes(`\n    bind ${vipAddress}:`)) await this.apply(p);
    }
  }
}
