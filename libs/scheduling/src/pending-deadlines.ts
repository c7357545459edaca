import {
  type EventEnvelope,
  type ExpirePoolPending,
  type ExpireVipPending,
  fold,
  isProvisioning,
  type LbStatus,
  type LoadBalancerEvent,
  type RecordLoadBalancerError,
  poolDecider,
  type PoolState,
  type ServiceInstanceState,
  vipDecider,
  type VipState,
  upcastTo,
} from '@lbaas/domain';

type LiveInstance = Extract<ServiceInstanceState, { kind: 'live' }>;

/** Neutron's column for status_description is 255 characters. */
const DESCRIPTION_LIMIT = 255;

interface WaitStart {
  /** The `occurredAt` of the event that started the wait: the deadline derives from the log, so a rebuilt watch agrees. */
  readonly since: string;
  /** That event: the expiry carries its correlation id, so the request that started the wait finds its end. */
  readonly cause: { readonly id: string; readonly correlationId: string };
}

/** An object waiting for the data plane, since the event that started the wait. */
export type PendingWait =
  | (WaitStart & {
      readonly aggregate: 'vip' | 'pool';
      readonly id: string;
      readonly status: LbStatus;
      /** The VIP whose service instance deploys the object: the VIP itself, or the pool's VIP. */
      readonly vipId: string;
    })
  | (WaitStart & {
      readonly aggregate: 'loadbalancer';
      readonly id: string;
      readonly status: 'PENDING_CREATE' | 'PENDING_UPDATE';
      /** The revision the data plane has to serve to end the wait. */
      readonly revision: number;
    });

export type DeadlineCommand =
  | { readonly aggregate: 'vip'; readonly id: string; readonly command: ExpireVipPending; readonly cause: PendingWait['cause'] }
  | { readonly aggregate: 'pool'; readonly id: string; readonly command: ExpirePoolPending; readonly cause: PendingWait['cause'] }
  /** Decided again on the load balancer's stream only while it is still pending (the scheduler checks the state it reads). */
  | {
      readonly aggregate: 'loadbalancer';
      readonly id: string;
      readonly command: RecordLoadBalancerError;
      readonly cause: PendingWait['cause'];
    };

export interface DeadlineContext {
  /** Milliseconds since the epoch. */
  readonly now: number;
  readonly deadlineMs: number;
  /** The live service instance of a VIP, if there is one. */
  readonly instanceOf: (vipId: string) => LiveInstance | undefined;
  /** The live service instance of a load balancer, if there is one. */
  readonly instanceOfLoadBalancer: (loadBalancerId: string) => LiveInstance | undefined;
}

/**
 * A load balancer's provisioning as events.ts describes it, folded from payloads: a change raises
 * the revision and leaves it pending (PENDING_CREATE until first served), the data plane serving
 * the latest revision makes it ACTIVE, a failure ERROR.
 */
interface LoadBalancerProvisioning {
  readonly revision: number;
  readonly status: 'PENDING_CREATE' | 'PENDING_UPDATE' | 'ACTIVE' | 'ERROR';
}

function provisioningAfter(before: LoadBalancerProvisioning | undefined, event: LoadBalancerEvent): LoadBalancerProvisioning | undefined {
  switch (event.type) {
    case 'LoadBalancerCreated':
      return before ?? { revision: 1, status: 'PENDING_CREATE' };
    case 'LoadBalancerDeleted':
      return undefined;
    case 'LoadBalancerApplied':
      return before && event.data.revision >= before.revision ? { ...before, status: 'ACTIVE' } : before;
    case 'LoadBalancerErrored':
      return before && { ...before, status: 'ERROR' };
    case 'LbMemberHealthChanged':
      return before;
    default:
      return before && { revision: before.revision + 1, status: before.status === 'PENDING_CREATE' ? 'PENDING_CREATE' : 'PENDING_UPDATE' };
  }
}

/**
 * What a VIP's deployment waits for, read off its service instance: each step of the way from
 * the VIP to a serving HAProxy has one owner (scheduler, config renderer, node agent), and the
 * first unfinished step names it.
 */
export function awaitedStep(si: LiveInstance | undefined, revision: number | null = null): string {
  if (!si) return 'the scheduler to create its service instance';
  const active = si.placements.find((p) => p.role === 'active');
  if (!active)
    return si.unplaceableReason === null ? 'a compute node to place it on' : `a compute node to place it on (${si.unplaceableReason})`;
  if (si.lastRejection !== null) {
    return `a configuration that passes its check (${si.lastRejection.file} was rejected: ${si.lastRejection.message})`;
  }
  const rendered = si.rendered.find((r) => r.vmId === active.vmId);
  if (!rendered) return 'the config renderer to render its configuration';
  if (revision !== null && (si.renderedRevision ?? 0) < revision) return `the config renderer to render revision ${revision}`;
  const failure = si.failures[active.vmId];
  if (failure !== undefined) return `compute node ${active.nodeId} to apply its active placement (it failed: ${failure})`;
  const applied = si.applied[active.vmId];
  if (!applied || applied.haproxyHash !== rendered.haproxyHash || applied.keepalivedHash !== rendered.keepalivedHash) {
    return `compute node ${active.nodeId} to apply its active placement ${active.vmId}`;
  }
  return revision === null
    ? `compute node ${active.nodeId} to report its active placement serving`
    : `compute node ${active.nodeId} to report its active placement serving revision ${revision}`;
}

