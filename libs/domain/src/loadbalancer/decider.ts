import type { Decider } from '../decider';
import type { LoadBalancerCommand } from './commands';
import { decideLoadBalancer } from './decide';
import type { LoadBalancerEvent } from './events';
import { evolveLoadBalancer } from './evolve';
import { initialLoadBalancerState, type LoadBalancerState } from './state';
import { loadBalancerViews } from './views';

export const loadBalancerDecider: Decider<LoadBalancerCommand, LoadBalancerState, LoadBalancerEvent, 'loadbalancer'> = {
  aggregate: 'loadbalancer',
  initialState: initialLoadBalancerState,
  decide: decideLoadBalancer,
  evolve: evolveLoadBalancer,
  views: loadBalancerViews,
};
