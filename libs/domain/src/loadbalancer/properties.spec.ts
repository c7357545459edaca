import fc from 'fast-check';
import { DomainError } from '../errors';
import { catalogueMismatches } from '../event-payload-check';
import type { LoadBalancerCommand } from './commands';
import { loadBalancerDecider } from './decider';
import type { LoadBalancerEvent } from './events';
import type { LbMemberConfig, MemberHealth } from './model';
import {
  applied,
  at,
  errored,
  healthChanged,
  LB,
  lbCreated,
  listenerCreated,
  memberCreated,
  memberDeleted,
  monitorCreated,
  poolCreated,
  sampleListener,
  sampleMember,
  sampleMonitor,
  samplePool,
  servedHistory,
} from './samples';
import type { LoadBalancerState } from './state';

const { decide, evolve, views, initialState } = loadBalancerDecider;
const fold = (events: readonly LoadBalancerEvent[], from: LoadBalancerState = initialState) => events.reduce(evolve, from);

const ids = (prefix: string) => fc.constantFrom(`${prefix}-1`, `${prefix}-2`, `${prefix}-3`);
const addresses = fc.constantFrom('198.18.2.10', '198.18.2.11', '198.18.2.12', '198.18.2.13');
const health = fc.constantFrom<MemberHealth>('ONLINE', 'ERROR', 'NO_MONITOR', 'DRAINING');
const member = fc
  .record({ id: ids('member'), address: addresses, port: fc.constantFrom(80, 8080), weight: fc.integer({ min: 0, max: 256 }) })
  .map(({ id, address, port, weight }) => sampleMember(id, address, { protocolPort: port, weight }));

/** Any event of the aggregate, about objects that may or may not be there. */
const anyEvent: fc.Arbitrary<LoadBalancerEvent> = fc.oneof(
  fc.constant(lbCreated(0)),
  fc
    .record({ id: ids('listener'), port: fc.constantFrom(80, 81), pool: fc.option(ids('pool')) })
    .map(({ id, port, pool }) => listenerCreated(1, sampleListener(id, port, { defaultPoolId: pool }))),
  fc.record({ id: ids('pool'), listener: fc.option(ids('listener')) }).map(({ id, listener }) => poolCreated(2, samplePool(id), listener)),
  fc.record({ pool: ids('pool'), member }).map(({ pool, member: m }) => memberCreated(3, pool, m)),
  fc.record({ pool: ids('pool'), member: ids('member') }).map(({ pool, member: m }) => memberDeleted(4, pool, m)),
  fc.record({ pool: ids('pool'), id: ids('hm') }).map(({ pool, id }) => monitorCreated(5, pool, sampleMonitor(id))),
  fc.record({ pool: ids('pool'), member: ids('member'), health }).map(({ pool, member: m, health: h }) => healthChanged(6, pool, m, h)),
  fc.integer({ min: 0, max: 12 }).map((r) => applied(7, r)),
  fc.constant(errored(8, 'node lost')),
  ids('listener').map((listenerId): LoadBalancerEvent => ({
    type: 'ListenerDeleted',
    version: 1,
    data: { loadBalancerId: LB, listenerId, at: at(9) },
  })),
  ids('pool').map((poolId): LoadBalancerEvent => ({ type: 'LbPoolDeleted', version: 1, data: { loadBalancerId: LB, poolId, at: at(10) } })),
  ids('hm').map((monitorId): LoadBalancerEvent => ({
    type: 'LbHealthMonitorDeleted',
    version: 1,
    data: { loadBalancerId: LB, poolId: 'pool-1', monitorId, at: at(11) },
  })),
  fc.constant<LoadBalancerEvent>({ type: 'LoadBalancerFailoverRequested', version: 1, data: { loadBalancerId: LB, at: at(12) } }),
  fc.constant<LoadBalancerEvent>({ type: 'LoadBalancerDeleted', version: 1, data: { loadBalancerId: LB, cascade: true, at: at(13) } }),
);

