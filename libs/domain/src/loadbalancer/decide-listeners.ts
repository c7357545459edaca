import { Conflict } from '../errors';
import { distinctTags, idExists, listenerOf, liveLoadBalancer } from './checks';
import type { CreateListener, ListenerChanges } from './commands';
import { listenerConfig, sameConfig, withChanges } from './configs';
import { l7PolicyCreated } from './decide-l7';
import type { ListenerCreated, ListenerDeleted, ListenerUpdated, LoadBalancerEvent } from './events';
import { evolveLoadBalancer } from './evolve';
import type { ListenerConfig, PoolProtocol } from './model';
import { checkListener } from './object-checks';
import type { LiveLoadBalancer } from './state';
import { withListenerTlsDefaults } from './tls-options';

/** Finds a pool's protocol among the load balancer's pools (and, in a single-call create, among those of the same request). */
export type PoolProtocolLookup = (poolId: string) => PoolProtocol | undefined;

export const poolProtocolIn =
  (lb: LiveLoadBalancer): PoolProtocolLookup =>
  (poolId) =>
    lb.pools.find((p) => p.id === poolId)?.protocol;

export function listenerCreated(
  lb: LiveLoadBalancer,
  given: ListenerConfig,
  at: string,
  poolProtocol: PoolProtocolLookup = poolProtocolIn(lb),
): ListenerCreated {
  const listener = withListenerTlsDefaults({ ...listenerConfig(given), tags: distinctTags(given.tags) });
  if (lb.listeners.some((l) => l.id === listener.id)) throw idExists();
  checkListener(listener, poolProtocol);
  // Every protocol this provider serves is over TCP, so a port is taken whatever the other listener's protocol.
  const clash = lb.listeners.find((l) => l.protocolPort === listener.protocolPort);
  if (clash) {
    throw new Conflict(
      'DuplicateListenerEntry',
      `Another Listener on this Load Balancer is already using protocol ${clash.protocol} and protocol_port ${listener.protocolPort}`,
    );
  }
  return { type: 'ListenerCreated', version: 2, data: { loadBalancerId: lb.id, listener, at } };
}

/** The listener, then its policies in the order given, each decided on the state the events before it leave. */
export function createListener({ data }: CreateListener, lb: LiveLoadBalancer): LoadBalancerEvent[] {
  const events: LoadBalancerEvent[] = [listenerCreated(lb, data.listener, data.at)];
  let now = liveLoadBalancer(evolveLoadBalancer(lb, events[0]), lb.id);
  for (const tree of data.l7policies ?? []) {
    const created = l7PolicyCreated(now, data.listener.id, tree, data.at);
    events.push(created);
    now = liveLoadBalancer(evolveLoadBalancer(now, created), lb.id);
  }
  return events;
}

export function listenerUpdated(lb: LiveLoadBalancer, listenerId: string, changes: ListenerChanges, at: string): ListenerUpdated[] {
  const current = listenerOf(lb, listenerId);
  const before = listenerConfig(current);
  const merged = withChanges<ListenerConfig>(before, changes);
  const listener = withListenerTlsDefaults(
    listenerConfig({
      ...merged,
      id: before.id,
      protocol: before.protocol,
      protocolPort: before.protocolPort,
      tags: distinctTags(merged.tags),
    }),
  );
  checkListener(listener, poolProtocolIn(lb));
  if (sameConfig(listener, before) && current.provisioningStatus !== 'ERROR') return [];
  return [{ type: 'ListenerUpdated', version: 2, data: { loadBalancerId: lb.id, listener, at } }];
}

export function listenerDeleted(lb: LiveLoadBalancer, listenerId: string, at: string): ListenerDeleted {
  listenerOf(lb, listenerId);
  return { type: 'ListenerDeleted', version: 1, data: { loadBalancerId: lb.id, listenerId, at } };
}
