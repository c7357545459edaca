import type { ObservedPlacement } from '@lbaas/dataplane';
import type { DesiredPlacement } from './desired';
import type { PlacementOutcome } from './execute';
import type { LiveInstance, NodeLog } from './node-log';

/**
 * Everything of one observed placement that `plan` and the outcome read, as one string: two
 * observations with the same fingerprint plan the same steps (none) for the same wanted state.
 */
export function observedFingerprint(p: ObservedPlacement): string {
  const network = p.network.kind === 'shared' ? 'shared' : (p.network.addresses?.join(',') ?? 'missing');
  const record = p.haproxy.record;
  const loaded =
    record === null
      ? 'unrecorded'
      : `${record.facts.hash} ${record.variant} ${record.tlsFiles.map((f) => `${f.path}=${f.hash}`).join(',')}`;
  const keepalived = p.keepalived === null ? 'none' : `${p.keepalived.running} ${p.keepalived.hash ?? ''}`;
  return `${network}|${p.haproxy.running} ${loaded}|${keepalived}|${p.tlsFiles.join(',')}`;
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

const inputsOf = (log: NodeLog, si: LiveInstance): PlacementInputs => ({
  instance: si,
  vip: si.source.kind === 'vip' ? log.vips.get(si.source.vipId) : undefined,
  poolStatus: si.source.kind === 'vip' ? log.poolStatuses.get(si.source.poolId) : undefined,
  nodeWide: log.nodeWideChanges,
});

const sameInputs = (a: PlacementInputs, b: PlacementInputs): boolean =>
  a.instance === b.instance && a.vip === b.vip && a.poolStatus === b.poolStatus && a.nodeWide === b.nodeWide;

/**
 * Placements a pass left with nothing to do and nothing more to report, with what they were made
 * of and how the machine was seen: a pass over the whole node gives a placement seen the same way
 * with the same inputs no fetch, plan, step or report, as they would come out the same. So an idle
 * pass costs an observation and a comparison per placement, and drift (a daemon that died, an
 * address or a namespace gone) still shows in the observation and is repaired in that pass.
 */
export class SettledPlacements {
  private readonly settled = new Map<string, { readonly inputs: PlacementInputs; readonly seen: string }>();

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
    if (final && seen !== undefined) this.settled.set(d.vmId, { inputs: inputsOf(log, si), seen: observedFingerprint(seen) });
    else this.settled.delete(d.vmId);
  }

  /** Whether every placement of the instance on this node is settled, with the same inputs, and seen as it was. */
  unchanged(log: NodeLog, si: LiveInstance, seen: ReadonlyMap<string, ObservedPlacement>): boolean {
    if (si.deleting) return false;
    const inputs = inputsOf(log, si);
    return si.placements.every((p) => {
      if (p.nodeId !== log.nodeId) return true;
      const kept = this.settled.get(p.vmId);
      const now = seen.get(p.vmId);
      return kept !== undefined && now !== undefined && sameInputs(kept.inputs, inputs) && kept.seen === observedFingerprint(now);
    });
  }

  /** Keeps only these placements' records: those of placements that left the node can never match again. */
  retain(vmIds: ReadonlySet<string>): void {
    for (const vmId of this.settled.keys()) if (!vmIds.has(vmId)) this.settled.delete(vmId);
  }

  get size(): number {
    return this.settled.size;
  }
}