/**
 * The pending deadline (ARCHITECTURE.md section 19): folds VIPs and pools from the log and
 * tracks since when each has been PENDING_CREATE or PENDING_UPDATE; `overdue` says which have
 * waited longer than the deadline and what for. A pool counts only while a VIP is bound to it:
 * the data plane deploys a pool with its VIP, so a pool without one waits for nothing it owes.
 */
export class PendingWatch {
  private readonly vips = new Map<string, VipState>();
  private readonly pools = new Map<string, PoolState>();
  private readonly loadBalancers = new Map<string, LoadBalancerProvisioning>();
  private readonly waits = new Map<string, PendingWait>();

  apply(event: EventEnvelope): void {
    if (event.aggregate === 'vip') {
      const vip = fold(vipDecider, [event], this.vips.get(event.aggregateId));
      this.keep(this.vips, event.aggregateId, vip);
      this.track('vip', event, vip.kind === 'live' && isProvisioning(vip.status) ? { status: vip.status, vipId: vip.id } : null);
    } else if (event.aggregate === 'pool') {
      const pool = fold(poolDecider, [event], this.pools.get(event.aggregateId));
      this.keep(this.pools, event.aggregateId, pool);
      this.track(
        'pool',
        event,
        pool.kind === 'live' && pool.vipId !== null && isProvisioning(pool.status) ? { status: pool.status, vipId: pool.vipId } : null,
      );
    } else if (event.aggregate === 'loadbalancer') {
      const typed = upcastTo('loadbalancer', event);
      if (typed !== null) this.applyLoadBalancer(event, typed);
    }
  }

  private applyLoadBalancer(event: EventEnvelope, typed: LoadBalancerEvent): void {
    const after = provisioningAfter(this.loadBalancers.get(event.aggregateId), typed);
    const key = `loadbalancer/${event.aggregateId}`;
    if (after) this.loadBalancers.set(event.aggregateId, after);
    else this.loadBalancers.delete(event.aggregateId);
    if (after?.status !== 'PENDING_CREATE' && after?.status !== 'PENDING_UPDATE') {
      this.waits.delete(key);
      return;
    }
    const before = this.waits.get(key);
    // Changes while pending go on with the same wait, at the new revision.
    const start: WaitStart =
      before?.status === after.status ? before : { since: event.occurredAt, cause: { id: event.id, correlationId: event.correlationId } };
    this.waits.set(key, { ...start, aggregate: 'loadbalancer', id: event.aggregateId, status: after.status, revision: after.revision });
  }

  /** Every object waiting now, oldest first. */
  pending(): PendingWait[] {
    return [...this.waits.values()].sort((a, b) => a.since.localeCompare(b.since));
  }

  /** The expiries due at `now`; each is decided again on its stream, where a status that moved on meanwhile appends nothing. */
  overdue(ctx: DeadlineContext): DeadlineCommand[] {
    const due: DeadlineCommand[] = [];
    for (const wait of this.pending()) {
      if (ctx.now - Date.parse(wait.since) <= ctx.deadlineMs) continue;
      const awaited =
        wait.aggregate === 'loadbalancer'
          ? awaitedStep(ctx.instanceOfLoadBalancer(wait.id), wait.revision)
          : awaitedStep(ctx.instanceOf(wait.vipId));
      const description = `${wait.status} for longer than ${formatSeconds(ctx.deadlineMs)}: waiting for ${awaited}`.slice(
        0,
        DESCRIPTION_LIMIT,
      );
      if (wait.aggregate === 'loadbalancer') {
        due.push({
          aggregate: 'loadbalancer',
          id: wait.id,
          command: {
            type: 'RecordLoadBalancerError',
            data: { loadBalancerId: wait.id, reason: description, at: new Date(ctx.now).toISOString() },
          },
          cause: wait.cause,
        });
        continue;
      }
      due.push(
        wait.aggregate === 'vip'
          ? {
              aggregate: 'vip',
              id: wait.id,
              command: { type: 'ExpireVipPending', data: { vipId: wait.id, statusDescription: description } },
              cause: wait.cause,
            }
          : {
              aggregate: 'pool',
              id: wait.id,
              command: { type: 'ExpirePoolPending', data: { poolId: wait.id, statusDescription: description } },
              cause: wait.cause,
            },
      );
    }
    return due;
  }

  private keep<S extends { kind: string }>(states: Map<string, S>, id: string, state: S): void {
    if (state.kind === 'live') states.set(id, state);
    else states.delete(id);
  }

  /** A wait goes on while status and VIP stay the same; another status or VIP is a new wait, with a new start. */
  private track(aggregate: 'vip' | 'pool', event: EventEnvelope, now: { status: LbStatus; vipId: string } | null): void {
    const key = `${aggregate}/${event.aggregateId}`;
    if (now === null) {
      this.waits.delete(key);
      return;
    }
    const before = this.waits.get(key);
    if (before && before.aggregate !== 'loadbalancer' && before.status === now.status && before.vipId === now.vipId) return;
    this.waits.set(key, {
      aggregate,
      id: event.aggregateId,
      status: now.status,
      vipId: now.vipId,
      since: event.occurredAt,
      cause: { id: event.id, correlationId: event.correlationId },
    });
  }
}

function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}
