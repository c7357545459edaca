import { catalogDecider } from './catalog/decider';
import { certificateDecider } from './certificate/decider';
import type { Decider } from './decider';
import type { AggregateType, DomainEvent, EventEnvelope } from './envelope';
import { floatingIpDecider } from './floatingip/decider';
import { healthMonitorDecider } from './healthmonitor/decider';
import { loadBalancerDecider } from './loadbalancer/decider';
import { networkDecider } from './network/decider';
import { nodeDecider } from './node/decider';
import { poolDecider } from './pool/decider';
import { portDecider } from './port/decider';
import { quotaDecider } from './quota/decider';
import type { AggregateBehaviour, AggregateRegistry, Upcaster } from './registry-contract';
import { serviceInstanceDecider } from './serviceinstance/decider';
import { subnetDecider } from './subnet/decider';
import { upcastEvent } from './upcasters';
import { vipDecider } from './vip/decider';

const behaviour = <C, S, E extends DomainEvent<string, number, unknown>>(d: Decider<C, S, E>): AggregateBehaviour => ({
  aggregate: d.aggregate,
  initialState: d.initialState,
  // Stored events were produced by this aggregate's decide (the subject names the aggregate), so the cast is sound.
  evolve: (state, event) => d.evolve(state as S, event as E),
  views: (state) => d.views(state as S),
});

export const AGGREGATES: AggregateRegistry = {
  network: behaviour(networkDecider),
  subnet: behaviour(subnetDecider),
  port: behaviour(portDecider),
  floatingip: behaviour(floatingIpDecider),
  pool: behaviour(poolDecider),
  vip: behaviour(vipDecider),
  healthmonitor: behaviour(healthMonitorDecider),
  certificate: behaviour(certificateDecider),
  serviceinstance: behaviour(serviceInstanceDecider),
  node: behaviour(nodeDecider),
  loadbalancer: behaviour(loadBalancerDecider),
  quota: behaviour(quotaDecider),
  catalog: behaviour(catalogDecider),
};

/** Brings a stored event to its type's latest version (the steps are in upcasters.ts). */
export const upcast: Upcaster = upcastEvent;

/** Folds stored events into an aggregate's state. */
export function foldEvents(aggregate: AggregateType, events: readonly EventEnvelope[]): unknown {
  const b = AGGREGATES[aggregate];
  return events.map(upcast).reduce((state, e) => b.evolve(state, e), b.initialState);
}
