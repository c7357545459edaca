import { initialCatalogState, type CatalogState } from '../catalog/state';
import type { CatalogUse } from '../catalog/model';
import { loadBalancerDecider } from '../loadbalancer/decider';
import type { LoadBalancerEvent } from '../loadbalancer/events';
import type { LoadBalancerState } from '../loadbalancer/state';
import { sampleLoadBalancer, sampleListener } from '../loadbalancer/samples';
import { DELETED } from '../lifecycle';
import { quotaDecider } from './decider';
import type { QuotaEvent } from './events';
import type { QuotaClaim } from './model';
import { claimsToRestore, dueLoadBalancers, nextClaimDue, reclaimableClaims, reclaimableUses } from './reclaim';
import { initialQuotaState, type QuotaState } from './state';

const P = 'project-a';
const GRACE = 60_000;
const T0 = '2026-01-01T00:00:00.000Z';
const ms = (iso: string): number => Date.parse(iso);
const at = (offsetMs: number): string => new Date(ms(T0) + offsetMs).toISOString();
const lbClaim = (id: string): QuotaClaim => ({ resource: 'loadbalancer', objectId: id });
const listenerClaim = (id: string): QuotaClaim => ({ resource: 'listener', objectId: id });

const reserved = (loadBalancerId: string | null, when: string, ...claims: QuotaClaim[]): QuotaEvent => ({
  type: 'QuotaReserved',
  version: 2,
  data: { projectId: P, at: when, claims: claims.map((c) => ({ ...c, loadBalancerId })) },
});
const released = (...claims: QuotaClaim[]): QuotaEvent => ({ type: 'QuotaReleased', version: 1, data: { projectId: P, claims } });
const quotaOf = (...events: QuotaEvent[]): QuotaState => events.reduce(quotaDecider.evolve, initialQuotaState);

const lbEvents = (id: string, listeners: string[] = []): LoadBalancerEvent[] =>
  loadBalancerDecider.decide(
    {
      type: 'CreateLoadBalancer',
      data: {
        loadBalancer: sampleLoadBalancer({ id, projectId: P }),
        listeners: listeners.map((l, i) => sampleListener(l, 80 + i)),
        pools: [],
        at: T0,
      },
    },
    loadBalancerDecider.initialState,
  );
const live = (id: string, listeners: string[] = []): LoadBalancerState =>
  lbEvents(id, listeners).reduce(loadBalancerDecider.evolve, loadBalancerDecider.initialState);
const ABSENT_LB: LoadBalancerState = loadBalancerDecider.initialState;

describe('reclaimableClaims', () => {
  const quota = quotaOf(
    reserved('lb-1', T0, lbClaim('lb-1'), listenerClaim('l-1'), listenerClaim('l-gone')),
    reserved('lb-2', T0, lbClaim('lb-2')),
    reserved('lb-3', at(30_000), lbClaim('lb-3')),
    reserved(null, T0, listenerClaim('l-unknown')),
  );

  it.each([
    {
      desc: 'a live load balancer: only the claim its state does not hold',
      lbs: [['lb-1', live('lb-1', ['l-1'])]] as const,
      now: at(GRACE),
      want: [listenerClaim('l-gone')],
    },
    {
      desc: 'a load balancer never created: all its claims',
      lbs: [['lb-1', ABSENT_LB]] as const,
      now: at(GRACE),
      want: [lbClaim('lb-1'), listenerClaim('l-1'), listenerClaim('l-gone')],
    },
    { desc: 'a deleted load balancer: all its claims', lbs: [['lb-2', DELETED]] as const, now: at(GRACE), want: [lbClaim('lb-2')] },
    { desc: 'one ms before the grace ends: nothing', lbs: [['lb-1', ABSENT_LB]] as const, now: at(GRACE - 1), want: [] },
    { desc: 'a reservation younger than the grace: nothing', lbs: [['lb-3', ABSENT_LB]] as const, now: at(GRACE), want: [] },
    {
      desc: 'the same, once its own grace has passed',
      lbs: [['lb-3', ABSENT_LB]] as const,
      now: at(GRACE + 30_000),
      want: [lbClaim('lb-3')],
    },
    { desc: 'load balancers not named: nothing (they were not read)', lbs: [] as const, now: at(10 * GRACE), want: [] },
    {
      desc: 'a live load balancer holding everything: nothing',
      lbs: [['lb-2', live('lb-2')]] as const,
      now: at(10 * GRACE),
      want: [],
    },
  ])('$desc', ({ lbs, now, want }) => {
    const map = new Map<string, LoadBalancerState>(lbs.map(([id, s]) => [id, s]));
    expect(reclaimableClaims(quota, map, ms(now), GRACE)).toEqual(want);
  });

  it('never releases a claim of an unknown load balancer (version 1), nor a claim already released', () => {
    const q = quotaOf(reserved(null, T0, listenerClaim('l-x')), reserved('lb-9', T0, lbClaim('lb-9')), released(lbClaim('lb-9')));
    expect(reclaimableClaims(q, new Map([['lb-9', ABSENT_LB]]), ms(at(10 * GRACE)), GRACE)).toEqual([]);
    expect(dueLoadBalancers(q, ms(at(10 * GRACE)), GRACE)).toEqual([]);
  });

  it('releases nothing of a quota that has no events', () =>
    expect(reclaimableClaims(initialQuotaState, new Map([['lb-1', ABSENT_LB]]), ms(at(GRACE)), GRACE)).toEqual([]));

  it('never releases a claim whose time does not parse', () => {
    const q = quotaOf(reserved('lb-1', 'not a time', lbClaim('lb-1')));
    expect(reclaimableClaims(q, new Map([['lb-1', ABSENT_LB]]), ms(at(10 * GRACE)), GRACE)).toEqual([]);
  });

  it('a claim reserved again after a release takes the time of the new reservation', () => {
    const q = quotaOf(reserved('lb-1', T0, lbClaim('lb-1')), released(lbClaim('lb-1')), reserved('lb-1', at(GRACE), lbClaim('lb-1')));
    expect(reclaimableClaims(q, new Map([['lb-1', ABSENT_LB]]), ms(at(GRACE + 1)), GRACE)).toEqual([]);
  });
});

