import { QuotaExceeded, ValidationError } from '../errors';
import { given } from '../testing/given-when-then';
import { upcastEvent } from '../upcasters';
import type { ReserveQuota } from './commands';
import { quotaDecider } from './decider';
import type { QuotaEvent } from './events';
import type { QuotaClaim, QuotaLimits } from './model';

const P = 'project-a';
const DEFAULTS: QuotaLimits = { loadbalancer: 2, listener: -1, pool: -1, member: 3, healthmonitor: -1, l7policy: -1, l7rule: -1 };
const lb = (id: string): QuotaClaim => ({ resource: 'loadbalancer', objectId: id });
const member = (id: string): QuotaClaim => ({ resource: 'member', objectId: id });
const AT = '2026-01-01T00:00:00.000Z';
const LB = 'lb-x';
const reserve = (...claims: QuotaClaim[]): ReserveQuota => ({
  type: 'ReserveQuota',
  data: { projectId: P, loadBalancerId: LB, at: AT, claims, defaults: DEFAULTS },
});
const reservedBy = (loadBalancerId: string, at: string, ...claims: QuotaClaim[]): QuotaEvent => ({
  type: 'QuotaReserved',
  version: 2,
  data: { projectId: P, at, claims: claims.map((c) => ({ ...c, loadBalancerId })) },
});
const reserved = (...claims: QuotaClaim[]): QuotaEvent => reservedBy(LB, AT, ...claims);
const released = (...claims: QuotaClaim[]): QuotaEvent => ({ type: 'QuotaReleased', version: 1, data: { projectId: P, claims } });
const set = (limits: Partial<QuotaLimits>): QuotaEvent => ({ type: 'QuotaSet', version: 1, data: { projectId: P, limits } });

describe('quota: reservations', () => {
  it('reserves under the default limit', () =>
    given(quotaDecider)
      .when(reserve(lb('a')))
      .then([reserved(lb('a'))]));

  it('refuses the reservation that would pass the limit, with Octavia words naming the resource', () => {
    given(quotaDecider, [reserved(lb('a'), lb('b'))])
      .when(reserve(lb('c')))
      .thenThrows(QuotaExceeded, 'QuotaException');
    expect(() => quotaDecider.decide(reserve(lb('c')), given(quotaDecider, [reserved(lb('a'), lb('b'))]).state)).toThrow(
      'Quota has been met for resources: Load Balancer',
    );
  });

  it('refuses a whole single-call create whose members pass the limit, and reserves nothing of it', () =>
    given(quotaDecider)
      .when(reserve(lb('a'), member('1'), member('2'), member('3'), member('4')))
      .thenThrows(QuotaExceeded));

  it('is idempotent by object id: a held id appends nothing and counts once', () => {
    given(quotaDecider, [reserved(lb('a'))])
      .when(reserve(lb('a')))
      .then([]);
    given(quotaDecider, [reserved(lb('a'))])
      .when(reserve(lb('a'), lb('b'), lb('b')))
      .then([reserved(lb('b'))]);
  });

  it('frees a unit on release, and ignores ids it does not hold', () => {
    given(quotaDecider, [reserved(lb('a'), lb('b'))])
      .when({ type: 'ReleaseQuota', data: { projectId: P, claims: [lb('b'), lb('zz'), lb('b')] } })
      .then([released(lb('b'))]);
    given(quotaDecider, [reserved(lb('a'), lb('b')), released(lb('b'))])
      .when(reserve(lb('c')))
      .then([reserved(lb('c'))]);
    given(quotaDecider)
      .when({ type: 'ReleaseQuota', data: { projectId: P, claims: [lb('a')] } })
      .then([]);
  });

  it("takes the project's own limit over the default; -1 is unlimited", () => {
    given(quotaDecider, [set({ loadbalancer: 1 }), reserved(lb('a'))])
      .when(reserve(lb('b')))
      .thenThrows(QuotaExceeded);
    given(quotaDecider, [set({ loadbalancer: -1 }), reserved(lb('a'), lb('b'))])
      .when(reserve(lb('c')))
      .then([reserved(lb('c'))]);
    given(quotaDecider, [set({ loadbalancer: 0 })])
      .when(reserve(lb('a')))
      .thenThrows(QuotaExceeded);
  });

  it('keeps objects held when the limit is lowered under them, and refuses new ones', () =>
    given(quotaDecider, [reserved(lb('a'), lb('b')), set({ loadbalancer: 1 })])
      .when(reserve(lb('c')))
      .thenThrows(QuotaExceeded));
});

