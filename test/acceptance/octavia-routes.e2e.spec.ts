import { type Stack, startStack } from '@lbaas/testing';
import fc from 'fast-check';
import { absentId, NeutronApi, type Reply } from './neutron-api';

/**
 * Tenant isolation, roles and hostile bodies on every route of Octavia's v2 port, walked from
 * its own OpenAPI document (docs/openapi-octavia.json, served at /docs/openapi.json), so a new
 * v2 route is walked here without an edit and one whose path names an unknown kind fails loudly.
 * Octavia's answers: no or a bad token 401, a caller with only `member` 403 on every call,
 * another project's object 403, an absent one 404, operator routes 403 to members; hostile bodies
 * 400 (or 404 for the absent objects they name), never a 5xx; every refusal in the fault format,
 * and the state (every v2 list as admin and the event log's last sequence) unchanged.
 */

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
interface Route {
  readonly operationId: string;
  readonly method: Method;
  readonly path: string;
  readonly rule: string;
  readonly envelope?: string;
}
/** The operator's catalog: objects of no project, which every project reads or none but admins touch. */
const CATALOG = ['flavors', 'flavorprofiles', 'availabilityzones', 'availabilityzoneprofiles'] as const;
type Owned = 'loadbalancers' | 'listeners' | 'pools' | 'members' | 'healthmonitors' | 'l7policies' | 'rules';
type Kind = Owned | 'amphorae' | 'provider' | 'quotas' | (typeof CATALOG)[number];
type Estate = Record<Owned, string>;
const LISTS = ['loadbalancers', 'listeners', 'pools', 'healthmonitors', 'l7policies'] as const;
const POLICY = 'Policy does not allow this request to be performed.';
const ADMIN_ONLY =
  /^os_load-balancer_api:(amphora:|provider-flavor:|provider-availability-zone:|loadbalancer:put_failover|quota:(put|delete)|flavor-profile:|availability-zone-profile:|flavor:(post|put|delete)|availability-zone:(post|put|delete))/;

/** The kind of object `{param}` of `path` names: the collection just before it. */
function kindOf(path: string, param: string): Kind {
  const parts = path.split('/');
  const collection = parts[parts.indexOf(`{${param}}`) - 1];
  if (collection === 'providers') return 'provider';
  if (collection === 'quotas' || (CATALOG as readonly string[]).includes(collection)) return collection as Kind;
  if (collection === 'members' || collection === 'rules' || collection === 'amphorae' || (LISTS as readonly string[]).includes(collection))
    return collection as Kind;
  throw new Error(`${path}: no kind known for {${param}}`);
}

const isFault = (reply: Reply<unknown>): boolean => {
  const body = reply.body as { faultcode?: unknown; faultstring?: unknown; debuginfo?: unknown } | null;
  return typeof body?.faultstring === 'string' && (body.faultcode === 'Client' || body.faultcode === 'Server') && body.debuginfo === null;
};

