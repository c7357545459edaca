import { ValidationError } from '@lbaas/domain';
import type { ListenerTreeBody } from '../http/octavia-schemas';
import { loadBalancerTree } from './load-balancer-tree';
import { NO_TLS } from './octavia-configs';

const ids = (): (() => string) => {
  let n = 0;
  return () => `id-${++n}`;
};
const none = () => ({});

describe("Octavia's single-call create as the aggregate takes it", () => {
  it('builds the single-call tree: pools by name, a whole default pool moved beside the others', () => {
    const tree = loadBalancerTree(
      [
        { protocol: 'HTTP', protocol_port: 80, default_pool: { name: 'web' } },
        { protocol: 'TCP', protocol_port: 8080, default_pool: { name: 'tcp', protocol: 'TCP', lb_algorithm: 'ROUND_ROBIN' } },
        { protocol: 'TCP', protocol_port: 9090 },
      ],
      [
        {
          name: 'web',
          protocol: 'HTTP',
          lb_algorithm: 'LEAST_CONNECTIONS',
          members: [{ address: '198.18.2.11', protocol_port: 80 }],
          healthmonitor: { type: 'HTTP', delay: 1, timeout: 1, max_retries: 1 },
        },
      ],
      ids(),
      () => ({ defaultTls: NO_TLS }),
      () => ({}),
    );
    const [web, tcp] = tree.pools;
    expect(tree.listeners.map((l) => [l.protocolPort, l.defaultPoolId])).toEqual([
      [80, web.pool.id],
      [8080, tcp.pool.id],
      [9090, null],
    ]);
    expect([web.listenerId, tcp.listenerId]).toEqual([tree.listeners[0].id, tree.listeners[1].id]);
    expect(web.members).toHaveLength(1);
    expect(web.monitor?.type).toBe('HTTP');
    expect(new Set([...tree.listeners.map((l) => l.id), ...tree.pools.map((p) => p.pool.id)]).size).toBe(5);
  });

  it.each([
    ['an unnamed pool', [], [{ protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' }], 'Pools must be named'],
    [
      'two pools of one name',
      [],
      [
        { name: 'a', protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' },
        { name: 'a', protocol: 'TCP', lb_algorithm: 'ROUND_ROBIN' },
      ],
      'Pool names must be unique',
    ],
    [
      'a reference to no pool',
      [{ protocol: 'HTTP', protocol_port: 80, default_pool: { name: 'ghost' } }],
      [],
      "Pool 'ghost' was referenced but no full definition was found.",
    ],
  ] as const)('refuses %s', (_desc, listeners, pools, message) => {
    expect(() =>
      loadBalancerTree(
        listeners as never,
        pools as never,
        ids(),
        () => ({}),
        () => ({}),
      ),
    ).toThrow(ValidationError);
    expect(() =>
      loadBalancerTree(
        listeners as never,
        pools as never,
        ids(),
        () => ({}),
        () => ({}),
      ),
    ).toThrow(message);
  });

  const withPolicies = (l7policies: ListenerTreeBody['l7policies']): ListenerTreeBody[] => [
    { protocol: 'HTTP', protocol_port: 80, default_pool: { name: 'web', protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' }, l7policies },
  ];

  it('resolves a redirect_pool by name to a pool of `pools` or a default pool, with the rules in order', () => {
    const tree = loadBalancerTree(
      withPolicies([
        {
          action: 'REDIRECT_TO_POOL',
          redirect_pool: { name: 'api' },
          rules: [
            { type: 'PATH', compare_type: 'STARTS_WITH', value: '/api' },
            { type: 'HOST_NAME', compare_type: 'EQUAL_TO', value: 'api.lbaas.test' },
          ],
        },
        { action: 'REDIRECT_TO_POOL', redirect_pool: { name: 'web' }, position: 1 },
        { action: 'REJECT' },
      ]),
      [{ name: 'api', protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' }],
      ids(),
      none,
      none,
    );
    const poolId = (name: string) => tree.pools.find((p) => p.pool.name === name)?.pool.id;
    expect(tree.l7policies.map((p) => [p.listenerId, p.l7policy.action, p.l7policy.redirectPoolId, p.l7policy.position])).toEqual([
      [tree.listeners[0].id, 'REDIRECT_TO_POOL', poolId('api'), 2147483647],
      [tree.listeners[0].id, 'REDIRECT_TO_POOL', poolId('web'), 1],
      [tree.listeners[0].id, 'REJECT', null, 2147483647],
    ]);
    expect(tree.l7policies[0].rules.map((r) => [r.type, r.value, r.invert, r.adminStateUp])).toEqual([
      ['PATH', '/api', false, true],
      ['HOST_NAME', 'api.lbaas.test', false, true],
    ]);
    const every = [
      tree.listeners[0].id,
      ...tree.pools.map((p) => p.pool.id),
      ...tree.l7policies.flatMap((p) => [p.l7policy.id, ...p.rules.map((r) => r.id)]),
    ];
    expect(new Set(every).size).toBe(every.length);
  });

  it("moves a whole redirect_pool beside the others; it is no listener's default pool", () => {
    const tree = loadBalancerTree(
      withPolicies([
        {
          action: 'REDIRECT_TO_POOL',
          redirect_pool: {
            name: 'api',
            protocol: 'HTTP',
            lb_algorithm: 'SOURCE_IP',
            members: [{ address: '198.18.2.20', protocol_port: 8080 }],
          },
        },
      ]),
      [],
      ids(),
      none,
      none,
    );
    const api = tree.pools.find((p) => p.pool.name === 'api');
    expect([api?.pool.lbAlgorithm, api?.listenerId, api?.members.length]).toEqual(['SOURCE_IP', null, 1]);
    expect(tree.l7policies[0].l7policy.redirectPoolId).toBe(api?.pool.id);
  });

  it.each([
    [
      'a redirect_pool naming no pool',
      [{ action: 'REDIRECT_TO_POOL', redirect_pool: { name: 'ghost' } }],
      "Pool 'ghost' was referenced but no full definition was found.",
    ],
    [
      'a whole redirect_pool named as the default pool',
      [{ action: 'REDIRECT_TO_POOL', redirect_pool: { name: 'web', protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' } }],
      'Pool names must be unique',
    ],
    [
      'a redirect_pool with a protocol but no algorithm',
      [{ action: 'REDIRECT_TO_POOL', redirect_pool: { name: 'x', protocol: 'HTTP' } }],
      "Pool 'x' was referenced",
    ],
  ] as const)('refuses %s', (_desc, l7policies, message) => {
    const build = () => loadBalancerTree(withPolicies(l7policies as unknown as ListenerTreeBody['l7policies']), [], ids(), none, none);
    expect(build).toThrow(ValidationError);
    expect(build).toThrow(message);
  });
});
