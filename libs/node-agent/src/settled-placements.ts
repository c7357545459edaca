import type { ObservedPlacement } from '@lbaas/dataplane';
import type { DesiredPlacement } from './desired';
import type { PlacementOutcome } from './execute';
import type { LiveInstance, NodeLog } from './node-log';

const sameList = <T>(a: readonly T[], b: readonly T[], same: (x: T, y: T) => boolean): boolean =>
  a === b || (a.length === b.length && a.every((x, i) => same(x, b[i])));

const sameString = (x: string, y: string): boolean => x === y;

/**
 * Whether two observations of one placement agree on everything `plan` and the outcome read: then
 * they plan the same steps (none) for the same wanted state. Compared field by field, not as a
 * string built per placement per pass: an idle pass over thousands of placements made that string
 * garbage every 2 s.
 */
export function sameObservation(a: ObservedPlacement, b: ObservedPlacement): boolean {
  if (a === b) return true;
  const [na, nb] = [a.network, b.network];
  const network =
    na.kind === 'shared' || nb.kind === 'shared'
      ? na.kind === nb.kind
      : na.addresses === null || nb.addresses === null
        ? na.addresses === nb.addresses
        : sameList(na.addresses, nb.addresses, sameString);
  if (!network || a.haproxy.running !== b.haproxy.running || !sameList(a.tlsFiles, b.tlsFiles, sameString)) return false;
  const [ra, rb] = [a.haproxy.record, b.haproxy.record];
  const record =
    ra === null || rb === null
      ? ra === rb
      : ra.facts.hash === rb.facts.hash &&
        ra.variant === rb.variant &&
        sameList(ra.tlsFiles, rb.tlsFiles, (x, y) => x.path === y.path && x.hash === y.hash);
  const [ka, kb] = [a.keepalived, b.keepalived];
  return record && (ka === null || kb === null ? ka === kb : ka.running === kb.running && ka.hash === kb.hash);
}

/**
 * What a placement's wanted state is made of besides its files (which its instance's renderings
 * name): the instance, its VIP and pool status (what the reports compare with), and the log's
 * floating IPs and certificates. Every part is a folded state the log replaces, never mutates, so
 * identity says whether it changed.
 */
interface PlacementInputs {
  readonly instance: LiveInstance;
  readonly vip: unknown;
  readonly poolStatus: unknown;
  readonly nodeWide: number;
}

/** The VIP and the pool status a placement's reports compare with: a v1 VIP's, none for a load balancer. */
const vipOf = (log: NodeLog, si: LiveInstance): unknown => (si.source.kind === 'vip' ? log.vips.get(si.source.vipId) : undefined);
const poolStatusOf = (log: NodeLog, si: LiveInstance): unknown =>
  si.source.kind === 'vip' ? log.poolStatuses.get(si.source.poolId) : undefined;

const inputsOf = (log: NodeLog, si: LiveInstance): PlacementInputs => ({
  instance: si,
  vip: vipOf(log, si),
  poolStatus: poolStatusOf(log, si),
  nodeWide: log.nodeWideChanges,
});

/** The kept inputs against the log as it is now, without building them: asked per instance per pass. */
const sameInputs = (kept: PlacementInputs, log: NodeLog, si: LiveInstance): boolean =>
  kept.instance === si && kept.nodeWide === log.nodeWideChanges && kept.vip === vipOf(log, si) && kept.poolStatus === poolStatusOf(log, si);

/**
 * Placements a pass left with nothing to do and nothing more to report, with what they were made
 * of and how the machine was seen: a pass over the whole node gives a placement seen the same way
 * with the same inputs no fetch, plan, step or report, as they would come out the same. So an idle
 * pass costs an observation and a comparison per placement, and drift (a daemon that died, an
 * address or a namespace gone) still shows in the observation and is repaired in that pass.
 */
export class SettledPlacements {
  private readonly settled = new Map<string, { readonly inputs: PlacementInputs; readonly seen: ObservedPlacement }>();

  /**
   * Records a placement after a pass: settled when it converged with no step (`seen` is then how
   * the machine stands) and no look again pending, forgotten otherwise. A load balancer's status
   * is not folded by the agent (its writer asks the log every pass), so its placements are not
   * kept.
   */
  record(
    log: NodeLog,
    si: LiveInstance,
    d: DesiredPlacement,
    outcome: PlacementOutcome,
    seen: ObservedPlacement | undefined,
    recheckVip: boolean,
  ): void {
    const final = outcome.kind === 'converged' && outcome.stepsTaken === 0 && !recheckVip && si.source.kind === 'vip';
    if (final && seen !== undefined) this.settled.set(d.vmId, { inputs: inputsOf(log, si), seen });
    else this.settled.delete(d.vmId);
  }

  /** Whether every placement of the instance on this node is settled, with the same inputs, and seen as it was. */
  unchanged(log: NodeLog, si: LiveInstance, seen: ReadonlyMap<string, ObservedPlacement>): boolean {
    if (si.deleting) return false;
    for (const p of si.placements) {
      if (p.nodeId !== log.nodeId) continue;
      const kept = this.settled.get(p.vmId);
      const now = seen.get(p.vmId);
      if (kept === undefined || now === undefined || !sameInputs(kept.inputs, log, si) || !sameObservation(kept.seen, now)) return false;
    }
    return true;
  }

  /** Keeps only these placements' records: those of placements that left the node can never match again. */
  retain(vmIds: ReadonlySet<string>): void {
    for (const vmId of this.settled.keys()) if (!vmIds.has(vmId)) this.settled.delete(vmId);
  }

  get size(): number {
    return this.settled.size;
  }
}
