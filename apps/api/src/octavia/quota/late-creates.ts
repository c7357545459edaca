import { CATALOG_ID, type CatalogUse, catalogDecider, type QuotaClaim, quotaDecider } from '@lbaas/domain';
import type { CommandRun } from '../../commands/command-run';
import type { CommandRuns } from '../../commands/command-runs';

/** The quota stream takes every create of a project: as many tries as the accounting's. */
const QUOTA_ATTEMPTS = 40;

/**
 * The create's side of the reclaimer's race. The scheduler's reclaimer releases a claim (or ends a
 * flavor's use) only once it is older than the grace and its load balancer's stream does not hold
 * the object; it re-reads that stream after its release and counts again what a create appended
 * meanwhile. What it cannot see is a create appended after that re-read: only a create that took
 * at least the grace from its reservation to its append can be one. Such a create reads the
 * quota (or catalog) stream afresh after its append, outside the request's cached histories, and
 * counts again whatever was released. Half the grace, not all of it, so the api's and the
 * scheduler's clocks may differ by up to half the grace.
 */
export class LateCreates {
  constructor(
    private readonly runs: CommandRuns,
    private readonly graceMs: number,
  ) {}

  /** Whether a create whose oldest reservation was made at `since` (ISO) may have raced the reclaimer. */
  late(since: string): boolean {
    return Date.parse(this.runs.env.now()) - Date.parse(since) >= this.graceMs / 2;
  }

  /** After the create's append: counts again, past any limit, the claims a reclaimer released before it. */
  async recount(run: CommandRun, projectId: string, loadBalancerId: string, claims: readonly QuotaClaim[]): Promise<void> {
    const fresh = this.runs.begin(run.ctx);
    await fresh.execute(
      quotaDecider,
      projectId,
      () => ({ type: 'RestoreQuota', data: { projectId, loadBalancerId, at: this.runs.env.now(), claims } }),
      { scoped: false, attempts: QUOTA_ATTEMPTS },
    );
    run.observed(fresh.seq);
  }

  /** After the load balancer's create: records its flavor's and zone's use again if a reclaimer ended it. */
  async recordUseAgain(run: CommandRun, use: CatalogUse): Promise<void> {
    const fresh = this.runs.begin(run.ctx);
    await fresh.execute(catalogDecider, CATALOG_ID, () => ({ type: 'RestoreCatalogUse', data: { ...use, at: this.runs.env.now() } }), {
      scoped: false,
    });
    run.observed(fresh.seq);
  }
}
