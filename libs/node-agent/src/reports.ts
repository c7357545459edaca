import type { InstanceSource, RecordLoadBalancerApplied, RecordLoadBalancerError, RecordPoolStatus, RecordVipStatus } from '@lbaas/domain';
import type { DesiredPlacement } from './desired';
import type { PlacementOutcome } from './execute';
import type { LiveInstance, RecordedStatus } from './node-log';

/** An event this agent appends about one placement, derived from its outcome; the deciders append only what changes. */
export type Report =
  | {
      readonly kind: 'applied';
      readonly instanceId: string;
      readonly vmId: string;
      readonly haproxyHash: string;
      readonly keepalivedHash: string;
    }
  | { readonly kind: 'failed'; readonly instanceId: string; readonly vmId: string; readonly haproxyHash: string; readonly reason: string }
  /**
   * The status of what the instance serves (a VIP and its pool, or a load balancer with the
   * revision of the rendering the placement runs), as the agent of the active placement sees it.
   */
  | {
      readonly kind: 'status';
      readonly instanceId: string;
      readonly source: InstanceSource;
      readonly revision: number | null;
      readonly status: 'ACTIVE' | 'ERROR';
      readonly description: string | null;
    }
  /** A placement of an instance being deleted is gone from this node. */
  | { readonly kind: 'released'; readonly instanceId: string; readonly vmId: string }
  /** The new active of an operator's failover holds the VIP with these files: the scheduler may retire the old one. */
  | { readonly kind: 'vipHeld'; readonly instanceId: string; readonly vmId: string; readonly keepalivedHash: string };

export interface PlacementReports {
  /** In order: a VIP goes ACTIVE only after its placement is recorded as applied. */
  readonly reports: readonly Report[];
  /** The active runs its files but VRRP has not given it the VIP's address yet: look again once it does. */
  readonly recheckVip: boolean;
}

/** A rejected rendering leaves the last good files serving, which is not what the tenant asked for: ERROR until a rendering passes. */
export const rejectionOf = (si: LiveInstance): string | null =>
  si.lastRejection === null
    ? null
    : `${si.lastRejection.file} was rejected by its check (the last good configuration stays in force): ${si.lastRejection.message}`;

/**
 * What to append for one placement of this node after a pass: InstanceApplied once per new
 * rendering (or after a failure), InstanceFailed with the driver's reason, and, from the
 * active placement only, the VIP's and pool's status: ERROR with the reason or the checker's
 * rejection, ACTIVE only once the placement holds the VIP's address, and, when it is the new
 * active of a handover running files rendered after the swap, that it holds the VIP. Pure.
 */
export function reportsFor(si: LiveInstance, d: DesiredPlacement, outcome: PlacementOutcome): PlacementReports {
  const rendered = si.rendered.find((r) => r.vmId === d.vmId);
  const active = d.role === 'active';
  const status = (s: 'ACTIVE' | 'ERROR', description: string | null): Report => ({
    kind: 'status',
    instanceId: si.id,
    source: si.source,
    revision: si.renderedRevision,
    status: s,
    description,
  });
  const rejection = rejectionOf(si);
  switch (outcome.kind) {
    case 'waiting':
      return { reports: [], recheckVip: false };
    case 'unrendered':
      // A first rendering that failed its check: there is nothing to run, and no other report would say why.
      return { reports: active && rejection !== null ? [status('ERROR', rejection)] : [], recheckVip: false };
    case 'failed': {
      const failed: Report = {
        kind: 'failed',
        instanceId: si.id,
        vmId: d.vmId,
        haproxyHash: rendered?.haproxyHash ?? '',
        reason: outcome.reason.slice(0, 1000),
      };
      return { reports: active ? [failed, status('ERROR', outcome.reason)] : [failed], recheckVip: false };
    }
    case 'converged': {
      const reports: Report[] = [];
      const current = si.applied[d.vmId];
      if (
        rendered &&
        (!current ||
          current.haproxyHash !== rendered.haproxyHash ||
          current.keepalivedHash !== rendered.keepalivedHash ||
          d.vmId in si.failures)
      ) {
        reports.push({
          kind: 'applied',
          instanceId: si.id,
          vmId: d.vmId,
          haproxyHash: rendered.haproxyHash,
          keepalivedHash: rendered.keepalivedHash,
        });
      }
      if (!active) return { reports, recheckVip: false };
      // ACTIVE promises traffic reaches this placement: a connection the standby took while VRRP
      // settled would be reset when the active takes the address over.
      if (rejection === null && !outcome.holdsVip) return { reports, recheckVip: true };
      const h = si.handover;
      if (outcome.holdsVip && rendered && h !== null && h.toVmId === d.vmId && h.rendered && h.servedAt === null)
        reports.push({ kind: 'vipHeld', instanceId: si.id, vmId: d.vmId, keepalivedHash: rendered.keepalivedHash });
      return { reports: [...reports, rejection === null ? status('ACTIVE', null) : status('ERROR', rejection)], recheckVip: false };
    }
    default: {
      const unhandled: never = outcome;
      throw new Error(`unknown outcome ${JSON.stringify(unhandled)}`);
    }
  }
}

