import type { DomainError } from '../errors';
import type { LoadBalancerCommand } from './commands';
import { loadBalancerDecider } from './decider';
import type { LoadBalancerEvent } from './events';
import type { LbHealthMonitorConfig, LbMemberConfig, LbPoolConfig, ListenerConfig, LoadBalancerConfig } from './model';
import {
  listenerWithDefaults,
  loadBalancerWithDefaults,
  memberWithDefaults,
  monitorWithDefaults,
  poolWithDefaults,
} from './octavia-defaults';

/*
 * Sample configurations and events of one small load balancer, for the domain's specs. Like
 * testing/given-when-then.ts it is compiled with the library and needs no test-runner types.
 */
export const LB = 'lb-1';
export const PROJECT = 'project-a';

/** The n-th second of a test day, so events of one spec have distinct, ordered times. */
export const at = (n: number): string => `2026-03-01T10:${String(Math.floor(n / 60)).padStart(2, '0')}:${String(n % 60).padStart(2, '0')}Z`;

export const sampleLoadBalancer = (change: Partial<LoadBalancerConfig> = {}): LoadBalancerConfig =>
  loadBalancerWithDefaults({
    id: LB,
    projectId: PROJECT,
    name: 'web',
    vip: { address: '198.18.1.10', subnetId: 'subnet-1', networkId: 'net-1', portId: 'port-1', qosPolicyId: null },
    ...change,
  });

export const sampleListener = (id: string, protocolPort = 80, change: Partial<ListenerConfig> = {}): ListenerConfig =>
  listenerWithDefaults({ id, name: id, protocol: 'HTTP', protocolPort, ...change });

export const samplePool = (id: string, change: Partial<LbPoolConfig> = {}): LbPoolConfig =>
  poolWithDefaults({ id, name: id, protocol: 'HTTP', lbAlgorithm: 'ROUND_ROBIN', ...change });

export const sampleMember = (id: string, address: string, change: Partial<LbMemberConfig> = {}): LbMemberConfig =>
  memberWithDefaults({ id, address, protocolPort: 8080, ...change });

/** An HTTP monitor with Octavia's defaults filled in, as decide leaves one. */
export const sampleMonitor = (id: string, change: Partial<LbHealthMonitorConfig> = {}): LbHealthMonitorConfig =>
  monitorWithDefaults({ id, type: 'HTTP', delay: 5, timeout: 3, maxRetries: 3, ...change });

type Event<T extends LoadBalancerEvent['type']> = Extract<LoadBalancerEvent, { type: T }>;

export const lbCreated = (n = 0, loadBalancer = sampleLoadBalancer()): Event<'LoadBalancerCreated'> => ({
  type: 'LoadBalancerCreated',
  version: 2,
  data: { loadBalancer, placement: { topology: 'ACTIVE_STANDBY', computeZone: null }, at: at(n) },
});
export const lbUpdated = (n: number, loadBalancer: LoadBalancerConfig): Event<'LoadBalancerUpdated'> => ({
  type: 'LoadBalancerUpdated',
  version: 1,
  data: { loadBalancer, at: at(n) },
});
export const listenerCreated = (n: number, listener: ListenerConfig): Event<'ListenerCreated'> => ({
  type: 'ListenerCreated',
  version: 2,
  data: { loadBalancerId: LB, listener, at: at(n) },
});
export const listenerUpdated = (n: number, listener: ListenerConfig): Event<'ListenerUpdated'> => ({
  type: 'ListenerUpdated',
  version: 2,
  data: { loadBalancerId: LB, listener, at: at(n) },
});
export const poolCreated = (n: number, pool: LbPoolConfig, listenerId: string | null = null): Event<'LbPoolCreated'> => ({
  type: 'LbPoolCreated',
  version: 2,
  data: { loadBalancerId: LB, pool, listenerId, at: at(n) },
});
export const poolUpdated = (n: number, pool: LbPoolConfig): Event<'LbPoolUpdated'> => ({
  type: 'LbPoolUpdated',
  version: 2,
  data: { loadBalancerId: LB, pool, at: at(n) },
});
export const memberCreated = (n: number, poolId: string, member: LbMemberConfig): Event<'LbMemberCreated'> => ({
  type: 'LbMemberCreated',
  version: 1,
  data: { loadBalancerId: LB, poolId, member, at: at(n) },
});
export const memberUpdated = (n: number, poolId: string, member: LbMemberConfig): Event<'LbMemberUpdated'> => ({
  type: 'LbMemberUpdated',
  version: 1,
  data: { loadBalancerId: LB, poolId, member, at: at(n) },
});
export const memberDeleted = (n: number, poolId: string, memberId: string): Event<'LbMemberDeleted'> => ({
  type: 'LbMemberDeleted',
  version: 1,
  data: { loadBalancerId: LB, poolId, memberId, at: at(n) },
});
export const monitorCreated = (n: number, poolId: string, monitor: LbHealthMonitorConfig): Event<'LbHealthMonitorCreated'> => ({
  type: 'LbHealthMonitorCreated',
  version: 1,
  data: { loadBalancerId: LB, poolId, monitor, at: at(n) },
});
export const monitorUpdated = (n: number, poolId: string, monitor: LbHealthMonitorConfig): Event<'LbHealthMonitorUpdated'> => ({
  type: 'LbHealthMonitorUpdated',
  version: 1,
  data: { loadBalancerId: LB, poolId, monitor, at: at(n) },
});
export const applied = (n: number, revision: number): Event<'LoadBalancerApplied'> => ({
  type: 'LoadBalancerApplied',
  version: 1,
  data: { loadBalancerId: LB, revision, at: at(n) },
});
export const errored = (n: number, reason: string): Event<'LoadBalancerErrored'> => ({
  type: 'LoadBalancerErrored',
  version: 1,
  data: { loadBalancerId: LB, reason, at: at(n) },
});
export const healthChanged = (
  n: number,
  poolId: string,
  memberId: string,
  health: Event<'LbMemberHealthChanged'>['data']['health'],
): Event<'LbMemberHealthChanged'> => ({
  type: 'LbMemberHealthChanged',
  version: 1,
  data: { loadBalancerId: LB, poolId, memberId, health, at: at(n) },
});

/** A served load balancer with an HTTP listener on 80 sending to pool-1 (two members, an HTTP monitor): revision 6, all ACTIVE. */
export const servedHistory = (): LoadBalancerEvent[] => [
  lbCreated(0),
  poolCreated(1, samplePool('pool-1')),
  listenerCreated(2, sampleListener('listener-1', 80, { defaultPoolId: 'pool-1' })),
  memberCreated(3, 'pool-1', sampleMember('member-1', '198.18.2.10')),
  memberCreated(4, 'pool-1', sampleMember('member-2', '198.18.2.11')),
  monitorCreated(5, 'pool-1', sampleMonitor('hm-1')),
  applied(6, 6),
];

/** The error decide throws for `command` after `history`, for specs that check Octavia's words as well as the kind. */
export function refusalOf(history: readonly LoadBalancerEvent[], command: LoadBalancerCommand): DomainError {
  const state = history.reduce(loadBalancerDecider.evolve, loadBalancerDecider.initialState);
  try {
    loadBalancerDecider.decide(command, state);
  } catch (error) {
    return error as DomainError;
  }
  throw new Error(`${command.type} was not refused`);
}
