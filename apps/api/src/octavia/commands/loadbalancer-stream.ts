import type { LoadBalancerCommand, LoadBalancerState, ResourceRows } from '@lbaas/domain';
import type { CommandRun, Outcome } from '../../commands/command-run';

/**
 * The v2 command side's one port to the `loadbalancer` aggregate (libs/domain's
 * `loadBalancerDecider`): decide a command against the load balancer's stream through the
 * request's CommandRun (the one command handler, optimistic concurrency, read-your-writes), and
 * show a state as the read models' rows. Kept this narrow so that everything else of the v2 edge
 * depends on the command and state types only.
 */
export interface LoadBalancerStream {
  /** `command` returns null when there is nothing to do; ownership is checked by the caller (403, not 404). */
  execute(
    run: CommandRun,
    id: string,
    command: (state: LoadBalancerState) => LoadBalancerCommand | null,
  ): Promise<Outcome<LoadBalancerState>>;
  /** The rows `views` gives of the state: the answer to a write is the decider's new state. */
  rows(state: LoadBalancerState): ResourceRows;
}

export const LOADBALANCER_STREAM = Symbol('LOADBALANCER_STREAM');
