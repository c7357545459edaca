import type { PlacementRole } from '@lbaas/domain';
import type { HaproxyFacts, PlacementBundle } from '@lbaas/haproxy';
import type { AddressWait } from './address-watch';

/** A certificate file a haproxy.cfg names: the chain, then the opened private key; written mode 0600 before HAProxy reads it. */
export interface TlsFile {
  readonly path: string;
  readonly pem: string;
}

/** What a node agent wants running for one placement: its identity, role, fabric address, files and the facts of them. */
export interface PlacementSpec {
  readonly instanceId: string;
  readonly vmId: string;
  /** The scheduler's word on which placement serves: the process driver listens on the VIP for the active only; with VRRP (netns) keepalived decides. */
  readonly role: PlacementRole;
  readonly vrrpAddress: string;
  readonly haproxy: { readonly hash: string; readonly text: string };
  readonly keepalived: { readonly hash: string; readonly text: string };
  readonly bundle: PlacementBundle;
  /** The floating addresses that forward to this placement's VIP while it is the active; a driver without NAT (process) listens on them. */
  readonly floatingAddresses: readonly string[];
  /** The TLS files the bundle names, certificate chain and opened key. */
  readonly tlsFiles: readonly TlsFile[];
}

/** A placement's network: known from its placement, before any file of it is rendered. */
export interface PlacementNetwork {
  readonly vmId: string;
  readonly vrrpAddress: string;
  /** The address of the VIP it serves (netns: on every placement's `lo`, for lossless handovers). */
  readonly vipAddress: string;
}

export const networkOf = (p: PlacementSpec): PlacementNetwork => ({
  vmId: p.vmId,
  vrrpAddress: p.vrrpAddress,
  vipAddress: p.bundle.keepalived.vip.address,
});

/** What a driver last brought a placement's HAProxy to: written once it serves, read back after any restart. */
export interface HaproxyRecord {
  /** The facts of the rendered haproxy.cfg it runs. */
  readonly facts: HaproxyFacts;
  /** The driver's own part of the file it runs (haproxyVariant). */
  readonly variant: string;
  /** The content hash of each TLS file as HAProxy loaded it: new bytes under the same name need a reload. */
  readonly tlsFiles: readonly { readonly path: string; readonly hash: string }[];
}

/** What a driver finds of one placement on the machine. */
export interface ObservedPlacement {
  readonly vmId: string;
  /**
   * `own`: the placement has an interface of its own (netns), with these addresses, or null when
   * it is missing; `shared`: placements share the host's stack (process, fake), nothing to plumb.
   */
  readonly network: { readonly kind: 'own'; readonly addresses: readonly string[] | null } | { readonly kind: 'shared' };
  readonly haproxy: { readonly running: boolean; readonly record: HaproxyRecord | null };
  /** Null when the driver runs no keepalived. */
  readonly keepalived: { readonly running: boolean; readonly hash: string | null } | null;
  /** The files present in the placement's TLS directory. */
  readonly tlsFiles: readonly string[];
}

export interface ObservedFloatingIp {
  readonly id: string;
  readonly floatingAddress: string;
  readonly vipAddress: string;
}

/** Everything a driver finds on the machine, or of the placements asked about. */
export interface ObservedNode {
  readonly placements: readonly ObservedPlacement[];
  readonly floatingIps: readonly ObservedFloatingIp[];
}

export interface KeepalivedStart {
  readonly haproxyFailed?: AbortSignal;
}

/**
 * How a node runs placements: it observes the machine and does one thing per call. The node
 * agent plans the calls from what it observed (libs/node-agent); a call checks before it acts,
 * so a call repeated after a crash is harmless.
 */
export interface PlacementDriver {
  readonly name: string;
  /** Placements run keepalived (VRRP), and the VIP's address follows its election rather than being there once applied. */
  readonly vrrp: boolean;
  /** This driver's part of the HAProxy file beyond the rendered one (the process driver: role, floating addresses); '' when none. */
  haproxyVariant(role: PlacementRole, floatingAddresses: readonly string[]): string;
  /**
   * Every placement of this driver on the machine, or only those of `vmIds`, and the floating IPs
   * it forwards. The caller may keep what it returns: a driver never changes an observation once
   * returned (the agent compares a settled placement's with the next pass's).
   */
  observe(vmIds?: readonly string[]): Promise<ObservedNode>;
  /** The placement's network (netns: namespace, veth, VRRP address) and run directory. */
  plumb(n: PlacementNetwork): Promise<void>;
  /** Writes the TLS files and haproxy.cfg, starts HAProxy (reloads it if it runs already) and returns once it serves, recorded. */
  startHaproxy(p: PlacementSpec): Promise<void>;
  /** Writes the TLS files and haproxy.cfg and reloads seamlessly (starts it if it died); returns once a new worker serves, recorded, older TLS files removed. */
  reloadHaproxy(p: PlacementSpec): Promise<void>;
  /** Runtime API commands (weights, enable/disable); true, and recorded, when HAProxy took them all. */
  updateServers(p: PlacementSpec, commands: readonly string[]): Promise<boolean>;
  /** Removes the TLS files `p` does not name. */
  pruneTlsFiles(p: PlacementSpec): Promise<void>;
  /**
   * Starts keepalived (reloads it if it runs already) once HAProxy's master runs, which may be
   * while HAProxy's start is still under way: the tracked script's first run decides whether the
   * instance leaves INIT, and a failed one costs a whole script interval. `o.haproxyFailed` ends
   * the wait when the HAProxy start it waits for failed.
   */
  startKeepalived(p: PlacementSpec, o?: KeepalivedStart): Promise<void>;
  /**
   * True once the placement holds `address` (VRRP gave it the VIP), at once when it does already;
   * false when `o.withinMs` pass first or `o.signal` aborts. Wakes on the change, not on a timer.
   */
  untilAddress(vmId: string, address: string, o: AddressWait): Promise<boolean>;
  reloadKeepalived(p: PlacementSpec): Promise<void>;
  /** Takes away whatever is there of the placement. */
  remove(vmId: string): Promise<void>;
  /** HAProxy's `show stat` of a running placement, or null when there is no HAProxy to ask. */
  showStat(vmId: string): Promise<string | null>;
  /** Makes the floating address forward to the VIP's address. */
  ensureFloatingIp(floatingIpId: string, floatingAddress: string, vipAddress: string): Promise<void>;
  removeFloatingIp(floatingIpId: string): Promise<void>;
}
