import { Unavailable } from '@lbaas/domain';
import type { LoadBalancerStream } from './loadbalancer-stream';

/**
 * TEMPORARY: stands in for the `loadbalancer` aggregate until libs/domain's `loadBalancerDecider`
 * is merged; the merge replaces this file with the binding that runs `loadBalancerDecider`
 * through the CommandRun (unscoped: v2 checks ownership itself) and shows `views`. Until then
 * every v2 write answers 503 and says why.
 */
export const loadBalancerStream: LoadBalancerStream = {
  execute: () => Promise.reject(new Unavailable('The loadbalancer aggregate is not part of this build yet (its decider is to be merged).')),
  rows: () => ({}),
};
