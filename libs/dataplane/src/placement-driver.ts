import type { PlacementRole } from '@lbaas/domain';

/** What a node agent wants running for one placement: its identity, role, fabric address and the files by hash. */
export interface DesiredPlacement {
  readonly instanceId: string;
  readonly vmId: string;
  /** The scheduler's word on which placement serves: the process driver listens on the VIP for the active only; with VRRP (netns) keepalived decides. */
  readonly role: PlacementRole;
  readonly vrrpAddress: string;
  readonly haproxy: { readonly hash: string; readonly text: string };
  readonly keepalived: { readonly hash: string; readonly text: string };
  /** The TLS files haproxy.cfg names (`crt <path>`), certificate chain and opened key: written mode 0600 before HAProxy starts or reloads. */
  readonly tlsFiles: readonly { readonly path: string; readonly pem: string }[];
}

/**
 * How a node runs placements. Every call is idempotent and level-triggered: `apply` brings the
 * machine to the desired placement whatever it finds (nothing, half-made, running older files,
 * running the same files after an agent restart), `remove` takes away whatever is there.
 */
export interface PlacementDriver {
  readonly name: string;
  apply(placement: DesiredPlacement): Promise<void>;
  remove(vmId: string): Promise<void>;
  /** The vm uuids of placements this driver finds on the machine. */
  present(): Promise<string[]>;
  /**
   * Whether the placement holds the VIP's address now. With VRRP (netns) the address follows
   * keepalived's election, a moment after the files are applied; a driver without it leaves
   * this out and its active placement serves as soon as it is applied.
   */
  holdsVip?(vmId: string, vipAddress: string): Promise<boolean>;
  /** HAProxy's `show stat` of a running placement, or null when there is no HAProxy to ask. */
  showStat(vmId: string): Promise<string | null>;
  /** Makes the floating address forward to the VIP's address (idempotent). */
  ensureFloatingIp(floatingIpId: string, floatingAddress: string, vipAddress: string): Promise<void>;
  removeFloatingIp(floatingIpId: string): Promise<void>;
  /** Ids of the floating IPs this driver forwards. */
  floatingIps(): Promise<string[]>;
}

/** No data plane: for simulations and for the scheduler's tests. */
export class FakeDriver implements PlacementDriver {
  readonly name = 'fake';
  private readonly running = new Set<string>();

  async apply(placement: DesiredPlacement): Promise<void> {
    this.running.add(placement.vmId);
  }

  async remove(vmId: string): Promise<void> {
    this.running.delete(vmId);
  }

  async present(): Promise<string[]> {
    return [...this.running];
  }

  async showStat(): Promise<string | null> {
    return null;
  }

  async ensureFloatingIp(): Promise<void> {}

  async removeFloatingIp(): Promise<void> {}

  async floatingIps(): Promise<string[]> {
    return [];
  }
}
