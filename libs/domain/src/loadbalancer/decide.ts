import { liveLoadBalancer } from './checks';
import type { LoadBalancerCommand } from './commands';
import { l7PolicyCreated, l7PolicyDeleted, l7PolicyUpdated, l7RuleCreated, l7RuleDeleted, l7RuleUpdated } from './decide-l7';
import { createListener, listenerDeleted, listenerUpdated } from './decide-listeners';
import {
  createLoadBalancer,
  deleteLoadBalancer,
  recordApplied,
  recordError,
  recordMemberHealth,
  requestFailover,
  updateLoadBalancer,
} from './decide-loadbalancer';
import { memberCreated, memberDeleted, memberUpdated, membersReplaced } from './decide-members';
import { monitorCreated, monitorDeleted, monitorUpdated, poolCreated, poolDeleted, poolUpdated } from './decide-pools';
import type { LoadBalancerEvent } from './events';
import type { LoadBalancerState } from './state';

/**
 * Decides every command of Octavia's v2 objects on their load balancer's stream. A command on a
 * child names its load balancer, which must be live (404 otherwise); changes are accepted while
 * anything is PENDING or in ERROR. The data plane's reports are idempotent and no-ops once gone.
 */
export function decideLoadBalancer(command: LoadBalancerCommand, state: LoadBalancerState): LoadBalancerEvent[] {
  const on = (loadBalancerId: string) => liveLoadBalancer(state, loadBalancerId);
  switch (command.type) {
    case 'CreateLoadBalancer':
      return createLoadBalancer(command, state);
    case 'UpdateLoadBalancer':
      return updateLoadBalancer(command, state);
    case 'DeleteLoadBalancer':
      return deleteLoadBalancer(command, state);
    case 'RequestLoadBalancerFailover':
      return requestFailover(command, state);
    case 'CreateListener':
      return createListener(command, on(command.data.loadBalancerId));
    case 'UpdateListener':
      return listenerUpdated(on(command.data.loadBalancerId), command.data.listenerId, command.data.changes, command.data.at);
    case 'DeleteListener':
      return [listenerDeleted(on(command.data.loadBalancerId), command.data.listenerId, command.data.at)];
    case 'CreateLbPool':
      return [poolCreated(on(command.data.loadBalancerId), command.data.pool, command.data.listenerId, command.data.at)];
    case 'UpdateLbPool':
      return poolUpdated(on(command.data.loadBalancerId), command.data.poolId, command.data.changes, command.data.at);
    case 'DeleteLbPool':
      return [poolDeleted(on(command.data.loadBalancerId), command.data.poolId, command.data.at)];
    case 'CreateLbMember':
      return [memberCreated(on(command.data.loadBalancerId), command.data.poolId, command.data.member, command.data.at)];
    case 'UpdateLbMember':
      return memberUpdated(
        on(command.data.loadBalancerId),
        command.data.poolId,
        command.data.memberId,
        command.data.changes,
        command.data.at,
      );
    case 'DeleteLbMember':
      return [memberDeleted(on(command.data.loadBalancerId), command.data.poolId, command.data.memberId, command.data.at)];
    case 'ReplaceLbMembers':
      return membersReplaced(command, on(command.data.loadBalancerId));
    case 'CreateLbHealthMonitor':
      return [monitorCreated(on(command.data.loadBalancerId), command.data.poolId, command.data.monitor, command.data.at)];
    case 'UpdateLbHealthMonitor':
      return monitorUpdated(on(command.data.loadBalancerId), command.data.monitorId, command.data.changes, command.data.at);
    case 'DeleteLbHealthMonitor':
      return [monitorDeleted(on(command.data.loadBalancerId), command.data.monitorId, command.data.at)];
    case 'CreateL7Policy': {
      const { loadBalancerId, listenerId, l7policy, rules, at } = command.data;
      return [l7PolicyCreated(on(loadBalancerId), listenerId, { l7policy, rules }, at)];
    }
    case 'UpdateL7Policy':
      return l7PolicyUpdated(on(command.data.loadBalancerId), command.data.l7policyId, command.data.changes, command.data.at);
    case 'DeleteL7Policy':
      return [l7PolicyDeleted(on(command.data.loadBalancerId), command.data.l7policyId, command.data.at)];
    case 'CreateL7Rule':
      return [l7RuleCreated(on(command.data.loadBalancerId), command.data.l7policyId, command.data.rule, command.data.at)];
    case 'UpdateL7Rule': {
      const { loadBalancerId, l7policyId, ruleId, changes, at } = command.data;
      return l7RuleUpdated(on(loadBalancerId), l7policyId, ruleId, changes, at);
    }
    case 'DeleteL7Rule':
      return [l7RuleDeleted(on(command.data.loadBalancerId), command.data.l7policyId, command.data.ruleId, command.data.at)];
    case 'RecordLoadBalancerApplied':
      return recordApplied(command, state);
    case 'RecordLoadBalancerError':
      return recordError(command, state);
    case 'RecordLbMemberHealth':
      return recordMemberHealth(command, state);
    default: {
      const unhandled: never = command;
      throw new Error(`unknown command ${JSON.stringify(unhandled)}`);
    }
  }
}
