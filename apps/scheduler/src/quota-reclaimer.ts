import { Inject, Injectable } from '@nestjs/common';
import {
  CATALOG_ID,
  catalogDecider,
  claimsToRestore,
  dueAt,
  type EventEnvelope,
  fold,
  type LoadBalancerState,
  loadBalancerDecider,
  nextClaimDue,
  quotaDecider,
  reclaimableClaims,
  reclaimableUses,
  upcastTo,
} from '@lbaas/domain';
import { type CausingEvent, type EventStore, handleCommand, systemActor } from '@lbaas/event-log';
import type { Logger } from 'pino';
import type { SchedulerConfig } from './config';
import { LOGGER, SCHEDULER_CONFIG } from './tokens';

/** A check to run: a project's claims of one load balancer, or the load balancer's use of a flavor or zone. */
type CheckKey =
  | { readonly kind: 'quota'; readonly projectId: string; readonly loadBalancerId: string }
  | { readonly kind: 'catalog'; readonly loadBalancerId: string };

interface Due {
  readonly key: CheckKey;
  readonly atMs: number;
  readonly cause: CausingEvent;
}

/** Events of a load balancer's stream after which the api releases quota (or ends a use): a crash there leaves them held. */
const REMOVALS = new Set([
  'LoadBalancerDeleted',
  'ListenerDeleted',
  'LbPoolDeleted',
  'LbMemberDeleted',
  'LbHealthMonitorDeleted',
  'L7PolicyDeleted',
  'L7RuleDeleted',
]);

const keyOf = (key: CheckKey): string =>
  key.kind === 'quota' ? `quota/${key.projectId}/${key.loadBalancerId}` : `catalog/${key.loadBalancerId}`;

export interface ReclaimCounts {
  checked: number;
  released: number;
  restored: number;
  usesEnded: number;
  usesRestored: number;
  failed: number;
}

/**
 * Reclaims what a crash left behind (ARCHITECTURE.md section 31): quota claims and flavor or zone
 * uses recorded for a load balancer whose stream, past the grace, does not hold the object. A
 * level-triggered reconcile in the scheduler's leader: the log's events only schedule a key (a
 * project's claims of one load balancer, or its catalog use) at their time plus the grace, and
 * the check reads the streams and decides with the pure functions of libs/domain. The scheduler
 * folds the log from sequence 1 at start, so a restarted reclaimer has every claim due and checks
 * it in its first round. Releases are appended with optimistic concurrency and are idempotent.
 */
@Injectable()
export class QuotaReclaimer {
  private readonly due = new Map<string, Due>();
  private readonly projectOf = new Map<string, string>();

