import type { ObservedFloatingIp, PlacementDriver, PlacementNetwork, PlacementSpec } from '@lbaas/dataplane';
import type { PlacementRole } from '@lbaas/domain';
import type { PlacementBundle } from '@lbaas/haproxy';
import type { NodeLog } from './node-log';
import { placementTlsFiles, type SecretOpener } from './placement-tls';

/** A placement's rendered files and bundle, as fetched from the object store. */
export interface PlacementFiles {
  readonly haproxy: { readonly hash: string; readonly text: string };
  readonly keepalived: { readonly hash: string; readonly text: string };
  readonly bundle: PlacementBundle;
}

/** A rendering whose bundle is not stored yet: what runs stays (an upgrade's renderings until the renderer stores their bundles). */
export interface BundlePending {
  readonly pending: string;
}

/** What should run for a placement this pass, or why nothing new does. */
export type PlacementRun =
  | { readonly kind: 'run'; readonly spec: PlacementSpec; readonly haproxyVariant: string }
  /** Nothing rendered yet (or only rejected renderings): nothing to run; its network, once the VIP's address is known, can be made. */
  | { readonly kind: 'unrendered'; readonly network: PlacementNetwork | null }
  /** Not yet (a certificate the rendering names is not folded): what runs stays, a later pass looks again. */
  | { readonly kind: 'wait'; readonly reason: string }
  /** Cannot be run as rendered (files missing from the store, a key that cannot be opened): reported, looked at again later. */
  | { readonly kind: 'fail'; readonly reason: string };

export interface DesiredPlacement {
  readonly instanceId: string;
  readonly vmId: string;
  readonly role: PlacementRole;
  readonly run: PlacementRun;
}

/** What this node should run, for the instances a pass looks at or for the whole node. */
export interface DesiredNode {
  /** Placements get keepalived, and the VIP's address follows VRRP. */
  readonly vrrp: boolean;
  /** The pass looks at the whole node: placements no longer wanted anywhere, and floating IPs. */
  readonly whole: boolean;
  /** This node's placements of live instances that are not being deleted. */
  readonly placements: readonly DesiredPlacement[];
  /** vm uuids of every placement the log ever put on this node: the only ones this agent may remove. */
  readonly ours: Pick<ReadonlySet<string>, 'has'>;
  readonly floatingIps: {
    /** Those whose VIP's active placement is on this node: they forward to it. */
    readonly forward: readonly ObservedFloatingIp[];
    /** Every floating IP the log associates with a live VIP: any other forwarding is removed. */
    readonly associated: ReadonlySet<string>;
  };
}

export interface DesiredInputs {
  readonly log: NodeLog;
  /** The instances whose placements this pass looks at; null for all of this node's. */
  readonly scope: ReadonlySet<string> | null;
  /**
   * Whether the pass looks at the whole node (placements no longer wanted, floating IPs); by
   * default when the scope is all. A pass over the whole node may plan only the placements that
   * changed: the others are neither wanted here nor observed by it.
   */
  readonly whole?: boolean;
  /** The fetched files of a placement (by vm uuid) for its current rendering, why they could not be fetched or are not stored yet, or undefined when not rendered. */
  readonly files: (vmId: string) => PlacementFiles | BundlePending | { readonly error: string } | undefined;
  /** Opens certificates' keys; absent for a driver that runs nothing (fake). */
  readonly keys: SecretOpener | undefined;
  readonly driver: Pick<PlacementDriver, 'vrrp' | 'haproxyVariant'>;
}

/**
 * The node's desired state from the folded log and the fetched files: per placement of this
 * node, the files, bundle, role, TLS files (opened) and floating addresses to run, or why none;
 * and the floating IPs to forward. Pure, given its inputs.
 */
export function desiredNode(i: DesiredInputs): DesiredNode {
  const { log } = i;
  const whole = i.whole ?? i.scope === null;
  const floating = log.associatedFloatingIps();
  const placements: DesiredPlacement[] = [];
  const forward: ObservedFloatingIp[] = [];
  const floatingOf = new Map<string, typeof floating>();
  for (const f of floating) floatingOf.set(f.vipId, [...(floatingOf.get(f.vipId) ?? []), f]);
  // Forwarding is planned on a pass over the whole node only, and only a VIP with a floating IP
  // forwards: a pass over some instances need not walk the node's every instance for it.
  if (whole && floating.length > 0)
    for (const si of log.mineInstances()) {
      const activeHere = si.placements.some((p) => p.role === 'active' && p.nodeId === log.nodeId);
      const addresses = si.source.kind === 'vip' ? (floatingOf.get(si.source.vipId) ?? []) : [];
      if (activeHere && !si.deleting)
        forward.push(...addresses.map(({ id, floatingAddress, vipAddress }) => ({ id, floatingAddress, vipAddress })));
    }
  // An instance without a placement here has nothing to run on this node.
  for (const si of i.scope === null ? log.mineInstances() : log.mineAmong(i.scope)) {
    const vipId = si.source.kind === 'vip' ? si.source.vipId : null;
    const vip = vipId === null ? undefined : log.vips.get(vipId);
    const vipAddress = si.source.kind === 'loadbalancer' ? si.source.vipAddress : vip?.kind === 'live' ? vip.address : null;
    const addresses = vipId === null ? [] : (floatingOf.get(vipId) ?? []);
    if (si.deleting) continue;
    for (const p of si.placements) {
      if (p.nodeId !== log.nodeId) continue;
      const floatingAddresses = p.role === 'active' ? addresses.map((f) => f.floatingAddress) : [];
      placements.push({
        instanceId: si.id,
        vmId: p.vmId,
        role: p.role,
        run: runOf(i, si.id, vipId, p.vmId, p.role, p.vrrpAddress, floatingAddresses, vipAddress),
      });
    }
  }
  return {
    vrrp: i.driver.vrrp,
    whole,
    placements,
    ours: log.ours,
    floatingIps: { forward, associated: new Set(floating.map((f) => f.id)) },
  };
}

function runOf(
  i: DesiredInputs,
  instanceId: string,
  vipId: string | null,
  vmId: string,
  role: PlacementRole,
  vrrpAddress: string,
  floatingAddresses: string[],
  vipAddress: string | null,
): PlacementRun {
  const files = i.files(vmId);
  if (files === undefined) return { kind: 'unrendered', network: vipAddress === null ? null : { vmId, vrrpAddress, vipAddress } };
  if ('error' in files) return { kind: 'fail', reason: files.error };
  if ('pending' in files) return { kind: 'wait', reason: files.pending };
  let tls;
  try {
    tls = placementTlsFiles(files.bundle.haproxy.tlsFiles, {
      vipId,
      vip: vipId === null ? undefined : i.log.vips.get(vipId),
      certificates: i.log.certificates,
      versions: i.log.versions,
      keys: i.keys,
    });
  } catch (error) {
    return { kind: 'fail', reason: error instanceof Error ? error.message : String(error) };
  }
  // Never start or reload HAProxy without a file its configuration names: what runs stays.
  if (tls.kind === 'wait') return { kind: 'wait', reason: tls.reason };
  const spec: PlacementSpec = {
    instanceId,
    vmId,
    role,
    vrrpAddress,
    haproxy: files.haproxy,
    keepalived: files.keepalived,
    bundle: files.bundle,
    floatingAddresses,
    tlsFiles: tls.files,
  };
  return { kind: 'run', spec, haproxyVariant: i.driver.haproxyVariant(role, floatingAddresses) };
}
