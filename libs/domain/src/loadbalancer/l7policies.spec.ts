import { Conflict, NotFound, ValidationError } from '../errors';
import { given } from '../testing/given-when-then';
import type { L7PolicyChanges } from './commands';
import { loadBalancerDecider } from './decider';
import type { LoadBalancerEvent } from './events';
import { policyCreated, policyDeleted, policyUpdated, samplePolicy, sampleRule } from './l7-samples';
import type { L7PolicyConfig, L7RuleConfig } from './model';
import { applied, at, LB, lbCreated, listenerCreated, poolCreated, refusalOf, sampleListener, samplePool, servedHistory } from './samples';

const create = (l7policy: L7PolicyConfig, rules: L7RuleConfig[] = [], listenerId = 'listener-1') =>
  ({ type: 'CreateL7Policy', data: { loadBalancerId: LB, listenerId, l7policy, rules, at: at(10) } }) as const;
const update = (changes: L7PolicyChanges, l7policyId = 'p1') =>
  ({ type: 'UpdateL7Policy', data: { loadBalancerId: LB, l7policyId, changes, at: at(10) } }) as const;
const remove = (l7policyId: string) => ({ type: 'DeleteL7Policy', data: { loadBalancerId: LB, l7policyId, at: at(10) } }) as const;

const state = (history: readonly LoadBalancerEvent[]) => history.reduce(loadBalancerDecider.evolve, loadBalancerDecider.initialState);
const positions = (history: readonly LoadBalancerEvent[]) => {
  const s = state(history);
  return s.kind === 'live' ? s.listeners[0].l7policies.map((p) => `${p.id}@${p.position}`) : [];
};
const withThree: LoadBalancerEvent[] = [
  ...servedHistory(),
  policyCreated(7, 'listener-1', samplePolicy('p1', { position: 1 })),
  policyCreated(8, 'listener-1', samplePolicy('p2', { position: 2 })),
  policyCreated(9, 'listener-1', samplePolicy('p3', { position: 3 })),
];

