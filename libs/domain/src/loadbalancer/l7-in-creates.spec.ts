import { Conflict, NotFound, ValidationError } from '../errors';
import { given } from '../testing/given-when-then';
import type { CreateListener, CreateLoadBalancer, L7PolicyTree, ListenerL7PolicyTree } from './commands';
import { loadBalancerDecider } from './decider';
import type { LoadBalancerEvent } from './events';
import { policyCreated, samplePolicy, sampleRule } from './l7-samples';
import {
  at,
  LB,
  lbCreated,
  listenerCreated,
  poolCreated,
  refusalOf,
  sampleListener,
  sampleLoadBalancer,
  samplePool,
  servedHistory,
} from './samples';

/* L7 policies (with their rules) in the single-call create and in a listener's create: one commit, the separate creates' checks. */

const LAST = 2147483647;
const web = sampleListener('listener-web', 80, { defaultPoolId: 'pool-web' });
const api = samplePool('pool-api');
const toApi = samplePolicy('p-api', { action: 'REDIRECT_TO_POOL', redirectPoolId: 'pool-api', position: LAST });
const reject = samplePolicy('p-reject', { position: LAST });
const tree = (listenerId: string, l7policy = toApi, rules = [sampleRule('r1')]): ListenerL7PolicyTree => ({ listenerId, l7policy, rules });

const createLb = (l7policies: readonly ListenerL7PolicyTree[], listeners = [web]): CreateLoadBalancer => ({
  type: 'CreateLoadBalancer',
  data: {
    loadBalancer: sampleLoadBalancer(),
    listeners,
    pools: [
      { pool: samplePool('pool-web'), listenerId: null, members: [], monitor: null },
      { pool: api, listenerId: null, members: [], monitor: null },
    ],
    l7policies,
    at: at(0),
  },
});
const createListener = (listener = web, l7policies: readonly L7PolicyTree[] = []): CreateListener => ({
  type: 'CreateListener',
  data: { loadBalancerId: LB, listener, l7policies, at: at(10) },
});
const fold = (events: readonly LoadBalancerEvent[]) => given(loadBalancerDecider, events).state;
const withTwoPools = (): LoadBalancerEvent[] => [...servedHistory(), poolCreated(7, api)];
const listener2 = sampleListener('listener-2', 81);

describe('CreateLoadBalancer with L7 policies', () => {
  it('appends the policies, with their rules, after the pools they redirect to, in one commit', () =>
    given(loadBalancerDecider)
      .when(createLb([tree('listener-web'), tree('listener-web', reject, [])]))
      .then([
        lbCreated(0),
        listenerCreated(0, web),
        poolCreated(0, samplePool('pool-web')),
        poolCreated(0, api),
        policyCreated(0, 'listener-web', { ...toApi, position: 1 }, [sampleRule('r1')]),
        policyCreated(0, 'listener-web', { ...reject, position: 2 }),
      ]));

  it('leaves every policy and rule pending creation with the load balancer', () => {
    const state = fold(loadBalancerDecider.decide(createLb([tree('listener-web')]), loadBalancerDecider.initialState));
    if (state.kind !== 'live') throw new Error('not live');
    const policy = state.listeners[0].l7policies[0];
    expect([policy.provisioningStatus, policy.rules[0].provisioningStatus, state.revision]).toEqual([
      'PENDING_CREATE',
      'PENDING_CREATE',
      5,
    ]);
  });

  it.each([
    {
      desc: 'a policy redirecting to a pool of neither the load balancer nor the request',
      l7policies: [tree('listener-web', { ...toApi, redirectPoolId: 'nowhere' })],
      listeners: [web],
      kind: NotFound,
      words: 'Pool nowhere not found.',
    },
    {
      desc: 'a policy on a TCP listener',
      l7policies: [tree('listener-tcp', reject)],
      listeners: [web, sampleListener('listener-tcp', 8080, { protocol: 'TCP', insertHeaders: {} })],
      kind: ValidationError,
      words: 'TCP',
    },
    {
      desc: 'a rule the separate create refuses',
      l7policies: [tree('listener-web', reject, [sampleRule('r1', { type: 'HEADER', key: null })])],
      listeners: [web],
      kind: ValidationError,
      words: 'Error parsing L7Rule',
    },
    {
      desc: 'a rule id twice',
      l7policies: [tree('listener-web', toApi), tree('listener-web', reject)],
      listeners: [web],
      kind: Conflict,
      words: 'Already an entity with that specified id.',
    },
  ])('refuses the whole create for $desc', ({ l7policies, listeners, kind, words }) => {
    const error = refusalOf([], createLb(l7policies, listeners));
    expect(error).toBeInstanceOf(kind);
    expect(error.message).toContain(words);
  });
});

describe('CreateListener with L7 policies', () => {
  it('appends the listener and then its policies in one commit, as given', () =>
    given(loadBalancerDecider, withTwoPools())
      .when(
        createListener(listener2, [
          { l7policy: toApi, rules: [sampleRule('r9')] },
          { l7policy: reject, rules: [] },
        ]),
      )
      .then([
        listenerCreated(10, listener2),
        policyCreated(10, 'listener-2', { ...toApi, position: 1 }, [sampleRule('r9')]),
        policyCreated(10, 'listener-2', { ...reject, position: 2 }),
      ]));

  it('inserts a policy at its position among those before it', () => {
    const events = loadBalancerDecider.decide(
      createListener(listener2, [
        { l7policy: reject, rules: [] },
        { l7policy: { ...toApi, position: 1 }, rules: [] },
      ]),
      fold(withTwoPools()),
    );
    const state = fold([...withTwoPools(), ...events]);
    if (state.kind !== 'live') throw new Error('not live');
    expect(state.listeners[1].l7policies.map((p) => `${p.id}@${p.position}`)).toEqual(['p-api@1', 'p-reject@2']);
  });

  it('without policies is the listener alone', () =>
    given(loadBalancerDecider, withTwoPools())
      .when(createListener(listener2))
      .then([listenerCreated(10, listener2)]));

  it('refuses the listener too when a policy is refused', () => {
    const error = refusalOf(withTwoPools(), createListener(listener2, [{ l7policy: { ...toApi, redirectPoolId: 'nowhere' }, rules: [] }]));
    expect(error).toBeInstanceOf(NotFound);
  });

  it('refuses more than 50 rules on one policy (409)', () => {
    const rules = Array.from({ length: 51 }, (_, i) => sampleRule(`r${i}`));
    expect(refusalOf(withTwoPools(), createListener(listener2, [{ l7policy: reject, rules }]))).toBeInstanceOf(Conflict);
  });
});
