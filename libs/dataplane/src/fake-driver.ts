import { contentHash } from '@lbaas/haproxy';
import type { AddressWait } from './address-watch';
import type {
  HaproxyRecord,
  ObservedFloatingIp,
  ObservedNode,
  ObservedPlacement,
  PlacementDriver,
  PlacementNetwork,
  PlacementSpec,
} from './placement-driver';

interface FakePlacement {
  network: PlacementNetwork;
  /** What it was last brought to; null while only plumbed. */
  spec: PlacementSpec | null;
  /** The VRRP address, once plumbed (a driver with VRRP). */
  addresses: string[];
  haproxy: { running: boolean; record: HaproxyRecord | null };
  keepalived: { running: boolean; hash: string | null };
  tlsFiles: Set<string>;
  /** The last observation of it, until it changes. */
  seen: { readonly holds: boolean; readonly placement: ObservedPlacement } | null;
}

export interface FakeDriverOptions {
  /** Pretends to run keepalived: the VIP's address is on a placement only while `holdsVip` says so (by default the active's). */
  readonly vrrp?: boolean;
}

/**
 * No data plane, but the machine's state in memory as a real driver would leave it: for
 * simulations (`lbaas dev nodes`), the scheduler's tests and the node agent's specs.
 */
export class FakeDriver implements PlacementDriver {
  readonly name: string = 'fake';
  readonly vrrp: boolean;
  /** With VRRP: whether keepalived has given the placement the VIP's address now. */
  holdsVip: (vmId: string, vipAddress: string) => boolean = (vmId) => this.placements.get(vmId)?.spec?.role === 'active';
  private readonly placements = new Map<string, FakePlacement>();
  private readonly forwarded = new Map<string, ObservedFloatingIp>();

  constructor(o: FakeDriverOptions = {}) {
    this.vrrp = o.vrrp ?? false;
  }

  haproxyVariant(): string {
    return '';
  }

  async observe(vmIds?: readonly string[]): Promise<ObservedNode> {
    const placements: ObservedPlacement[] = [];
    if (vmIds === undefined) for (const [vmId, p] of this.placements) placements.push(this.observed(vmId, p));
    else
      for (const vmId of new Set(vmIds)) {
        const p = this.placements.get(vmId);
        if (p) placements.push(this.observed(vmId, p));
      }
    return { placements, floatingIps: vmIds === undefined ? [...this.forwarded.values()] : [] };
  }

  /**
   * The placement as observed, built again only after it changed (or `holdsVip` answers
   * otherwise): a simulated node's idle pass would otherwise copy every placement every time,
   * which is this driver's cost, not the agent's. Observations are never changed once returned.
   */
  private observed(vmId: string, p: FakePlacement): ObservedPlacement {
    const holds = p.keepalived.running && this.holdsVip(vmId, p.network.vipAddress);
    if (p.seen?.holds === holds) return p.seen.placement;
    const addresses = holds ? [...p.addresses, p.network.vipAddress] : [...p.addresses];
    const placement: ObservedPlacement = {
      vmId,
      network: this.vrrp ? { kind: 'own', addresses } : { kind: 'shared' },
      haproxy: { ...p.haproxy },
      keepalived: this.vrrp ? { ...p.keepalived } : null,
      tlsFiles: [...p.tlsFiles],
    };
    p.seen = { holds, placement };
    return placement;
  }

  private placement(p: PlacementSpec): FakePlacement {
    const found = this.placements.get(p.vmId);
    if (!found) throw new Error(`placement ${p.vmId} is not plumbed`);
    found.spec = p;
    found.seen = null;
    return found;
  }

  private record(p: PlacementSpec): HaproxyRecord {
    return { facts: p.bundle.haproxy, variant: '', tlsFiles: p.tlsFiles.map((f) => ({ path: f.path, hash: contentHash(f.pem) })) };
  }

  async plumb(n: PlacementNetwork): Promise<void> {
    const found = this.placements.get(n.vmId);
    if (found) {
      found.addresses = [n.vrrpAddress];
      found.seen = null;
    } else
      this.placements.set(n.vmId, {
        network: n,
        spec: null,
        addresses: [n.vrrpAddress],
        haproxy: { running: false, record: null },
        keepalived: { running: false, hash: null },
        tlsFiles: new Set(),
        seen: null,
      });
  }

  /** Runs HAProxy on the spec's files, whether it ran or not (as the real drivers: a start finds it running, a reload finds it dead). */
  async startHaproxy(p: PlacementSpec): Promise<void> {
    this.runHaproxy(p);
  }

  async reloadHaproxy(p: PlacementSpec): Promise<void> {
    this.runHaproxy(p);
  }

  private runHaproxy(p: PlacementSpec): void {
    const found = this.placement(p);
    found.haproxy = { running: true, record: this.record(p) };
    found.tlsFiles = new Set(p.tlsFiles.map((f) => f.path));
  }

  async updateServers(p: PlacementSpec): Promise<boolean> {
    const found = this.placement(p);
    if (!found.haproxy.running) return false;
    found.haproxy = { running: true, record: this.record(p) };
    return true;
  }

  async pruneTlsFiles(p: PlacementSpec): Promise<void> {
    this.placement(p).tlsFiles = new Set(p.tlsFiles.map((f) => f.path));
  }

  async startKeepalived(p: PlacementSpec): Promise<void> {
    this.placement(p).keepalived = { running: true, hash: p.keepalived.hash };
  }

  async reloadKeepalived(p: PlacementSpec): Promise<void> {
    this.placement(p).keepalived = { running: true, hash: p.keepalived.hash };
  }

  /** Nothing tells the fake that `holdsVip` changed: it answers now, or at the end of the wait. */
  untilAddress(vmId: string, address: string, o: AddressWait): Promise<boolean> {
    const holds = (): boolean => !this.vrrp || (this.placements.get(vmId)?.keepalived.running === true && this.holdsVip(vmId, address));
    if (holds() || o.signal.aborted) return Promise.resolve(holds());
    return new Promise((resolve) => {
      const end = (): void => {
        clearTimeout(timer);
        o.signal.removeEventListener('abort', end);
        resolve(holds());
      };
      const timer = setTimeout(end, o.withinMs);
      o.signal.addEventListener('abort', end, { once: true });
    });
  }

  async remove(vmId: string): Promise<void> {
    this.placements.delete(vmId);
  }

  async showStat(): Promise<string | null> {
    return null;
  }

  async ensureFloatingIp(id: string, floatingAddress: string, vipAddress: string): Promise<void> {
    this.forwarded.set(id, { id, floatingAddress, vipAddress });
  }

  async removeFloatingIp(id: string): Promise<void> {
    this.forwarded.delete(id);
  }

  /** Stops a placement's daemons as a crash would, leaving its files and records. */
  crash(vmId: string): void {
    const found = this.placements.get(vmId);
    if (!found) return;
    found.haproxy = { ...found.haproxy, running: false };
    found.keepalived = { ...found.keepalived, running: false };
    found.seen = null;
  }
}