describe('CreateL7Policy', () => {
  it('creates a REJECT policy with its rules', () =>
    given(loadBalancerDecider, servedHistory())
      .when(create(samplePolicy('p1'), [sampleRule('r1')]))
      .then([policyCreated(10, 'listener-1', samplePolicy('p1'), [sampleRule('r1')])]));

  it('appends a policy whose position is past the last', () =>
    given(loadBalancerDecider, withThree)
      .when(create(samplePolicy('p4', { position: 2147483647 })))
      .then([policyCreated(10, 'listener-1', samplePolicy('p4', { position: 4 }))]));

  it('inserts at a position and moves the policies from there down one, as Octavia does', () => {
    const history = [...withThree, policyCreated(10, 'listener-1', samplePolicy('p4', { position: 2 }))];
    expect(positions(history)).toEqual(['p1@1', 'p4@2', 'p2@3', 'p3@4']);
  });

  it('redirects to a pool of the same load balancer, with no code, URL or prefix', () =>
    given(loadBalancerDecider, servedHistory())
      .when(
        create(
          samplePolicy('p1', { action: 'REDIRECT_TO_POOL', redirectPoolId: 'pool-1', redirectHttpCode: 301, redirectUrl: 'http://x.test' }),
        ),
      )
      .then([policyCreated(10, 'listener-1', samplePolicy('p1', { action: 'REDIRECT_TO_POOL', redirectPoolId: 'pool-1' }))]));

  it.each([
    ['REDIRECT_TO_URL', { redirectUrl: 'https://www.lbaas.test/moved?x=1' }],
    ['REDIRECT_PREFIX', { redirectPrefix: 'https://www.lbaas.test' }],
  ] as const)("a %s gets Octavia's 302 when no code is given", (action, fields) =>
    given(loadBalancerDecider, servedHistory())
      .when(create(samplePolicy('p1', { action, ...fields })))
      .then([policyCreated(10, 'listener-1', samplePolicy('p1', { action, ...fields, redirectHttpCode: 302 }))]),
  );

  it.each([
    {
      desc: 'a REDIRECT_TO_POOL without a pool',
      p: { action: 'REDIRECT_TO_POOL' },
      words: 'redirect_pool_id or redirect_pool must not be None',
    },
    { desc: 'a REDIRECT_TO_URL without a URL', p: { action: 'REDIRECT_TO_URL' }, words: 'redirect_url must not be None' },
    { desc: 'a REDIRECT_PREFIX without a prefix', p: { action: 'REDIRECT_PREFIX' }, words: 'redirect_prefix must not be None' },
    { desc: 'a URL with a newline', p: { action: 'REDIRECT_TO_URL', redirectUrl: 'http://a.test/\nbind :1' }, words: 'Not a valid URL' },
    { desc: 'a URL with a quote', p: { action: 'REDIRECT_TO_URL', redirectUrl: 'http://a.test/"x' }, words: 'Not a valid URL' },
    { desc: 'a URL with a space', p: { action: 'REDIRECT_TO_URL', redirectUrl: 'http://a.test/ x' }, words: 'Not a valid URL' },
    { desc: 'a URL of another scheme', p: { action: 'REDIRECT_TO_URL', redirectUrl: 'ftp://a.test/' }, words: 'Not a valid URL' },
    { desc: 'a URL without a host', p: { action: 'REDIRECT_TO_URL', redirectUrl: 'http:///x' }, words: 'Not a valid URL' },
    { desc: 'a prefix with a query', p: { action: 'REDIRECT_PREFIX', redirectPrefix: 'http://a.test/?q' }, words: 'Not a valid URL' },
    { desc: 'a position of 0', p: { position: 0 }, words: "Invalid input for field/attribute position. Value: '0'" },
    { desc: 'a name too long', p: { name: 'n'.repeat(256) }, words: 'Invalid input for field/attribute name' },
  ] as const)('refuses $desc (400)', ({ p, words }) => {
    const error = refusalOf(servedHistory(), create(samplePolicy('p1', p as Partial<L7PolicyConfig>)));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toContain(words);
  });

  it('refuses a pool of another load balancer (404)', () =>
    given(loadBalancerDecider, servedHistory())
      .when(create(samplePolicy('p1', { action: 'REDIRECT_TO_POOL', redirectPoolId: 'pool-x' })))
      .thenThrows(NotFound, 'PoolNotFound'));

  it("refuses a pool the listener's protocol cannot send to", () => {
    const history = [...servedHistory(), poolCreated(7, samplePool('pool-tcp', { protocol: 'TCP' }))];
    const error = refusalOf(history, create(samplePolicy('p1', { action: 'REDIRECT_TO_POOL', redirectPoolId: 'pool-tcp' })));
    expect(error.message).toBe("Validation failure: The pool protocol 'TCP' is invalid while the listener protocol is 'HTTP'.");
  });

  it('refuses a policy on a TCP listener: HAProxy reads no requests there', () => {
    const history = [lbCreated(0), listenerCreated(1, sampleListener('l-tcp', 9000, { protocol: 'TCP' }))];
    const error = refusalOf(history, create(samplePolicy('p1'), [], 'l-tcp'));
    expect(error).toMatchObject({ neutronType: 'ProviderUnsupportedOptionError' });
    expect(error.message).toContain('L7 policies on TCP listeners');
  });

  it('refuses an id already taken (409) and an absent listener (404)', () => {
    given(loadBalancerDecider, withThree)
      .when(create(samplePolicy('p2')))
      .thenThrows(Conflict, 'IDAlreadyExists');
    given(loadBalancerDecider, servedHistory())
      .when(create(samplePolicy('p1'), [], 'listener-x'))
      .thenThrows(NotFound, 'ListenerNotFound');
  });

  it('refuses more than 50 rules (409)', () =>
    given(loadBalancerDecider, servedHistory())
      .when(
        create(
          samplePolicy('p1'),
          Array.from({ length: 51 }, (_, i) => sampleRule(`r${i}`)),
        ),
      )
      .thenThrows(Conflict, 'TooManyL7RulesOnL7Policy'));
});