describe('dueLoadBalancers and nextClaimDue', () => {
  const quota = quotaOf(
    reserved('lb-1', T0, lbClaim('lb-1')),
    reserved('lb-1', at(5_000), listenerClaim('l-1')),
    reserved('lb-2', at(20_000), lbClaim('lb-2')),
  );

  it('names each load balancer with a due claim once, in order', () => {
    expect(dueLoadBalancers(quota, ms(at(GRACE - 1)), GRACE)).toEqual([]);
    expect(dueLoadBalancers(quota, ms(at(GRACE)), GRACE)).toEqual(['lb-1']);
    expect(dueLoadBalancers(quota, ms(at(GRACE + 20_000)), GRACE)).toEqual(['lb-1', 'lb-2']);
  });

  it("gives when a load balancer's next claim not yet due will be, or null", () => {
    expect(nextClaimDue(quota, 'lb-1', ms(T0), GRACE)).toBe(ms(at(GRACE)));
    expect(nextClaimDue(quota, 'lb-1', ms(at(GRACE)), GRACE)).toBe(ms(at(GRACE + 5_000)));
    expect(nextClaimDue(quota, 'lb-1', ms(at(GRACE + 5_000)), GRACE)).toBeNull();
    expect(nextClaimDue(quota, 'lb-none', ms(T0), GRACE)).toBeNull();
  });
});

describe('claimsToRestore', () => {
  it('gives back the released claims the load balancer holds now (its create won the race), and none of an absent one', () => {
    const releasedClaims = [lbClaim('lb-1'), listenerClaim('l-1'), listenerClaim('l-other')];
    expect(claimsToRestore(releasedClaims, live('lb-1', ['l-1']))).toEqual([lbClaim('lb-1'), listenerClaim('l-1')]);
    expect(claimsToRestore(releasedClaims, ABSENT_LB)).toEqual([]);
  });
});

describe('reclaimableUses', () => {
  const use = (loadBalancerId: string, when: string): CatalogUse => ({ loadBalancerId, flavorId: 'fl', availabilityZone: null, at: when });
  const catalog: CatalogState = { ...initialCatalogState, uses: [use('lb-1', T0), use('lb-2', T0), use('lb-3', at(30_000))] };

  it.each([
    { desc: 'a load balancer never created, past the grace', lbs: [['lb-1', ABSENT_LB]] as const, now: at(GRACE), want: ['lb-1'] },
    { desc: 'a deleted one', lbs: [['lb-2', DELETED]] as const, now: at(GRACE), want: ['lb-2'] },
    { desc: 'a live one: never', lbs: [['lb-1', live('lb-1')]] as const, now: at(10 * GRACE), want: [] },
    { desc: 'before the grace', lbs: [['lb-3', ABSENT_LB]] as const, now: at(GRACE), want: [] },
    { desc: 'not read', lbs: [] as const, now: at(10 * GRACE), want: [] },
  ])('$desc', ({ lbs, now, want }) => {
    const map = new Map<string, LoadBalancerState>(lbs.map(([id, s]) => [id, s]));
    expect(reclaimableUses(catalog, map, ms(now), GRACE).map((u) => u.loadBalancerId)).toEqual(want);
  });
});