  constructor(
    @Inject(SCHEDULER_CONFIG) private readonly config: SchedulerConfig,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /** Schedules checks from the log; never reads or appends. */
  fold(stored: EventEnvelope): void {
    const grace = this.config.quotaReclaimGraceMs;
    const cause = { id: stored.id, correlationId: stored.correlationId };
    const quota = upcastTo('quota', stored);
    if (quota?.type === 'QuotaReserved') {
      const { projectId, at, claims } = quota.data;
      for (const { loadBalancerId } of claims) {
        if (loadBalancerId === null) continue;
        this.projectOf.set(loadBalancerId, projectId);
        this.schedule({ kind: 'quota', projectId, loadBalancerId }, dueAt(at, grace), cause);
      }
      return;
    }
    const catalog = upcastTo('catalog', stored);
    if (catalog?.type === 'CatalogUseRecorded') {
      this.schedule({ kind: 'catalog', loadBalancerId: catalog.data.loadBalancerId }, dueAt(catalog.data.at, grace), cause);
      return;
    }
    const lb = upcastTo('loadbalancer', stored);
    if (lb === null) return;
    if (lb.type === 'LoadBalancerCreated') this.projectOf.set(lb.data.loadBalancer.id, lb.data.loadBalancer.projectId);
    if (!REMOVALS.has(lb.type)) return;
    const projectId = this.projectOf.get(lb.aggregateId);
    const when = dueAt(lb.occurredAt, grace);
    if (projectId !== undefined) this.schedule({ kind: 'quota', projectId, loadBalancerId: lb.aggregateId }, when, cause);
    if (lb.type === 'LoadBalancerDeleted') this.schedule({ kind: 'catalog', loadBalancerId: lb.aggregateId }, when, cause);
  }

  /** How many checks wait (due or not). */
  pending(): number {
    return this.due.size;
  }

  /** Runs every check due by `nowMs`; one that fails is due again after a tenth of the grace. */
  async round(store: EventStore, nowMs: number): Promise<ReclaimCounts> {
    const counts: ReclaimCounts = { checked: 0, released: 0, restored: 0, usesEnded: 0, usesRestored: 0, failed: 0 };
    const ready = [...this.due.values()].filter((d) => d.atMs <= nowMs).sort((a, b) => a.atMs - b.atMs);
    for (const d of ready) {
      this.due.delete(keyOf(d.key));
      counts.checked++;
      try {
        if (d.key.kind === 'quota') await this.checkQuota(store, d.key, d.cause, nowMs, counts);
        else await this.checkUse(store, d.key.loadBalancerId, d.cause, nowMs, counts);
      } catch (error) {
        counts.failed++;
        this.schedule(d.key, nowMs + this.config.quotaReclaimGraceMs / 10, d.cause);
        this.log.error({ check: keyOf(d.key), correlationId: d.cause.correlationId, err: error }, 'reclaim check failed; due again');
      }
    }
    if (counts.released + counts.restored + counts.usesEnded + counts.usesRestored + counts.failed > 0)
      this.log.info({ ...counts, waiting: this.due.size }, 'reclaimed what crashes left behind');
    return counts;
  }

  private schedule(key: CheckKey, atMs: number, cause: CausingEvent): void {
    if (Number.isNaN(atMs)) return;
    const known = this.due.get(keyOf(key));
    if (known === undefined || atMs < known.atMs) this.due.set(keyOf(key), { key, atMs, cause });
  }

  private async loadBalancer(store: EventStore, id: string): Promise<{ state: LoadBalancerState; version: number }> {
    const history = await store.read('loadbalancer', id);
    return { state: fold(loadBalancerDecider, history.events), version: history.version };
  }

  private async checkQuota(
    store: EventStore,
    key: Extract<CheckKey, { kind: 'quota' }>,
    cause: CausingEvent,
    nowMs: number,
    counts: ReclaimCounts,
  ): Promise<void> {
    const { projectId, loadBalancerId } = key;
    const grace = this.config.quotaReclaimGraceMs;
    const quota = fold(quotaDecider, (await store.read('quota', projectId)).events);
    const before = await this.loadBalancer(store, loadBalancerId);
    const claims = reclaimableClaims(quota, new Map([[loadBalancerId, before.state]]), nowMs, grace);
    const next = nextClaimDue(quota, loadBalancerId, nowMs, grace);
    if (next !== null) this.schedule(key, next, cause);
    if (claims.length === 0) return;
    const who = systemActor('scheduler', projectId, cause);
    const release = await handleCommand(store, quotaDecider, projectId, { type: 'ReleaseQuota', data: { projectId, claims } }, who);
    const released = release.events.flatMap((e) => {
      const event = upcastTo('quota', e);
      return event?.type === 'QuotaReleased' ? event.data.claims : [];
    });
    counts.released += released.length;
    if (released.length > 0)
      this.log.warn(
        { projectId, loadBalancerId, claims: released, correlationId: cause.correlationId },
        'released quota claims no object holds',
      );
    // A create may have appended between the read above and the release: what it holds now counts again.
    const after = await this.loadBalancer(store, loadBalancerId);
    const back = after.version === before.version ? [] : claimsToRestore(released, after.state);
    if (back.length === 0) return;
    await handleCommand(
      store,
      quotaDecider,
      projectId,
      { type: 'RestoreQuota', data: { projectId, loadBalancerId, at: new Date(nowMs).toISOString(), claims: back } },
      who,
    );
    counts.restored += back.length;
    this.log.warn({ projectId, loadBalancerId, claims: back }, 'restored quota claims a create appended during their release');
  }

  private async checkUse(
    store: EventStore,
    loadBalancerId: string,
    cause: CausingEvent,
    nowMs: number,
    counts: ReclaimCounts,
  ): Promise<void> {
    const grace = this.config.quotaReclaimGraceMs;
    const catalog = fold(catalogDecider, (await store.read('catalog', CATALOG_ID)).events);
    const use = catalog.uses.find((u) => u.loadBalancerId === loadBalancerId);
    if (use === undefined) return;
    if (dueAt(use.at, grace) > nowMs) return this.schedule({ kind: 'catalog', loadBalancerId }, dueAt(use.at, grace), cause);
    const before = await this.loadBalancer(store, loadBalancerId);
    if (reclaimableUses(catalog, new Map([[loadBalancerId, before.state]]), nowMs, grace).length === 0) return;
    const who = systemActor('scheduler', 'system', cause);
    const ended = await handleCommand(store, catalogDecider, CATALOG_ID, { type: 'EndCatalogUse', data: { loadBalancerId } }, who);
    if (ended.events.length === 0) return;
    counts.usesEnded++;
    this.log.warn(
      { loadBalancerId, flavorId: use.flavorId, availabilityZone: use.availabilityZone },
      'ended a catalog use no load balancer holds',
    );
    const after = await this.loadBalancer(store, loadBalancerId);
    if (after.version === before.version || after.state.kind !== 'live') return;
    await handleCommand(
      store,
      catalogDecider,
      CATALOG_ID,
      { type: 'RestoreCatalogUse', data: { ...use, at: new Date(nowMs).toISOString() } },
      who,
    );
    counts.usesRestored++;
    this.log.warn({ loadBalancerId }, 'restored a catalog use a create appended during its end');
  }
}
