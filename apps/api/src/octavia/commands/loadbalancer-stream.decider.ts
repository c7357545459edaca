import { loadBalancerDecider } from '@lbaas/domain';
import type { LoadBalancerStream } from './loadbalancer-stream';

/** The `loadbalancer` aggregate through the request's CommandRun: unscoped, since v2 checks ownership itself (403). */
export const loadBalancerStream: LoadBalancerStream = {
  execute: (run, id, command) => run.execute(loadBalancerDecider, id, command, { scoped: false }),
  rows: (state) => loadBalancerDecider.views(state),
};