describe('every v2 route: roles, tenant isolation and hostile bodies', () => {
  let stack: Stack;
  let routes: Route[];
  const api: Record<'demo' | 'other' | 'memberOnly' | 'admin' | 'none' | 'bogus', NeutronApi> = {} as never;
  let mine: Estate;
  let theirs: Estate;

  /** A request of `route` with each path parameter from `ids` (by kind), or an absent id. */
  const pathOf = (route: Route, ids: Partial<Record<Kind, string>>): string =>
    route.path.replace(/\{(\w+)\}/g, (_m, param: string) => ids[kindOf(route.path, param)] ?? absentId());
  const state = async (): Promise<unknown> => {
    const lists = await Promise.all(LISTS.map(async (kind) => (await api.admin.get(`/v2/lbaas/${kind}`)).text));
    const children = [mine, theirs].flatMap((e) => [`/v2/lbaas/pools/${e.pools}/members`, `/v2/lbaas/l7policies/${e.l7policies}/rules`]);
    const members = await Promise.all(children.map(async (path) => (await api.admin.get(path)).text));
    const ready = await new NeutronApi(stack.apiUrl, null).get<{ projections: { streamLastSeq: number } }>('/readyz');
    return { lists, members, seq: ready.body.projections.streamLastSeq };
  };
  const estate = async (caller: NeutronApi, token: string, third: number): Promise<Estate> => {
    const neutron = new NeutronApi(stack.apiUrl, token);
    const net = await neutron.create<{ id: string }>('/v2.0/networks', 'network', { name: `v2-walk-${third}` });
    const subnet = await neutron.create<{ id: string }>('/v2.0/subnets', 'subnet', { network_id: net.id, cidr: `198.18.${third}.0/24` });
    const lb = await caller.create<{ id: string }>('/v2/lbaas/loadbalancers', 'loadbalancer', {
      name: `walk-${third}`,
      vip_subnet_id: subnet.id,
      listeners: [{ name: 'web', protocol: 'HTTP', protocol_port: 80, default_pool: { name: 'web' } }],
      pools: [
        {
          name: 'web',
          protocol: 'HTTP',
          lb_algorithm: 'ROUND_ROBIN',
          members: [{ address: `198.18.${third}.11`, protocol_port: 80 }],
          healthmonitor: { type: 'HTTP', delay: 5, timeout: 3, max_retries: 3 },
        },
      ],
    });
    const one = async (path: string, key: string): Promise<string> => {
      const reply = await caller.get<Record<string, { id: string }[]>>(path);
      const first = reply.body?.[key]?.[0];
      if (!first) throw new Error(`${path}: ${reply.status} ${reply.text}`);
      return first.id;
    };
    const pools = await one(`/v2/lbaas/pools?loadbalancer_id=${lb.id}`, 'pools');
    const listeners = await one(`/v2/lbaas/listeners?loadbalancer_id=${lb.id}`, 'listeners');
    const l7policy = await caller.create<{ id: string }>('/v2/lbaas/l7policies', 'l7policy', {
      listener_id: listeners,
      action: 'REJECT',
      name: 'web',
      rules: [{ type: 'PATH', compare_type: 'STARTS_WITH', value: '/private' }],
    });
    return {
      loadbalancers: lb.id,
      l7policies: l7policy.id,
      rules: await one(`/v2/lbaas/l7policies/${l7policy.id}/rules`, 'rules'),
      listeners,
      pools,
      members: await one(`/v2/lbaas/pools/${pools}/members`, 'members'),
      healthmonitors: await one(`/v2/lbaas/healthmonitors?pool_id=${pools}`, 'healthmonitors'),
    };
  };

  beforeAll(async () => {
    stack = await startStack();
    const added = { lbdemo: stack.tokens.lbdemo, lbother: stack.tokens.lbother };
    api.demo = new NeutronApi(stack.octaviaUrl, added.lbdemo.token);
    api.other = api.demo.as(added.lbother.token);
    api.memberOnly = api.demo.as(stack.tokens.demo.token);
    api.admin = api.demo.as(stack.tokens.admin.token);
    api.none = api.demo.as(null);
    api.bogus = api.demo.as(`not-a-token-${absentId()}`);
    const doc = await api.none.get<{ paths: Record<string, Record<string, Record<string, unknown>>> }>('/docs/openapi.json');
    routes = Object.entries(doc.body.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => {
        const schema = (op.requestBody as { content?: Record<string, { schema?: { required?: string[] } }> } | undefined)?.content?.[
          'application/json'
        ]?.schema;
        return {
          operationId: String(op.operationId),
          method: method.toUpperCase() as Method,
          path,
          rule: String(op['x-policy-rule']),
          envelope: schema?.required?.[0],
        };
      }),
    );
    mine = await estate(api.demo, added.lbdemo.token, 81);
    theirs = await estate(api.other, added.lbother.token, 82);
  }, 180_000);

  afterAll(() => stack?.stop(), 60_000);

  it('walks every documented route, operator routes and every kind of object among them', () => {
    expect(routes.length).toBeGreaterThanOrEqual(38);
    expect(routes.filter((r) => ADMIN_ONLY.test(r.rule)).map((r) => r.operationId)).toEqual(
      expect.arrayContaining(['listAmphorae', 'failoverLoadBalancer', 'failoverAmphora']),
    );
    for (const route of routes) for (const [, param] of route.path.matchAll(/\{(\w+)\}/g)) expect(kindOf(route.path, param)).toBeDefined();
  });

  it('answers every route with 401 without a valid token, and 403 to a caller with only `member`', async () => {
    const before = await state();
    const wrong: unknown[] = [];
    for (const route of routes) {
      const path = pathOf(route, mine);
      const json = route.envelope ? { [route.envelope]: {} } : undefined;
      for (const [who, status] of [
        ['none', 401],
        ['bogus', 401],
        ['memberOnly', 403],
      ] as const) {
        const reply = await api[who].request(route.method, path, { json });
        if (reply.status !== status || !isFault(reply))
          wrong.push({ route: route.operationId, who, status: reply.status, text: reply.text });
      }
    }
    expect(wrong).toEqual([]);
    expect(await state()).toEqual(before);
  });

  it("answers another project's objects with 403 and absent ones with 404 on every route, and operator routes with 403", async () => {
    const before = await state();
    const wrong: unknown[] = [];
    for (const route of routes.filter((r) => r.path.includes('{'))) {
      // Bodies the schema takes, so that the object named in the path is the only reason to refuse.
      const body = !route.envelope
        ? undefined
        : route.envelope === 'members'
          ? { members: [] }
          : route.envelope === 'rule'
            ? { rule: route.method === 'POST' ? { type: 'PATH', compare_type: 'STARTS_WITH', value: '/x' } : {} }
            : { [route.envelope]: route.method === 'POST' ? { address: '198.18.83.11', protocol_port: 80 } : {} };
      const adminOnly = ADMIN_ONLY.test(route.rule);
      const ownQuota = { ...mine, quotas: stack.tokens.demo.tenant_id };
      const catalog = CATALOG.some((kind) => route.path.includes(`/${kind}/`));
      // A project's quota names the project: any other project is someone else's (Octavia answers defaults for an unknown one).
      // The catalog belongs to no project: an absent entry is the only refusal a reader can meet.
      const cases: [string, NeutronApi, string, number][] = adminOnly
        ? [['member on its own', api.demo, pathOf(route, ownQuota), 403]]
        : route.path.includes('/quotas/')
          ? [["another project's", api.other, pathOf(route, ownQuota), 403]]
          : catalog
            ? [['absent', api.demo, pathOf(route, {}), 404]]
            : [
                ["another project's", api.other, pathOf(route, { ...mine, provider: 'lbaas' }), 403],
                ['absent', api.demo, pathOf(route, { provider: 'lbaas' }), 404],
              ];
      for (const [what, caller, path, status] of cases) {
        const reply = await caller.request(route.method, path, { json: body });
        const words = status === 403 ? (reply.body as { faultstring?: string } | null)?.faultstring === POLICY : true;
        if (reply.status !== status || !isFault(reply) || !words)
          wrong.push({ route: route.operationId, what, status: reply.status, text: reply.text });
      }
    }
    expect(wrong).toEqual([]);
    expect(await state()).toEqual(before);
  });

  it("refuses references to another project's objects in bodies, and never lists them, whatever the filters", async () => {
    const before = await state();
    const references: [string, Record<string, unknown>][] = [
      ['/v2/lbaas/listeners', { listener: { loadbalancer_id: mine.loadbalancers, protocol: 'TCP', protocol_port: 81 } }],
      ['/v2/lbaas/pools', { pool: { loadbalancer_id: mine.loadbalancers, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' } }],
      ['/v2/lbaas/pools', { pool: { listener_id: mine.listeners, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' } }],
      ['/v2/lbaas/healthmonitors', { healthmonitor: { pool_id: mine.pools, type: 'TCP', delay: 5, timeout: 3, max_retries: 3 } }],
    ];
    for (const [path, body] of references) {
      const reply = await api.other.post(path, body);
      expect({ path, status: reply.status, fault: isFault(reply) }).toEqual({ path, status: 403, fault: true });
    }
    const leaks: unknown[] = [];
    for (const kind of LISTS) {
      for (const query of [
        '',
        `?id=${mine[kind]}`,
        `?project_id=${stack.tokens.demo.tenant_id}`,
        '?name=web',
        `?limit=1&marker=${mine[kind]}`,
      ]) {
        const reply = await api.other.get<Record<string, { id: string }[]>>(`/v2/lbaas/${kind}${query}`);
        if (reply.status >= 500 || (reply.body?.[kind] ?? []).some((row) => Object.values(mine).includes(row.id)))
          leaks.push({ kind, query, text: reply.text });
      }
    }
    expect(leaks).toEqual([]);
    expect(await state()).toEqual(before);
  });

  it('refuses hostile bodies on every route that takes one with a 4xx fault, never a 5xx, and changes nothing', async () => {
    const before = await state();
    const hostile = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.constantFrom("' OR 1=1 --", 'x\n    server evil 198.18.9.9:80', '\u0000\u202e', '%00', '{{7*7}}', 'a'.repeat(70_000)),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
    );
    const value = fc.oneof(
      { depthSize: 'small' },
      hostile,
      fc.array(hostile, { maxLength: 4 }),
      fc.dictionary(fc.string({ maxLength: 8 }), hostile),
    );
    const wrong: unknown[] = [];
    let sent = 0;
    for (const route of routes.filter((r) => r.envelope !== undefined)) {
      const field = fc.constantFrom(
        'name',
        'protocol',
        'protocol_port',
        'address',
        'lb_algorithm',
        'type',
        'delay',
        'weight',
        'vip_subnet_id',
        'tags',
        'members',
      );
      await fc.assert(
        fc.asyncProperty(fc.dictionary(field, value, { minKeys: 1, maxKeys: 4 }), fc.boolean(), async (fields, wrapped) => {
          sent++;
          // Every path id names nothing: a body the schema takes is then a 404, never a change.
          const body = wrapped ? { [route.envelope ?? '']: fields } : fields;
          const reply = await api.demo.request(route.method, pathOf(route, {}), { json: body });
          if (reply.status >= 500 || reply.status < 400 || !isFault(reply))
            wrong.push({ route: route.operationId, body, status: reply.status, text: reply.text.slice(0, 300) });
        }),
        { numRuns: 40, seed: 15 },
      );
    }
    for (const route of routes.filter((r) => r.path.includes('{id}'))) {
      const reply = await api.admin.request(route.method, route.path.replace(/\{(\w+)\}/g, "1' OR '1'='1"), {});
      if (![400, 404].includes(reply.status) || !isFault(reply))
        wrong.push({ route: route.operationId, status: reply.status, text: reply.text });
      sent++;
    }
    expect(sent).toBeGreaterThan(400);
    expect(wrong).toEqual([]);
    expect(await state()).toEqual(before);
  });
});
