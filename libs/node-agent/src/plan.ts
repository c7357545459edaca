import {
  type HaproxyRecord,
  networkOf,
  type ObservedNode,
  type ObservedPlacement,
  type PlacementNetwork,
  type PlacementSpec,
} from '@lbaas/dataplane';
import { contentHash, runtimeChanges } from '@lbaas/haproxy';
import type { DesiredNode, DesiredPlacement } from './desired';

/** One thing to do to the machine; the executor does it through the driver. */
export type Step =
  | { readonly kind: 'plumb'; readonly network: PlacementNetwork }
  | { readonly kind: 'startHaproxy'; readonly spec: PlacementSpec }
  | { readonly kind: 'reloadHaproxy'; readonly spec: PlacementSpec; readonly why: string }
  | { readonly kind: 'updateServers'; readonly spec: PlacementSpec; readonly commands: readonly string[] }
  | { readonly kind: 'pruneTlsFiles'; readonly spec: PlacementSpec }
  | { readonly kind: 'startKeepalived'; readonly spec: PlacementSpec }
  | { readonly kind: 'reloadKeepalived'; readonly spec: PlacementSpec }
  | { readonly kind: 'removePlacement'; readonly vmId: string }
  | { readonly kind: 'ensureFloatingIp'; readonly floatingIpId: string; readonly floatingAddress: string; readonly vipAddress: string }
  | { readonly kind: 'removeFloatingIp'; readonly floatingIpId: string };

/** The vm uuid a step is about, or null for a floating IP's. */
export const vmIdOf = (step: Step): string | null => {
  switch (step.kind) {
    case 'removePlacement':
      return step.vmId;
    case 'plumb':
      return step.network.vmId;
    case 'ensureFloatingIp':
    case 'removeFloatingIp':
      return null;
    default:
      return step.spec.vmId;
  }
};

const sameTlsFiles = (record: HaproxyRecord, spec: PlacementSpec): boolean => {
  const wanted = spec.tlsFiles.map((f) => `${f.path} ${contentHash(f.pem)}`).sort();
  const loaded = record.tlsFiles.map((f) => `${f.path} ${f.hash}`).sort();
  return wanted.length === loaded.length && wanted.every((w, n) => w === loaded[n]);
};

/** What it takes to bring HAProxy from what it runs to the spec. */
function haproxySteps(spec: PlacementSpec, variant: string, seen: ObservedPlacement['haproxy'], tlsPresent: readonly string[]): Step[] {
  if (!seen.running) return [{ kind: 'startHaproxy', spec }];
  const record = seen.record;
  const wantedTls = new Set(spec.tlsFiles.map((f) => f.path));
  const prune: Step[] = tlsPresent.some((path) => !wantedTls.has(path)) ? [{ kind: 'pruneTlsFiles', spec }] : [];
  // Running with no record: left half-applied, or by an agent that kept none; a seamless reload makes it known.
  if (record === null) return [{ kind: 'reloadHaproxy', spec, why: 'nothing records what it runs' }];
  const sameTls = sameTlsFiles(record, spec);
  if (record.facts.hash === spec.bundle.haproxy.hash && record.variant === variant && sameTls) return prune;
  if (!sameTls) return [{ kind: 'reloadHaproxy', spec, why: 'new certificate files' }];
  if (record.variant !== variant)
    return [{ kind: 'reloadHaproxy', spec, why: 'the driver runs it otherwise now (role, floating addresses)' }];
  const commands = runtimeChanges(record.facts, spec.bundle.haproxy);
  if (commands !== null && commands.length > 0) return [{ kind: 'updateServers', spec, commands }, ...prune];
  return [{ kind: 'reloadHaproxy', spec, why: 'a new haproxy.cfg' }];
}

const plumbed = (seen: ObservedPlacement | undefined, vrrpAddress: string): boolean =>
  seen !== undefined && (seen.network.kind === 'shared' || (seen.network.addresses?.includes(vrrpAddress) ?? false));

function placementSteps(d: DesiredPlacement, vrrp: boolean, seen: ObservedPlacement | undefined): Step[] {
  // A namespace is made as soon as the placement is known, while its files are rendered and
  // checked: it is most of what a new placement waits for on the node. Nothing else is worth it.
  if (d.run.kind === 'unrendered')
    return vrrp && d.run.network !== null && !plumbed(seen, d.run.network.vrrpAddress) ? [{ kind: 'plumb', network: d.run.network }] : [];
  if (d.run.kind !== 'run') return [];
  const { spec, haproxyVariant } = d.run;
  const network = networkOf(spec);
  if (!seen)
    return [{ kind: 'plumb', network }, { kind: 'startHaproxy', spec }, ...(vrrp ? [{ kind: 'startKeepalived', spec } as const] : [])];
  const steps: Step[] = plumbed(seen, spec.vrrpAddress) ? [] : [{ kind: 'plumb', network }];
  steps.push(...haproxySteps(spec, haproxyVariant, seen.haproxy, seen.tlsFiles));
  if (vrrp) {
    // After HAProxy: keepalived tracks HAProxy's pid, and takes the VIP only where HAProxy runs.
    if (!seen.keepalived?.running) steps.push({ kind: 'startKeepalived', spec });
    else if (seen.keepalived.hash !== spec.keepalived.hash) steps.push({ kind: 'reloadKeepalived', spec });
  }
  return steps;
}

/**
 * The steps that bring the machine from `observed` to `desired`: pure, so it is tested table by
 * table, and level-triggered: planning again after the steps succeeded yields none. Placements
 * first (a new VIP before a teardown), then placements this node should no longer run (only
 * those the log once put here: agents of one machine share it), then floating IPs on a pass
 * over the whole node. A placement that waits or cannot run gets no step: what runs stays.
 */
export function plan(desired: DesiredNode, observed: ObservedNode): Step[] {
  const seen = new Map(observed.placements.map((p) => [p.vmId, p]));
  const wanted = new Set(desired.placements.map((p) => p.vmId));
  const steps = desired.placements.flatMap((d) => placementSteps(d, desired.vrrp, seen.get(d.vmId)));
  for (const p of observed.placements) {
    if (!wanted.has(p.vmId) && desired.ours.has(p.vmId)) steps.push({ kind: 'removePlacement', vmId: p.vmId });
  }
  if (!desired.whole) return steps;
  const forwarded = new Map(observed.floatingIps.map((f) => [f.id, f]));
  for (const f of desired.floatingIps.forward) {
    const now = forwarded.get(f.id);
    if (now?.floatingAddress === f.floatingAddress && now.vipAddress === f.vipAddress) continue;
    // Forwarding elsewhere (or half made): its rules go before the right ones are made.
    if (now) steps.push({ kind: 'removeFloatingIp', floatingIpId: f.id });
    steps.push({ kind: 'ensureFloatingIp', floatingIpId: f.id, floatingAddress: f.floatingAddress, vipAddress: f.vipAddress });
  }
  for (const f of observed.floatingIps) {
    if (!desired.floatingIps.associated.has(f.id)) steps.push({ kind: 'removeFloatingIp', floatingIpId: f.id });
  }
  return steps;
}