describe('quota: restores and what each claim belongs to', () => {
  const restore = (at: string, ...claims: QuotaClaim[]) =>
    ({ type: 'RestoreQuota', data: { projectId: P, loadBalancerId: LB, at, claims } }) as const;

  it('restores released claims past every limit: the objects exist', () =>
    given(quotaDecider, [set({ loadbalancer: 1 }), reserved(lb('a')), released(lb('a')), reserved(lb('b'))])
      .when(restore('2026-01-02T00:00:00.000Z', lb('a'), lb('b')))
      .then([reservedBy(LB, '2026-01-02T00:00:00.000Z', lb('a'))]));

  it('restores nothing that is held', () =>
    given(quotaDecider, [reserved(lb('a'))])
      .when(restore(AT, lb('a')))
      .then([]));

  it("keeps each held claim's load balancer and time, forgets it on release, and keeps the first time of a claim held twice", () => {
    const state = given(quotaDecider, [
      reservedBy('lb-1', AT, lb('lb-1'), member('m1')),
      reservedBy('lb-2', '2026-01-05T00:00:00.000Z', member('m1'), member('m2')),
      released(member('m2')),
    ]).state;
    expect(state.kind === 'live' ? state.reservations : null).toEqual({
      'loadbalancer/lb-1': { loadBalancerId: 'lb-1', at: AT },
      'member/m1': { loadBalancerId: 'lb-1', at: AT },
    });
  });
});

describe('quota: limits', () => {
  it('sets, merges and puts a resource back on the default with null', () => {
    given(quotaDecider)
      .when({ type: 'SetQuota', data: { projectId: P, limits: { loadbalancer: 5 } } })
      .then([set({ loadbalancer: 5 })]);
    given(quotaDecider, [set({ loadbalancer: 5 })])
      .when({ type: 'SetQuota', data: { projectId: P, limits: { member: 10, loadbalancer: null } } })
      .then([set({ member: 10 })]);
    given(quotaDecider, [set({ loadbalancer: 5 })])
      .when({ type: 'SetQuota', data: { projectId: P, limits: { loadbalancer: 5 } } })
      .then([]);
  });

  it.each([
    { desc: 'below -1', value: -2 },
    { desc: 'a fraction', value: 1.5 },
    { desc: "above Octavia's largest", value: 2_000_000_001 },
  ])('refuses a limit $desc', ({ value }) =>
    given(quotaDecider)
      .when({ type: 'SetQuota', data: { projectId: P, limits: { pool: value } } })
      .thenThrows(ValidationError, 'InvalidInput'),
  );

  it('resets to the defaults, once', () => {
    given(quotaDecider, [set({ loadbalancer: 5 })])
      .when({ type: 'ResetQuota', data: { projectId: P } })
      .then([{ type: 'QuotaReset', version: 1, data: { projectId: P } }]);
    given(quotaDecider, [set({ loadbalancer: 5 }), { type: 'QuotaReset', version: 1, data: { projectId: P } }])
      .when({ type: 'ResetQuota', data: { projectId: P } })
      .then([]);
  });

  it('shows its own limits (null for defaults) and what it holds', () => {
    const state = given(quotaDecider, [set({ member: 7 }), reserved(lb('a'), member('1')), released(member('1'))]).state;
    expect(quotaDecider.views(state).octavia_quotas).toEqual([
      {
        id: P,
        project_id: P,
        tenant_id: P,
        loadbalancer: null,
        listener: null,
        pool: null,
        member: 7,
        healthmonitor: null,
        l7policy: null,
        l7rule: null,
        in_use: { loadbalancer: 1, listener: 0, pool: 0, member: 0, healthmonitor: 0, l7policy: 0, l7rule: 0 },
      },
    ]);
  });
});

describe('QuotaReserved version 1', () => {
  it("is upcast with the envelope's time, a load balancer's claim its own, other claims unknown (null)", () => {
    const v1 = {
      id: 'e',
      type: 'QuotaReserved',
      version: 1,
      aggregate: 'quota' as const,
      aggregateId: P,
      tenantId: P,
      actor: 'a',
      occurredAt: '2026-01-04T00:00:00.000Z',
      correlationId: 'c',
      causationId: null,
      data: { projectId: P, claims: [lb('lb-1'), member('m1')] },
    };
    expect(upcastEvent(v1)).toEqual({
      ...v1,
      version: 2,
      data: {
        projectId: P,
        at: '2026-01-04T00:00:00.000Z',
        claims: [
          { ...lb('lb-1'), loadBalancerId: 'lb-1' },
          { ...member('m1'), loadBalancerId: null },
        ],
      },
    });
  });
});

describe('LoadBalancerCreated version 1', () => {
  it('is upcast to the pair on any node', () => {
    const v1 = {
      id: 'e',
      type: 'LoadBalancerCreated',
      version: 1,
      aggregate: 'loadbalancer' as const,
      aggregateId: 'lb',
      tenantId: P,
      actor: 'a',
      occurredAt: '2026-01-01T00:00:00Z',
      correlationId: 'c',
      causationId: null,
      data: { loadBalancer: { id: 'lb' }, at: '2026-01-01T00:00:00Z' },
    };
    expect(upcastEvent(v1)).toEqual({
      ...v1,
      version: 2,
      data: { ...v1.data, placement: { topology: 'ACTIVE_STANDBY', computeZone: null } },
    });
  });
});
