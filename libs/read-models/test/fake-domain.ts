import type {
  AggregateBehaviour,
  AggregateType,
  Commit,
  DomainEvent,
  EventEnvelope,
  MemberResource,
  NetworkResource,
  PoolResource,
} from '@lbaas/domain';
import type { ProjectableCommit, ProjectorDomain } from '../src/projector';

/**
 * A two-aggregate domain written against the registry contract only, so the projector's
 * unit tests do not depend on the real aggregates' rules.
 */
type PoolState = { pool: PoolResource | null; members: MemberResource[] };
type NetworkState = { network: NetworkResource | null };
type AnyEvent = DomainEvent<string, number, Record<string, unknown>>;

const pool: AggregateBehaviour = {
  aggregate: 'pool',
  initialState: { pool: null, members: [] } satisfies PoolState,
  evolve: (state, event) => {
    const current = state as PoolState;
    const { type, data } = event as AnyEvent;
    switch (type) {
      case 'PoolCreated':
        return { pool: data as unknown as PoolResource, members: [] };
      case 'PoolRenamed':
        return current.pool ? { ...current, pool: { ...current.pool, name: String(data.name) } } : current;
      case 'MemberAdded':
        return { ...current, members: [...current.members, data as unknown as MemberResource] };
      case 'MemberRemoved':
        return { ...current, members: current.members.filter((member) => member.id !== data.memberId) };
      case 'PoolDeleted':
        return { pool: null, members: [] };
      default:
        return current;
    }
  },
  views: (state) => {
    const { pool: resource, members } = state as PoolState;
    if (!resource) return {};
    return { pools: [{ ...resource, members: members.map((member) => member.id) }], members };
  },
};

const network: AggregateBehaviour = {
  aggregate: 'network',
  initialState: { network: null } satisfies NetworkState,
  evolve: (state, event) => {
    const { type, data } = event as AnyEvent;
    if (type === 'NetworkCreated') return { network: data as unknown as NetworkResource };
    if (type === 'NetworkDeleted') return { network: null };
    return state;
  },
  views: (state) => ((state as NetworkState).network ? { networks: [(state as NetworkState).network!] } : {}),
};

/** Version 1 of PoolRenamed said `title`; the upcaster brings it to version 2's `name`. */
export const FAKE_DOMAIN: ProjectorDomain = {
  aggregates: { pool, network },
  upcast: (event) =>
    event.type === 'PoolRenamed' && event.version === 1
      ? { ...event, version: 2, data: { name: (event.data as { title: string }).title } }
      : event,
};

export const TENANT = 'a0000000-0000-4000-8000-00000000000a';
export const OTHER_TENANT = 'b0000000-0000-4000-8000-00000000000b';

export const poolResource = (id: string, fields: Partial<PoolResource> = {}): PoolResource => ({
  id,
  tenant_id: TENANT,
  vip_id: null,
  name: `pool-${id.slice(0, 4)}`,
  description: '',
  subnet_id: 'c0000000-0000-4000-8000-00000000000c',
  protocol: 'HTTP',
  lb_method: 'ROUND_ROBIN',
  health_monitors: [],
  health_monitors_status: [],
  members: [],
  admin_state_up: true,
  status: 'PENDING_CREATE',
  status_description: null,
  provider: 'haproxy',
  ...fields,
});

export const memberResource = (id: string, poolId: string, fields: Partial<MemberResource> = {}): MemberResource => ({
  id,
  tenant_id: TENANT,
  pool_id: poolId,
  address: '198.18.2.10',
  protocol_port: 80,
  weight: 1,
  admin_state_up: true,
  status: 'PENDING_CREATE',
  status_description: null,
  ...fields,
});

export const networkResource = (id: string, fields: Partial<NetworkResource> = {}): NetworkResource => ({
  id,
  tenant_id: TENANT,
  name: `net-${id.slice(0, 4)}`,
  admin_state_up: true,
  status: 'ACTIVE',
  subnets: [],
  shared: false,
  'router:external': false,
  ...fields,
});

/** Builds stored commits with increasing stream sequences, as a consumer would receive them. */
export class CommitLog {
  private seq = 0;
  private counter = 0;
  readonly commits: ProjectableCommit[] = [];

  append(aggregate: AggregateType, aggregateId: string, ...events: [type: string, version: number, data: unknown][]): ProjectableCommit {
    const envelopes: EventEnvelope[] = events.map(([type, version, data]) => ({
      id: `event-${++this.counter}`,
      type,
      version,
      aggregate,
      aggregateId,
      tenantId: TENANT,
      actor: 'test',
      occurredAt: '2025-01-01T00:00:00.000Z',
      correlationId: 'corr',
      causationId: null,
      data,
    }));
    const commit: Commit = { commitId: `commit-${this.counter}`, events: envelopes };
    const stored = { seq: ++this.seq, subject: `lbaas.events.${aggregate}.${aggregateId}`, commit };
    this.commits.push(stored);
    return stored;
  }
}

export async function* replay(commits: readonly ProjectableCommit[]): AsyncGenerator<ProjectableCommit> {
  for (const commit of commits) yield commit;
}
