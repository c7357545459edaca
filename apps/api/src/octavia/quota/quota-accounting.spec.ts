import {
  claimsOf,
  type LbMemberConfig,
  type LoadBalancerCommand,
  type LoadBalancerConfig,
  type QuotaClaim,
  loadBalancerWithDefaults,
  memberWithDefaults,
  poolWithDefaults,
  type QuotaLimits,
  QuotaExceeded,
  quotaDecider,
} from '@lbaas/domain';
import { CommandRuns } from '../../commands/command-runs';
import { systemCommandEnvironment } from '../../commands/command-environment';
import { InMemoryEventStore } from '../../commands/in-memory-event-store';
import { l7PolicyConfig, l7RuleConfig } from '../commands/l7-configs';
import { loadBalancerStream } from '../commands/loadbalancer-stream.decider';
import { listenerConfig } from '../commands/octavia-configs';
import { LateCreates } from './late-creates';
import { loadBalancerTreeClaims, newClaims, QuotaAccounting } from './quota-accounting';
import { effectiveLimits, limitsOf, quotaBody } from './quota-service';

const P = 'project-a';
const AT = '2026-01-01T00:00:00Z';
const UNLIMITED: QuotaLimits = { loadbalancer: -1, listener: -1, pool: -1, member: -1, healthmonitor: -1, l7policy: -1, l7rule: -1 };
const lbConfig = (id: string): LoadBalancerConfig =>
  loadBalancerWithDefaults({
    id,
    projectId: P,
    vip: { address: '198.18.1.10', subnetId: 's', networkId: 'n', portId: `port-${id}`, qosPolicyId: null },
  });
const member = (id: string, address: string): LbMemberConfig => memberWithDefaults({ id, address, protocolPort: 80 });
const pool = poolWithDefaults({ id: 'pool-1', name: 'p', protocol: 'HTTP', lbAlgorithm: 'ROUND_ROBIN' });

const GRACE_MS = 1000;

function harness(defaults: Partial<QuotaLimits> = {}) {
  const store = new InMemoryEventStore();
  const clock = { ms: Date.parse('2026-01-01T00:00:00.000Z') };
  const now = () => new Date(clock.ms).toISOString();
  const runs = new CommandRuns(store, { ...systemCommandEnvironment, now });
  const accounting = new QuotaAccounting(loadBalancerStream, { ...UNLIMITED, ...defaults }, now, new LateCreates(runs, GRACE_MS));
  const run = () => runs.begin({ tenantId: P, isAdmin: false, actor: 'demo', correlationId: 'c', idempotencyKey: null });
  const exec = (id: string, command: LoadBalancerCommand) => accounting.execute(run(), id, () => command);
  const quota = async () => (await run().load(quotaDecider, P)).state;
  const usage = async () => {
    const state = await quota();
    return state.kind === 'live' ? Object.fromEntries(Object.entries(state.held).map(([r, ids]) => [r, [...ids].sort()])) : null;
  };
  const reserve = (claims: readonly QuotaClaim[], loadBalancerId = 'lb-1') => accounting.reserve(run(), P, loadBalancerId, claims);
  const release = (claims: readonly QuotaClaim[]) => accounting.release(run(), P, claims);
  return { store, clock, exec, quota, usage, reserve, release };
}
const create = (id: string, members: LbMemberConfig[] = []): LoadBalancerCommand => ({
  type: 'CreateLoadBalancer',
  data: {
    loadBalancer: lbConfig(id),
    listeners: [],
    pools: members.length ? [{ pool, listenerId: null, members, monitor: null }] : [],
    at: AT,
  },
});