/** Commands an api could send, many of them refused. */
const anyCommand: fc.Arbitrary<LoadBalancerCommand> = fc.oneof(
  fc
    .record({
      id: ids('listener'),
      port: fc.constantFrom(80, 81, 0),
      protocol: fc.constantFrom('HTTP' as const, 'TCP' as const),
      pool: fc.option(ids('pool')),
    })
    .map(({ id, port, protocol, pool }): LoadBalancerCommand => ({
      type: 'CreateListener',
      data: { loadBalancerId: LB, listener: sampleListener(id, port, { protocol, defaultPoolId: pool }), at: at(20) },
    })),
  fc
    .record({ id: ids('listener'), pool: fc.option(ids('pool')), name: fc.string({ maxLength: 3 }) })
    .map(({ id, pool, name }): LoadBalancerCommand => ({
      type: 'UpdateListener',
      data: { loadBalancerId: LB, listenerId: id, changes: { defaultPoolId: pool, name }, at: at(21) },
    })),
  ids('listener').map((listenerId): LoadBalancerCommand => ({
    type: 'DeleteListener',
    data: { loadBalancerId: LB, listenerId, at: at(22) },
  })),
  fc
    .record({ id: ids('pool'), listener: fc.option(ids('listener')), protocol: fc.constantFrom('HTTP' as const, 'TCP' as const) })
    .map(({ id, listener, protocol }): LoadBalancerCommand => ({
      type: 'CreateLbPool',
      data: { loadBalancerId: LB, pool: samplePool(id, { protocol }), listenerId: listener, at: at(23) },
    })),
  ids('pool').map((poolId): LoadBalancerCommand => ({ type: 'DeleteLbPool', data: { loadBalancerId: LB, poolId, at: at(24) } })),
  fc.record({ pool: ids('pool'), member }).map(({ pool, member: m }): LoadBalancerCommand => ({
    type: 'CreateLbMember',
    data: { loadBalancerId: LB, poolId: pool, member: m, at: at(25) },
  })),
  fc
    .record({ pool: ids('pool'), members: fc.array(member, { maxLength: 4 }), additiveOnly: fc.boolean() })
    .map(({ pool, members, additiveOnly }): LoadBalancerCommand => ({
      type: 'ReplaceLbMembers',
      data: { loadBalancerId: LB, poolId: pool, members, additiveOnly, at: at(26) },
    })),
  fc
    .record({ pool: ids('pool'), id: ids('hm'), delay: fc.integer({ min: 0, max: 6 }) })
    .map(({ pool, id, delay }): LoadBalancerCommand => ({
      type: 'CreateLbHealthMonitor',
      data: { loadBalancerId: LB, poolId: pool, monitor: sampleMonitor(id, { delay }), at: at(27) },
    })),
  ids('hm').map((monitorId): LoadBalancerCommand => ({
    type: 'DeleteLbHealthMonitor',
    data: { loadBalancerId: LB, monitorId, at: at(28) },
  })),
  fc
    .integer({ min: 0, max: 30 })
    .map((revision): LoadBalancerCommand => ({ type: 'RecordLoadBalancerApplied', data: { loadBalancerId: LB, revision, at: at(29) } })),
  fc
    .constantFrom('node lost', 'refused')
    .map((reason): LoadBalancerCommand => ({ type: 'RecordLoadBalancerError', data: { loadBalancerId: LB, reason, at: at(30) } })),
  fc.record({ pool: ids('pool'), member: ids('member'), health }).map(({ pool, member: m, health: h }): LoadBalancerCommand => ({
    type: 'RecordLbMemberHealth',
    data: { loadBalancerId: LB, poolId: pool, memberId: m, health: h, at: at(31) },
  })),
  fc.constant<LoadBalancerCommand>({ type: 'RequestLoadBalancerFailover', data: { loadBalancerId: LB, at: at(32) } }),
  fc.boolean().map((cascade): LoadBalancerCommand => ({ type: 'DeleteLoadBalancer', data: { loadBalancerId: LB, cascade, at: at(33) } })),
);

const DATA_PLANE_EVENTS = new Set<LoadBalancerEvent['type']>(['LoadBalancerApplied', 'LoadBalancerErrored', 'LbMemberHealthChanged']);

