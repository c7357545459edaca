/** The kinds of aggregate that own a stream `lbaas.events.<aggregate>.<id>`. */
export const AGGREGATE_TYPES = [
  'network',
  'subnet',
  'port',
  'floatingip',
  'pool',
  'vip',
  'healthmonitor',
  'certificate',
  'serviceinstance',
  'node',
  'loadbalancer',
  'quota',
  'catalog',
] as const;
export type AggregateType = (typeof AGGREGATE_TYPES)[number];

/** Neutron's resource class name per aggregate: the `<Kind>` of `<Kind>NotFound`. */
export const AGGREGATE_KIND: { readonly [A in AggregateType]: string } = {
  network: 'Network',
  subnet: 'Subnet',
  port: 'Port',
  floatingip: 'FloatingIP',
  pool: 'Pool',
  vip: 'Vip',
  healthmonitor: 'HealthMonitor',
  certificate: 'Certificate',
  serviceinstance: 'ServiceInstance',
  node: 'Node',
  loadbalancer: 'LoadBalancer',
  quota: 'Quota',
  catalog: 'Catalog',
};

/** What a decider returns: a fact with its payload, before the command handler stamps the envelope. */
export interface DomainEvent<T extends string, V extends number, D> {
  readonly type: T;
  readonly version: V;
  readonly data: D;
}

/** Who and why: stamped on every event of a commit by the command handler, never by `decide`. */
export interface EventMetadata {
  readonly tenantId: string;
  readonly actor: string;
  readonly correlationId: string;
  readonly causationId: string | null;
}

/** An event as stored in the log (ARCHITECTURE.md section 3). */
export interface EventEnvelope<
  E extends DomainEvent<string, number, unknown> = DomainEvent<string, number, unknown>,
> extends EventMetadata {
  readonly id: string;
  readonly type: E['type'];
  readonly version: E['version'];
  readonly aggregate: AggregateType;
  readonly aggregateId: string;
  readonly occurredAt: string;
  readonly data: E['data'];
}

/** One message on the stream: the events of one aggregate appended atomically. */
export interface Commit {
  readonly commitId: string;
  readonly events: readonly EventEnvelope[];
}