describe('QuotaAccounting', () => {
  it('counts a single-call create whole, and refuses it whole at the limit (nothing created, nothing held)', async () => {
    const h = harness({ member: 2 });
    await h.exec('lb-1', create('lb-1', [member('m1', '198.18.2.1'), member('m2', '198.18.2.2')]));
    expect(await h.usage()).toMatchObject({ loadbalancer: ['lb-1'], pool: ['pool-1'], member: ['m1', 'm2'] });
    await expect(h.exec('lb-2', create('lb-2', [member('m3', '198.18.2.3')]))).rejects.toThrow(QuotaExceeded);
    expect(await h.usage()).toMatchObject({ loadbalancer: ['lb-1'], member: ['m1', 'm2'] });
  });

  it('releases what a refused command reserved', async () => {
    const h = harness();
    await h.exec('lb-1', create('lb-1'));
    await expect(h.exec('lb-1', create('lb-1'))).rejects.toThrow('Already an entity');
    const listener = {
      type: 'CreateListener',
      data: { loadBalancerId: 'nope', listener: { id: 'l-1' }, at: AT },
    } as unknown as LoadBalancerCommand;
    await expect(h.exec('nope', listener)).rejects.toThrow();
    expect(await h.usage()).toMatchObject({ loadbalancer: ['lb-1'], listener: [] });
  });

  it('counts only the new endpoints of a batch replace, and releases the members it deletes', async () => {
    const h = harness({ member: 3 });
    await h.exec('lb-1', create('lb-1', [member('m1', '198.18.2.1'), member('m2', '198.18.2.2')]));
    const replace = (members: LbMemberConfig[]): LoadBalancerCommand => ({
      type: 'ReplaceLbMembers',
      data: { loadBalancerId: 'lb-1', poolId: 'pool-1', members, additiveOnly: false, at: AT },
    });
    // The same two endpoints under new ids: matched, nothing new to count.
    await h.exec('lb-1', replace([member('x1', '198.18.2.1'), member('x2', '198.18.2.2'), member('x3', '198.18.2.3')]));
    expect(await h.usage()).toMatchObject({ member: ['m1', 'm2', 'x3'] });
    // As Octavia, new members are counted before the ones the replace deletes are freed.
    await expect(h.exec('lb-1', replace([member('x4', '198.18.2.4')]))).rejects.toThrow(QuotaExceeded);
    await h.exec('lb-1', replace([member('x3b', '198.18.2.3')]));
    expect(await h.usage()).toMatchObject({ member: ['x3'] });
  });

  it('reserves a single-call create before it is decided, and the create then counts nothing twice', async () => {
    const h = harness({ loadbalancer: 1, member: 1 });
    const command = create('lb-1', [member('m1', '198.18.2.1')]);
    const tree = command.type === 'CreateLoadBalancer' ? command.data : null;
    if (tree === null) throw new Error('not a create');
    await h.reserve(loadBalancerTreeClaims('lb-1', tree));
    await expect(h.reserve(loadBalancerTreeClaims('lb-2', { ...tree, pools: [] }))).rejects.toThrow(QuotaExceeded);
    await h.exec('lb-1', command);
    expect(await h.usage()).toMatchObject({ loadbalancer: ['lb-1'], pool: ['pool-1'], member: ['m1'] });
  });

  it('releases a load balancer and every child with a cascade delete', async () => {
    const h = harness();
    await h.exec('lb-1', create('lb-1', [member('m1', '198.18.2.1')]));
    await h.exec('lb-1', { type: 'DeleteLoadBalancer', data: { loadBalancerId: 'lb-1', cascade: true, at: AT } });
    expect(await h.usage()).toMatchObject({ loadbalancer: [], pool: [], member: [] });
  });
});

describe('QuotaAccounting and the reclaimer', () => {
  it('names the load balancer and the time of every claim it reserves', async () => {
    const h = harness();
    await h.exec('lb-1', create('lb-1', [member('m1', '198.18.2.1')]));
    const state = await h.quota();
    expect(state.kind === 'live' ? state.reservations : null).toEqual({
      'loadbalancer/lb-1': { loadBalancerId: 'lb-1', at: '2026-01-01T00:00:00.000Z' },
      'pool/pool-1': { loadBalancerId: 'lb-1', at: '2026-01-01T00:00:00.000Z' },
      'member/m1': { loadBalancerId: 'lb-1', at: '2026-01-01T00:00:00.000Z' },
    });
  });

  /** A reclaimer's release lands between the create's reservation and its append, `afterMs` after the reservation. */
  const raced = (h: ReturnType<typeof harness>, afterMs: number, alsoTaken: QuotaClaim[] = []) => {
    let done = false;
    h.store.intercept(async (aggregate) => {
      if (aggregate !== 'loadbalancer' || done) return;
      done = true;
      h.clock.ms += afterMs;
      await h.release([{ resource: 'loadbalancer', objectId: 'lb-1' }]);
      if (alsoTaken.length > 0) await h.reserve(alsoTaken, 'lb-2');
    });
  };

  it('counts again, past the limit, a claim released before its append when the create took half the grace or more', async () => {
    const h = harness({ loadbalancer: 1 });
    // The freed unit is taken by another create before this one checks: the object exists all the same.
    raced(h, GRACE_MS / 2, [{ resource: 'loadbalancer', objectId: 'lb-2' }]);
    await h.exec('lb-1', create('lb-1'));
    expect(await h.usage()).toMatchObject({ loadbalancer: ['lb-1', 'lb-2'] });
  });

  it('reads the quota again only after a create that took half the grace: before it, no reclaimer may release its claims', async () => {
    const h = harness();
    raced(h, GRACE_MS / 2 - 1);
    const before = h.store.commits().length;
    await h.exec('lb-1', create('lb-1'));
    // The create and the simulated release, no restore: this release cannot happen for real this early.
    expect(h.store.commits().length - before).toBe(3);
    expect(await h.usage()).toMatchObject({ loadbalancer: [] });
  });
});

