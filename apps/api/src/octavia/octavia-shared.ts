import type { QuotaLimits } from '@lbaas/domain';
import type { CommandRuns } from '../commands/command-runs';
import type { ResourceLookup } from '../commands/request-context';
import type { WriteProgress } from '../read-side';
import type { LoadBalancerStream } from './commands/loadbalancer-stream';
import type { OctaviaQueries } from './octavia-queries';

/**
 * What the v2 application borrows from the Neutron application of the same process: the command
 * side, the read side and its projections client, and the write progress that gives both APIs
 * read-your-writes. One value, so that Nest's lifecycle hooks of the v2 application never reach
 * them: the Neutron application owns them and closes them once, last.
 */
export interface OctaviaShared {
  readonly runs: CommandRuns;
  readonly progress: WriteProgress;
  readonly queries: OctaviaQueries;
  readonly lookup: ResourceLookup;
  readonly stream: LoadBalancerStream;
  /** The deployment's default quota limits (LBAAS_QUOTA_*), which every reservation carries. */
  readonly quotaDefaults: QuotaLimits;
  /** The reclaimer's grace (LBAAS_QUOTA_RECLAIM_GRACE_MS): a create slower than half of it checks that its claims were not reclaimed. */
  readonly quotaReclaimGraceMs: number;
}

export const OCTAVIA_SHARED = Symbol('OCTAVIA_SHARED');