/**
 * ReleasePlacement for each placement of this node whose instance is being deleted and that is
 * gone from the machine (removed, or never there), unless its removal is still under way.
 */
export function releasesFor(si: LiveInstance, nodeId: string, present: ReadonlySet<string>, removing: (vmId: string) => boolean): Report[] {
  if (!si.deleting) return [];
  return si.placements
    .filter((p) => p.nodeId === nodeId && !present.has(p.vmId) && !removing(p.vmId))
    .map((p) => ({ kind: 'released', instanceId: si.id, vmId: p.vmId }));
}

export type StatusReport = Extract<Report, { kind: 'status' }>;

/** A status report as commands on the streams of what the instance serves. */
export type StatusCommand =
  | { readonly aggregate: 'vip'; readonly id: string; readonly command: RecordVipStatus }
  | { readonly aggregate: 'pool'; readonly id: string; readonly command: RecordPoolStatus }
  | { readonly aggregate: 'loadbalancer'; readonly id: string; readonly command: RecordLoadBalancerApplied | RecordLoadBalancerError };

/** Neutron's status_description column. */
const VIP_DESCRIPTION_LIMIT = 255;
/** A load balancer's error reason has no column to fit; bounded as InstanceFailed's, so an event stays small. */
const LOAD_BALANCER_REASON_LIMIT = 1000;

/**
 * A VIP's status goes to the VIP and its pool; a load balancer's is the revision its active
 * placement serves (RecordLoadBalancerApplied, which ends PENDING for every change up to it) or
 * why it cannot (RecordLoadBalancerError). A rendering with no revision is not a load balancer's:
 * nothing to say. `at` is when the agent saw it. Pure.
 */
export function statusCommands(report: StatusReport, at: string): StatusCommand[] {
  const { source, status, description } = report;
  if (source.kind === 'vip') {
    const statusDescription = description === null ? null : description.slice(0, VIP_DESCRIPTION_LIMIT);
    return [
      {
        aggregate: 'vip',
        id: source.vipId,
        command: { type: 'RecordVipStatus', data: { vipId: source.vipId, status, statusDescription } },
      },
      {
        aggregate: 'pool',
        id: source.poolId,
        command: { type: 'RecordPoolStatus', data: { poolId: source.poolId, status, statusDescription } },
      },
    ];
  }
  const { loadBalancerId } = source;
  if (status === 'ERROR') {
    const reason = (description ?? 'the data plane cannot serve the load balancer').slice(0, LOAD_BALANCER_REASON_LIMIT);
    return [
      { aggregate: 'loadbalancer', id: loadBalancerId, command: { type: 'RecordLoadBalancerError', data: { loadBalancerId, reason, at } } },
    ];
  }
  if (report.revision === null) return [];
  return [
    {
      aggregate: 'loadbalancer',
      id: loadBalancerId,
      command: { type: 'RecordLoadBalancerApplied', data: { loadBalancerId, revision: report.revision, at } },
    },
  ];
}

/** What the agent's fold of the log says the VIPs and pools hold now; undefined: not live. */
export interface FoldedStatuses {
  readonly vip: (id: string) => RecordedStatus | undefined;
  readonly pool: (id: string) => RecordedStatus | undefined;
}

/**
 * Whether the command would append nothing by the log as folded: its VIP or pool is not live, or
 * holds this status and description already (RecordVipStatus and RecordPoolStatus decide so).
 * Every pass reports the active placements' status, and each write is a read of the aggregate's
 * stream: a pass over 2,400 active placements read 4,800 streams to append nothing. A fold that
 * lags (a status appended after the events the pass acts on) is caught up by the next pass over
 * the whole node. A load balancer's revision is not folded here: always written. Pure.
 */
export function statusRecorded(c: StatusCommand, folded: FoldedStatuses): boolean {
  if (c.aggregate === 'loadbalancer') return false;
  const held = c.aggregate === 'vip' ? folded.vip(c.id) : folded.pool(c.id);
  return held === undefined || (held.status === c.command.data.status && held.statusDescription === c.command.data.statusDescription);
}
