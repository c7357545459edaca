import type { CatalogUseRecorded, CatalogUseRecordedV1 } from './catalog/events';
import { DEFAULT_PLACEMENT } from './catalog/model';
import type { CertificateCreated, CertificateCreatedV1, CertificateReplaced, CertificateReplacedV1 } from './certificate/events';
import type { EventEnvelope } from './envelope';
import type { LoadBalancerCreated, LoadBalancerCreatedV1 } from './loadbalancer/events';
import type {
  LbPoolCreated,
  LbPoolCreatedV1,
  LbPoolUpdated,
  LbPoolUpdatedV1,
  ListenerCreated,
  ListenerCreatedV1,
  ListenerUpdated,
  ListenerUpdatedV1,
} from './loadbalancer/events';
import type { LbPoolConfig, ListenerConfig } from './loadbalancer/model';
import type { QuotaReserved, QuotaReservedV1 } from './quota/events';
import type { LbPoolConfigV1, ListenerConfigV1 } from './loadbalancer/events';
import { listenerWithDefaults, poolWithDefaults } from './loadbalancer/octavia-defaults';
import { withListenerTlsDefaults, withPoolTlsDefaults } from './loadbalancer/tls-options';
import type {
  InstanceConfigRendered,
  InstanceConfigRenderedV1,
  ServiceInstanceCreated,
  ServiceInstanceCreatedV1,
} from './serviceinstance/events';

/** A stored event of one older version, brought one step forward; upcast() applies steps until none matches. */
type Step = (event: EventEnvelope) => EventEnvelope;

/** A listener before issue 16: no SNI, no client authentication, every client admitted; TERMINATED_HTTPS gets the default TLS settings. */
const listenerV2 = (l: ListenerConfigV1): ListenerConfig => withListenerTlsDefaults(listenerWithDefaults(l));

/** A pool before issue 16 spoke plain text to its members. */
const poolV2 = (p: LbPoolConfigV1): LbPoolConfig => withPoolTlsDefaults(poolWithDefaults(p));

const STEPS: Readonly<Record<string, Step>> = {
  'ListenerCreated@1': (event) => {
    const v1 = event.data as ListenerCreatedV1['data'];
    const data: ListenerCreated['data'] = { ...v1, listener: listenerV2(v1.listener) };
    return { ...event, version: 2, data };
  },
  'ListenerUpdated@1': (event) => {
    const v1 = event.data as ListenerUpdatedV1['data'];
    const data: ListenerUpdated['data'] = { ...v1, listener: listenerV2(v1.listener) };
    return { ...event, version: 2, data };
  },
  'LbPoolCreated@1': (event) => {
    const v1 = event.data as LbPoolCreatedV1['data'];
    const data: LbPoolCreated['data'] = { ...v1, pool: poolV2(v1.pool) };
    return { ...event, version: 2, data };
  },
  'LbPoolUpdated@1': (event) => {
    const v1 = event.data as LbPoolUpdatedV1['data'];
    const data: LbPoolUpdated['data'] = { ...v1, pool: poolV2(v1.pool) };
    return { ...event, version: 2, data };
  },
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
  // Before kinds, every certificate was a chain with its key.
  'CertificateCreated@1': (event) => {
    const data: CertificateCreated['data'] = { ...(event.data as CertificateCreatedV1['data']), kind: 'server' };
    return { ...event, version: 2, data };
  },
  'CertificateReplaced@1': (event) => {
    const data: CertificateReplaced['data'] = { ...(event.data as CertificateReplacedV1['data']), kind: 'server' };
    return { ...event, version: 2, data };
  },
  // Before flavors and zones, every load balancer was the pair, on any node.
  'LoadBalancerCreated@1': (event) => {
    const data: LoadBalancerCreated['data'] = { ...(event.data as LoadBalancerCreatedV1['data']), placement: DEFAULT_PLACEMENT };
    return { ...event, version: 2, data };
  },
  // Before the reclaimer: the time is the envelope's, and only a load balancer's own claim says whose it is.
  'QuotaReserved@1': (event) => {
    const v1 = event.data as QuotaReservedV1['data'];
    const data: QuotaReserved['data'] = {
      projectId: v1.projectId,
      at: event.occurredAt,
      claims: v1.claims.map((c) => ({ ...c, loadBalancerId: c.resource === 'loadbalancer' ? c.objectId : null })),
    };
    return { ...event, version: 2, data };
  },
  'CatalogUseRecorded@1': (event) => {
    const data: CatalogUseRecorded['data'] = { ...(event.data as CatalogUseRecordedV1['data']), at: event.occurredAt };
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