describe('UpdateL7Policy', () => {
  it('moves a policy up and closes the gap it leaves', () => {
    given(loadBalancerDecider, withThree)
      .when(update({ position: 1 }, 'p3'))
      .then([policyUpdated(10, 'listener-1', samplePolicy('p3', { position: 1 }))]);
    expect(positions([...withThree, policyUpdated(10, 'listener-1', samplePolicy('p3', { position: 1 }))])).toEqual([
      'p3@1',
      'p1@2',
      'p2@3',
    ]);
  });

  it('moves a policy past the last to the last place', () =>
    given(loadBalancerDecider, withThree)
      .when(update({ position: 99 }, 'p1'))
      .then([policyUpdated(10, 'listener-1', samplePolicy('p1', { position: 3 }))]));

  it('a new URL without an action makes a REDIRECT_TO_URL, as Octavia reads a PUT', () =>
    given(loadBalancerDecider, withThree)
      .when(update({ redirectUrl: 'http://a.test/' }))
      .then([
        policyUpdated(
          10,
          'listener-1',
          samplePolicy('p1', { action: 'REDIRECT_TO_URL', redirectUrl: 'http://a.test/', redirectHttpCode: 302 }),
        ),
      ]));

  it('REJECT clears the redirect fields of the action it leaves', () => {
    const history = [
      ...servedHistory(),
      policyCreated(7, 'listener-1', samplePolicy('p1', { action: 'REDIRECT_TO_POOL', redirectPoolId: 'pool-1' })),
    ];
    given(loadBalancerDecider, history)
      .when(update({ action: 'REJECT' }))
      .then([policyUpdated(10, 'listener-1', samplePolicy('p1'))]);
  });

  it('refuses a pool and a URL in one change', () =>
    expect(refusalOf(withThree, update({ redirectPoolId: 'pool-1', redirectUrl: 'http://a.test/' })).message).toBe(
      'Invalid L7 Policy arguments: Cannot specify redirect_pool_id and redirect_url or redirect_prefix at the same time',
    ));

  it('appends nothing when nothing changes, and 404 for a policy that is not there', () => {
    given(loadBalancerDecider, withThree)
      .when(update({ name: 'p2', position: 2 }, 'p2'))
      .then([]);
    given(loadBalancerDecider, withThree)
      .when(update({ name: 'x' }, 'p9'))
      .thenThrows(NotFound, 'L7PolicyNotFound');
  });
});

describe('DeleteL7Policy', () => {
  it('deletes a policy and moves the ones after it up', () => {
    given(loadBalancerDecider, withThree)
      .when(remove('p1'))
      .then([policyDeleted(10, 'listener-1', 'p1')]);
    expect(positions([...withThree, policyDeleted(10, 'listener-1', 'p1')])).toEqual(['p2@1', 'p3@2']);
  });

  it('a deleted listener takes its policies and rules', () => {
    const history = [
      ...withThree,
      { type: 'ListenerDeleted', version: 1, data: { loadBalancerId: LB, listenerId: 'listener-1', at: at(10) } } as const,
    ];
    expect(loadBalancerDecider.views(state(history)).l7policies).toEqual([]);
  });

  it('a pool a policy redirects to cannot be deleted (409)', () => {
    const history = [
      ...servedHistory(),
      poolCreated(7, samplePool('pool-2')),
      policyCreated(8, 'listener-1', samplePolicy('p1', { action: 'REDIRECT_TO_POOL', redirectPoolId: 'pool-2' })),
    ];
    const error = refusalOf(history, { type: 'DeleteLbPool', data: { loadBalancerId: LB, poolId: 'pool-2', at: at(10) } });
    expect(error).toMatchObject({ kind: 'conflict', neutronType: 'PoolInUse' });
    expect(error.message).toBe('Pool pool-2 is in use by L7 Policy p1; change its redirect_pool_id first.');
  });
});

describe('L7 provisioning and views', () => {
  it('a policy is PENDING_CREATE with the load balancer until served, then ACTIVE; the listener lists it', () => {
    const history = [...withThree];
    const pending = loadBalancerDecider.views(state(history));
    expect(pending.l7policies?.map((p) => [p.id, p.provisioning_status, p.position, p.listener_id])).toEqual([
      ['p1', 'PENDING_CREATE', 1, 'listener-1'],
      ['p2', 'PENDING_CREATE', 2, 'listener-1'],
      ['p3', 'PENDING_CREATE', 3, 'listener-1'],
    ]);
    expect(pending.listeners?.[0].l7policies).toEqual([{ id: 'p1' }, { id: 'p2' }, { id: 'p3' }]);
    const served = loadBalancerDecider.views(state([...history, applied(11, 9)]));
    expect(served.l7policies?.map((p) => p.provisioning_status)).toEqual(['ACTIVE', 'ACTIVE', 'ACTIVE']);
    expect(served.loadbalancers?.[0].provisioning_status).toBe('ACTIVE');
  });
});
