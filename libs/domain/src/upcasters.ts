import { DEFAULT_PLACEMENT } from './catalog/model';
import type { EventEnvelope } from './envelope';
import type { LoadBalancerCreated, LoadBalancerCreatedV1 } from './loadbalancer/events';
import type {
  InstanceConfigRendered,
  InstanceConfigRenderedV1,
  ServiceInstanceCreated,
  ServiceInstanceCreatedV1,
} from './serviceinstance/events';

/** A stored event of one older version, brought one step forward; upcast() applies steps until none matches. */
type Step = (event: EventEnvelope) => EventEnvelope;

const STEPS: Readonly<Record<string, Step>> = {
  // Before v2 load balancers, every instance served a VIP and its pool.
  'ServiceInstanceCreated@1': (event) => {
    const { vipId, poolId, ...rest } = event.data as ServiceInstanceCreatedV1['data'];
    const data: ServiceInstanceCreated['data'] = { ...rest, source: { kind: 'vip', vipId, poolId } };
    return { ...event, version: 2, data };
  },
  // A VIP's rendering has no source revision.
  'InstanceConfigRendered@1': (event) => {
    const data: InstanceConfigRendered['data'] = { ...(event.data as InstanceConfigRenderedV1['data']), sourceRevision: null };
    return { ...event, version: 2, data };
  },
  // Before flavors and zones, every load balancer was the pair, on any node.
  'LoadBalancerCreated@1': (event) => {
    const data: LoadBalancerCreated['data'] = { ...(event.data as LoadBalancerCreatedV1['data']), placement: DEFAULT_PLACEMENT };
    return { ...event, version: 2, data };
  },
};

/** Brings a stored event to the latest version of its type; old events in the log are never rewritten. */
export function upcastEvent(event: EventEnvelope): EventEnvelope {
  let current = event;
  for (let step = STEPS[`${current.type}@${current.version}`]; step !== undefined; step = STEPS[`${current.type}@${current.version}`]) {
    current = step(current);
  }
  return current;
}