describe('evolve', () => {
  it('folds any sequence of events, in any order, and views the result', () =>
    fc.assert(
      fc.property(fc.array(anyEvent, { maxLength: 30 }), (events) => {
        const state = fold(events);
        expect(typeof views(state)).toBe('object');
      }),
      { numRuns: 300 },
    ));
});

describe('decide', () => {
  it('refuses only with domain errors, decides only catalogued events, and keeps revision and pending consistent', () =>
    fc.assert(
      fc.property(fc.array(anyCommand, { maxLength: 25 }), (commands) => {
        let state = fold([lbCreated(0)]);
        let configEvents = 1;
        for (const command of commands) {
          let events: LoadBalancerEvent[] = [];
          try {
            events = decide(command, state);
          } catch (error) {
            expect(error).toBeInstanceOf(DomainError);
          }
          expect(events.flatMap(catalogueMismatches)).toEqual([]);
          configEvents += events.filter((e) => !DATA_PLANE_EVENTS.has(e.type) && e.type !== 'LoadBalancerDeleted').length;
          state = fold(events, state);
          if (state.kind !== 'live') return;
          expect(state.revision).toBe(configEvents);
          const objects = [state, ...state.listeners, ...state.pools.flatMap((p) => [p, ...p.members, ...(p.monitor ? [p.monitor] : [])])];
          for (const o of objects) {
            expect(o.pendingRevision === null || o.pendingRevision <= state.revision).toBe(true);
            expect(o.provisioningStatus.startsWith('PENDING_')).toBe(o.pendingRevision !== null && o.provisioningStatus !== 'ERROR');
          }
          // The invariants hold in every state decide leaves: a port once, a default pool that exists and fits.
          expect(new Set(state.listeners.map((l) => l.protocolPort)).size).toBe(state.listeners.length);
          for (const l of state.listeners) if (l.defaultPoolId !== null) expect(state.pools.map((p) => p.id)).toContain(l.defaultPoolId);
        }
        if (state.kind !== 'live') return;
        const served = fold(
          decide({ type: 'RecordLoadBalancerApplied', data: { loadBalancerId: LB, revision: state.revision, at: at(40) } }, state),
          state,
        );
        const rows = views(served);
        const statuses = [
          rows.loadbalancers,
          rows.listeners,
          rows.octavia_pools,
          rows.octavia_members,
          rows.octavia_healthmonitors,
        ].flatMap((r) => (r ?? []).map((row) => row.provisioning_status));
        expect(new Set(statuses)).toEqual(new Set(['ACTIVE']));
      }),
      { numRuns: 300 },
    ));
});

describe('ReplaceLbMembers', () => {
  const endpoint = (m: Pick<LbMemberConfig, 'address' | 'protocolPort'>) => `${m.address}:${m.protocolPort}`;
  const distinctBatch = fc
    .uniqueArray(member, { maxLength: 6, selector: endpoint })
    .map((members) => members.map((m, i) => ({ ...m, id: `new-${i}` })));

  it('converges: the pool then holds the listed members, and the same request again changes nothing', () =>
    fc.assert(
      fc.property(distinctBatch, fc.boolean(), (members, additiveOnly) => {
        const before = fold(servedHistory());
        if (before.kind !== 'live') throw new Error('not live');
        const replace: LoadBalancerCommand = {
          type: 'ReplaceLbMembers',
          data: { loadBalancerId: LB, poolId: 'pool-1', members, additiveOnly, at: at(30) },
        };
        const after = fold(decide(replace, before), before);
        if (after.kind !== 'live') throw new Error('not live');
        const held = after.pools[0].members.map(endpoint).sort();
        const listed = members.map(endpoint);
        const expected = additiveOnly ? [...new Set([...before.pools[0].members.map(endpoint), ...listed])] : listed;
        expect(held).toEqual([...expected].sort());
        const kept = after.pools[0].members.find((m) => m.address === '198.18.2.10' && m.protocolPort === 8080);
        if (kept) expect(kept.id).toBe('member-1');
        expect(decide(replace, after)).toEqual([]);
      }),
      { numRuns: 300 },
    ));
});