describe('L7 policies and rules in the quota', () => {
  // Only what the accounting reads of a state; the rest is the domain's.
  const state = {
    kind: 'live',
    id: 'lb-1',
    listeners: [{ id: 'l-1', l7policies: [{ id: 'p-1', rules: [{ id: 'r-1' }, { id: 'r-2' }] }] }],
    pools: [],
  } as never;
  const policy = (rules: string[]): LoadBalancerCommand =>
    ({
      type: 'CreateL7Policy',
      data: { loadBalancerId: 'lb-1', listenerId: 'l-1', l7policy: { id: 'p-2' }, rules: rules.map((id) => ({ id })), at: AT },
    }) as never;

  it('counts every policy and rule a load balancer holds', () =>
    expect(claimsOf(state)).toEqual(
      expect.arrayContaining([
        { resource: 'l7policy', objectId: 'p-1' },
        { resource: 'l7rule', objectId: 'r-1' },
        { resource: 'l7rule', objectId: 'r-2' },
      ]),
    ));

  it('claims a new policy with the rules it brings, and a new rule, but nothing already held', () => {
    expect(newClaims(policy(['r-3']), state)).toEqual([
      { resource: 'l7policy', objectId: 'p-2' },
      { resource: 'l7rule', objectId: 'r-3' },
    ]);
    const rule = (id: string) =>
      ({ type: 'CreateL7Rule', data: { loadBalancerId: 'lb-1', l7policyId: 'p-1', rule: { id }, at: AT } }) as never;
    expect(newClaims(rule('r-4'), state)).toEqual([{ resource: 'l7rule', objectId: 'r-4' }]);
    expect(newClaims(rule('r-1'), state)).toEqual([]);
  });
});

describe('L7 policies created with their load balancer or listener', () => {
  const http = (id: string, port: number) => listenerConfig(id, { protocol: 'HTTP', protocol_port: port }, null, {});
  const tree = (id: string, rules: string[]) => ({
    l7policy: l7PolicyConfig(id, { action: 'REJECT' }),
    rules: rules.map((r) => l7RuleConfig(r, { type: 'PATH', compare_type: 'STARTS_WITH', value: '/x' })),
  });
  const withPolicies = (id: string, rules: string[]): LoadBalancerCommand => ({
    type: 'CreateLoadBalancer',
    data: {
      loadBalancer: lbConfig(id),
      listeners: [http(`l-${id}`, 80)],
      pools: [],
      l7policies: [{ listenerId: `l-${id}`, ...tree(`p-${id}`, rules) }],
      at: AT,
    },
  });

  it('counts the policies and rules of a single-call create, and refuses it whole past the rule limit', async () => {
    const h = harness({ l7rule: 2 });
    await h.exec('lb-1', withPolicies('lb-1', ['r1', 'r2']));
    expect(await h.usage()).toMatchObject({ listener: ['l-lb-1'], l7policy: ['p-lb-1'], l7rule: ['r1', 'r2'] });
    await expect(h.exec('lb-2', withPolicies('lb-2', ['r3']))).rejects.toThrow(QuotaExceeded);
    expect(await h.usage()).toMatchObject({ loadbalancer: ['lb-1'], listener: ['l-lb-1'], l7policy: ['p-lb-1'], l7rule: ['r1', 'r2'] });
  });

  it("counts a listener's policies with it, and releases them with it", async () => {
    const h = harness({ l7policy: 1 });
    await h.exec('lb-1', create('lb-1'));
    const listener = (id: string, port: number, policies: ReturnType<typeof tree>[]): LoadBalancerCommand => ({
      type: 'CreateListener',
      data: { loadBalancerId: 'lb-1', listener: http(id, port), l7policies: policies, at: AT },
    });
    await h.exec('lb-1', listener('l-1', 80, [tree('p-1', ['r1'])]));
    await expect(h.exec('lb-1', listener('l-2', 81, [tree('p-2', [])]))).rejects.toThrow(QuotaExceeded);
    expect(await h.usage()).toMatchObject({ listener: ['l-1'], l7policy: ['p-1'], l7rule: ['r1'] });
    await h.exec('lb-1', { type: 'DeleteListener', data: { loadBalancerId: 'lb-1', listenerId: 'l-1', at: AT } });
    expect(await h.usage()).toMatchObject({ listener: [], l7policy: [], l7rule: [] });
  });
});

describe('quota bodies', () => {
  it("answers Octavia's older names beside the current ones", () =>
    expect(quotaBody(effectiveLimits({ loadbalancer: 3 }, { ...UNLIMITED, healthmonitor: 7 }))).toEqual({
      ...UNLIMITED,
      loadbalancer: 3,
      healthmonitor: 7,
      load_balancer: 3,
      health_monitor: 7,
    }));

  it('takes the older names when the current ones are absent, and refuses a body that sets nothing', () => {
    expect(limitsOf({ load_balancer: 4, health_monitor: null, pool: 2 })).toEqual({ loadbalancer: 4, healthmonitor: null, pool: 2 });
    expect(limitsOf({ loadbalancer: 1, load_balancer: 4 })).toEqual({ loadbalancer: 1 });
    expect(() => limitsOf({})).toThrow('sets no limit');
  });
});
