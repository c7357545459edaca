import { type Stack, startStack } from '@lbaas/testing';
import { randomUUID } from 'node:crypto';
import { NeutronApi } from './neutron-api';

/**
 * Octavia's v2 API on its own port of the api process, black-box over HTTP against the built
 * services: every object's create, show, list, update and delete, the single-call create, the
 * status tree, cascade delete, Octavia's error format, its policy, and its list queries. What the
 * data plane does with the objects (ACTIVE, traffic) is other specs'; this one asserts what the
 * api itself answers.
 */

type Obj = Record<string, unknown> & { id: string };
const POLICY = 'Policy does not allow this request to be performed.';
const fault = (faultstring: string | RegExp) => ({
  faultcode: 'Client',
  faultstring: typeof faultstring === 'string' ? faultstring : expect.stringMatching(faultstring),
  debuginfo: null,
});

describe('the Octavia v2 API', () => {
  let stack: Stack;
  let v2: NeutronApi;
  let other: NeutronApi;
  let admin: NeutronApi;
  let neutron: NeutronApi;
  let subnet: Obj;
  let network: Obj;
  let projectId: string;

  const ok = async <B>(reply: Promise<{ status: number; body: B; text: string }>, status = 200): Promise<B> => {
    const r = await reply;
    if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${r.text}`);
    return r.body;
  };
  const createLb = async (body: Record<string, unknown> = {}): Promise<Obj> =>
    (await ok(v2.post<{ loadbalancer: Obj }>('/v2/lbaas/loadbalancers', { loadbalancer: { vip_subnet_id: subnet.id, ...body } }), 201))
      .loadbalancer;

  beforeAll(async () => {
    stack = await startStack();
    const { lbdemo, lbother } = stack.tokens;
    projectId = lbdemo.tenant_id;
    v2 = new NeutronApi(stack.octaviaUrl, lbdemo.token);
    other = v2.as(lbother.token);
    admin = v2.as(stack.tokens.admin.token);
    neutron = new NeutronApi(stack.apiUrl, lbdemo.token);
    network = (await ok(neutron.post<{ network: Obj }>('/v2.0/networks', { network: { name: 'octavia' } }), 201)).network;
    subnet = (await ok(neutron.post<{ subnet: Obj }>('/v2.0/subnets', { subnet: { network_id: network.id, cidr: '198.18.40.0/24' } }), 201))
      .subnet;
  });
  afterAll(() => stack?.stop());

  describe('its own port and format', () => {
    it('serves the version document at /', async () => {
      const { body } = await v2.as(null).get<{ versions: { id: string; status: string; links: { href: string }[] }[] }>('/');
      expect(body.versions).toHaveLength(27);
      expect(body.versions.at(-1)).toMatchObject({ id: 'v2.26', status: 'CURRENT', links: [{ href: `${stack.octaviaUrl}/v2` }] });
    });

    it('never answers a Neutron body on the v2 port, nor a v2 body on the Neutron port', async () => {
      expect((await v2.get('/v2.0/lb/pools')).body).toEqual(fault(/could not be found/));
      const onNeutron = await neutron.get<{ NeutronError: unknown }>('/v2/lbaas/loadbalancers');
      expect(onNeutron.status).toBe(404);
      expect(onNeutron.body.NeutronError).toBeDefined();
    });

    it.each([
      ['no token', null, 'GET', '/v2/lbaas/loadbalancers', 401, /./],
      ['only member', 'demo', 'GET', '/v2/lbaas/loadbalancers', 403, POLICY],
      ['only member, writing', 'demo', 'POST', '/v2/lbaas/loadbalancers', 403, POLICY],
      ['a reader', 'reader', 'GET', '/v2.0/lbaas/pools', 403, POLICY],
      ['an unknown path', 'lbdemo', 'GET', '/v2/lbaas/nothing', 404, /could not be found/],
      ['a method the path lacks', 'lbdemo', 'DELETE', '/v2/lbaas/loadbalancers', 405, /not allowed.*GET, POST/],
      ['a missing object', 'lbdemo', 'GET', `/v2/lbaas/pools/${randomUUID()}`, 404, /^Pool .* not found\.$/],
    ])('answers %s in Octavia’s format', async (_desc, who, method, path, status, faultstring) => {
      const tokens: Record<string, string | null> = { demo: stack.tokens.demo.token, reader: stack.tokens.reader.token, lbdemo: null };
      const api = who === null ? v2.as(null) : who === 'lbdemo' ? v2 : v2.as(tokens[who] ?? null);
      const reply = await api.request(method, path, method === 'POST' ? { json: { loadbalancer: { vip_subnet_id: subnet.id } } } : {});
      expect({ status: reply.status, body: reply.body }).toEqual({ status, body: fault(faultstring) });
    });

    it('refuses unknown attributes by name and bodies over 1 MiB', async () => {
      expect((await v2.post('/v2/lbaas/loadbalancers', { loadbalancer: { vip_subnet_id: subnet.id, colour: 'red' } })).body).toEqual(
        fault('Unknown attribute for argument loadbalancer: colour'),
      );
      const big = await v2.request('POST', '/v2/lbaas/loadbalancers', {
        raw: JSON.stringify({ loadbalancer: { name: 'x'.repeat(1_100_000) } }),
      });
      expect({ status: big.status, body: big.body }).toEqual({ status: 413, body: fault(/larger than the limit/) });
    });
  });

  describe('objects', () => {
    let lb: Obj;
    let listener: Obj;
    let pool: Obj;
    let member: Obj;
    let monitor: Obj;

    it('creates a load balancer with its VIP port from the subnet, and shows, lists and updates it', async () => {
      lb = await createLb({ name: 'web', tags: ['blue'] });
      expect(lb).toMatchObject({
        name: 'web',
        project_id: projectId,
        vip_subnet_id: subnet.id,
        vip_network_id: network.id,
        provider: 'lbaas',
        tags: ['blue'],
      });
      expect(lb.vip_address).toMatch(/^198\.18\.40\./);
      expect(['PENDING_CREATE', 'ACTIVE']).toContain(lb.provisioning_status);
      const port = (await ok(neutron.get<{ port: Obj }>(`/v2.0/ports/${String(lb.vip_port_id)}`))).port;
      expect(port).toMatchObject({ device_owner: 'Octavia', device_id: lb.id, name: `octavia-lb-${lb.id}` });
      expect((await ok(v2.get<{ loadbalancer: Obj }>(`/v2.0/lbaas/loadbalancers/${lb.id}`))).loadbalancer.id).toBe(lb.id);
      expect((await ok(v2.get<{ loadbalancers: Obj[] }>('/v2/lbaas/loadbalancers'))).loadbalancers.map((l) => l.id)).toContain(lb.id);
      const updated = (await ok(v2.put<{ loadbalancer: Obj }>(`/v2/lbaas/loadbalancers/${lb.id}`, { loadbalancer: { name: 'web2' } })))
        .loadbalancer;
      expect(updated.name).toBe('web2');
    });

    it('creates, shows, lists and updates a listener, a pool, a member and a health monitor', async () => {
      listener = (
        await ok(
          v2.post<{ listener: Obj }>('/v2/lbaas/listeners', { listener: { loadbalancer_id: lb.id, protocol: 'HTTP', protocol_port: 80 } }),
          201,
        )
      ).listener;
      expect(listener).toMatchObject({ protocol: 'HTTP', protocol_port: 80, connection_limit: -1, loadbalancers: [{ id: lb.id }] });
      pool = (
        await ok(
          v2.post<{ pool: Obj }>('/v2/lbaas/pools', { pool: { listener_id: listener.id, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' } }),
          201,
        )
      ).pool;
      expect(pool).toMatchObject({ listeners: [{ id: listener.id }], loadbalancers: [{ id: lb.id }] });
      member = (
        await ok(
          v2.post<{ member: Obj }>(`/v2/lbaas/pools/${pool.id}/members`, { member: { address: '198.18.2.11', protocol_port: 80 } }),
          201,
        )
      ).member;
      expect(member).toMatchObject({ address: '198.18.2.11', protocol_port: 80, weight: 1 });
      monitor = (
        await ok(
          v2.post<{ healthmonitor: Obj }>('/v2/lbaas/healthmonitors', {
            healthmonitor: { pool_id: pool.id, type: 'HTTP', delay: 5, timeout: 3, max_retries: 3 },
          }),
          201,
        )
      ).healthmonitor;
      expect(monitor).toMatchObject({ type: 'HTTP', url_path: '/', pools: [{ id: pool.id }] });
      expect((await ok(v2.get<{ listener: Obj }>(`/v2/lbaas/listeners/${listener.id}`))).listener.default_pool_id).toBe(pool.id);
      expect((await ok(v2.get<{ members: Obj[] }>(`/v2/lbaas/pools/${pool.id}/members`))).members.map((m) => m.id)).toEqual([member.id]);
      expect((await ok(v2.get<{ healthmonitors: Obj[] }>('/v2/lbaas/healthmonitors'))).healthmonitors.map((m) => m.id)).toContain(
        monitor.id,
      );
      expect(
        (await ok(v2.put<{ listener: Obj }>(`/v2/lbaas/listeners/${listener.id}`, { listener: { connection_limit: 100 } }))).listener
          .connection_limit,
      ).toBe(100);
      expect(
        (await ok(v2.put<{ pool: Obj }>(`/v2/lbaas/pools/${pool.id}`, { pool: { lb_algorithm: 'LEAST_CONNECTIONS' } }))).pool.lb_algorithm,
      ).toBe('LEAST_CONNECTIONS');
      expect(
        (await ok(v2.put<{ member: Obj }>(`/v2/lbaas/pools/${pool.id}/members/${member.id}`, { member: { weight: 5 } }))).member.weight,
      ).toBe(5);
      expect(
        (await ok(v2.put<{ healthmonitor: Obj }>(`/v2/lbaas/healthmonitors/${monitor.id}`, { healthmonitor: { delay: 7 } }))).healthmonitor
          .delay,
      ).toBe(7);
      expect((await ok(v2.get<{ stats: Obj }>(`/v2/lbaas/listeners/${listener.id}/stats`))).stats).toMatchObject({
        bytes_in: expect.any(Number),
      });
      expect((await ok(v2.get<{ stats: Obj }>(`/v2/lbaas/loadbalancers/${lb.id}/stats`))).stats).toMatchObject({
        total_connections: expect.any(Number),
      });
    });

    it('replaces members in one call (202), keeping the others with additive_only', async () => {
      await ok(
        v2.put(`/v2/lbaas/pools/${pool.id}/members?additive_only=true`, { members: [{ address: '198.18.2.12', protocol_port: 80 }] }),
        202,
      );
      const addresses = async () =>
        (await ok(v2.get<{ members: Obj[] }>(`/v2/lbaas/pools/${pool.id}/members`))).members.map((m) => m.address).sort();
      expect(await addresses()).toEqual(['198.18.2.11', '198.18.2.12']);
      await ok(v2.put(`/v2/lbaas/pools/${pool.id}/members`, { members: [{ address: '198.18.2.13', protocol_port: 80 }] }), 202);
      expect(await addresses()).toEqual(['198.18.2.13']);
      member = (await ok(v2.get<{ members: Obj[] }>(`/v2/lbaas/pools/${pool.id}/members`))).members[0];
    });

    it('shows the status tree', async () => {
      const tree = (
        await ok(
          v2.get<{
            statuses: { loadbalancer: Obj & { listeners: (Obj & { pools: (Obj & { members: Obj[]; health_monitor: Obj })[] })[] } };
          }>(`/v2/lbaas/loadbalancers/${lb.id}/status`),
        )
      ).statuses.loadbalancer;
      expect(tree).toMatchObject({
        id: lb.id,
        name: 'web2',
        provisioning_status: expect.any(String),
        operating_status: expect.any(String),
      });
      expect(tree.listeners.map((l) => l.id)).toEqual([listener.id]);
      expect(tree.listeners[0].pools.map((p) => p.id)).toEqual([pool.id]);
      expect(tree.listeners[0].pools[0].members.map((m) => m.id)).toEqual([member.id]);
      expect(tree.listeners[0].pools[0].health_monitor).toMatchObject({ id: monitor.id, type: 'HTTP' });
    });

    it("answers another project's objects with 403 and leaves them out of its lists", async () => {
      for (const [method, path] of [
        ['GET', `/v2/lbaas/loadbalancers/${lb.id}`],
        ['PUT', `/v2/lbaas/loadbalancers/${lb.id}`],
        ['DELETE', `/v2/lbaas/listeners/${listener.id}`],
        ['GET', `/v2/lbaas/pools/${pool.id}/members`],
        ['GET', `/v2/lbaas/loadbalancers/${lb.id}/status`],
      ]) {
        const reply = await other.request(method, path, method === 'PUT' ? { json: { loadbalancer: { name: 'x' } } } : {});
        expect({ path, status: reply.status, body: reply.body }).toEqual({ path, status: 403, body: fault(POLICY) });
      }
      expect((await ok(other.get<{ loadbalancers: Obj[] }>('/v2/lbaas/loadbalancers'))).loadbalancers.map((l) => l.id)).not.toContain(
        lb.id,
      );
      expect((await ok(admin.get<{ loadbalancers: Obj[] }>('/v2/lbaas/loadbalancers'))).loadbalancers.map((l) => l.id)).toContain(lb.id);
    });

    it('deletes a member, a monitor, a listener and a pool (204), then refuses the load balancer without cascade', async () => {
      await ok(v2.request('DELETE', `/v2/lbaas/pools/${pool.id}/members/${member.id}`), 204);
      await ok(v2.request('DELETE', `/v2/lbaas/healthmonitors/${monitor.id}`), 204);
      const second = (
        await ok(
          v2.post<{ listener: Obj }>('/v2/lbaas/listeners', { listener: { loadbalancer_id: lb.id, protocol: 'TCP', protocol_port: 8080 } }),
          201,
        )
      ).listener;
      await ok(v2.request('DELETE', `/v2/lbaas/listeners/${second.id}`), 204);
      const spare = (
        await ok(
          v2.post<{ pool: Obj }>('/v2/lbaas/pools', { pool: { loadbalancer_id: lb.id, protocol: 'TCP', lb_algorithm: 'ROUND_ROBIN' } }),
          201,
        )
      ).pool;
      await ok(v2.request('DELETE', `/v2/lbaas/pools/${spare.id}`), 204);
      expect((await v2.get(`/v2/lbaas/pools/${spare.id}`)).body).toEqual(fault(`Pool ${spare.id} not found.`));
      expect((await v2.get(`/v2/lbaas/listeners/${second.id}`)).body).toEqual(fault(`Listener ${second.id} not found.`));
      expect((await v2.request('DELETE', `/v2/lbaas/loadbalancers/${lb.id}`)).status).toBe(400);
    });

    it('deletes the load balancer with cascade, and its VIP port and address with it', async () => {
      await ok(v2.request('DELETE', `/v2/lbaas/loadbalancers/${lb.id}?cascade=true`), 204);
      expect((await v2.get(`/v2/lbaas/loadbalancers/${lb.id}`)).status).toBe(404);
      expect((await v2.get(`/v2/lbaas/pools/${pool.id}`)).status).toBe(404);
      expect((await neutron.get(`/v2.0/ports/${String(lb.vip_port_id)}`)).status).toBe(404);
      const again = await createLb({ vip_address: lb.vip_address });
      expect(again.vip_address).toBe(lb.vip_address);
      await ok(v2.request('DELETE', `/v2/lbaas/loadbalancers/${again.id}`), 204);
    });
  });

  it('creates a load balancer with listeners, pools, members and a monitor in one call', async () => {
    const lb = await createLb({
      vip_subnet_id: undefined,
      vip_network_id: network.id,
      listeners: [
        { protocol: 'HTTP', protocol_port: 80, default_pool: { name: 'web' } },
        { protocol: 'TCP', protocol_port: 8080, default_pool: { name: 'tcp', protocol: 'TCP', lb_algorithm: 'SOURCE_IP' } },
      ],
      pools: [
        {
          name: 'web',
          protocol: 'HTTP',
          lb_algorithm: 'ROUND_ROBIN',
          members: [
            { address: '198.18.2.11', protocol_port: 80 },
            { address: '198.18.2.12', protocol_port: 80 },
          ],
          healthmonitor: { type: 'HTTP', delay: 2, timeout: 1, max_retries: 2 },
        },
      ],
    });
    expect(lb.listeners).toHaveLength(2);
    expect(lb.pools).toHaveLength(2);
    const tree = (
      await ok(
        v2.get<{ statuses: { loadbalancer: { listeners: { pools: { members: unknown[]; health_monitor?: unknown }[] }[] } } }>(
          `/v2/lbaas/loadbalancers/${lb.id}/status`,
        ),
      )
    ).statuses.loadbalancer;
    expect(tree.listeners.map((l) => l.pools[0].members.length).sort()).toEqual([0, 2]);
    await ok(v2.request('DELETE', `/v2/lbaas/loadbalancers/${lb.id}?cascade=true`), 204);
  });

  describe('L7 policies created with their load balancer or listener', () => {
    type Policy = Obj & { rules: { id: string }[] };
    const policiesOf = async (listenerId: string): Promise<Policy[]> =>
      (await ok(v2.get<{ l7policies: Policy[] }>(`/v2/lbaas/l7policies?listener_id=${listenerId}`))).l7policies.sort(
        (a, b) => Number(a.position) - Number(b.position),
      );
    const childrenOf = async (lb: Obj, collection: 'pools' | 'listeners'): Promise<Obj[]> => {
      const singular = collection === 'pools' ? 'pool' : 'listener';
      const ids = (lb[collection] as { id: string }[]).map((c) => c.id);
      return Promise.all(ids.map(async (id) => (await ok(v2.get<Record<string, Obj>>(`/v2/lbaas/${collection}/${id}`)))[singular]));
    };
    const rulesOf = async (policyId: string): Promise<Obj[]> =>
      (await ok(v2.get<{ rules: Obj[] }>(`/v2/lbaas/l7policies/${policyId}/rules`))).rules;
    const countOf = async (collection: string): Promise<number> =>
      (await ok(v2.get<Record<string, unknown[]>>(`/v2/lbaas/${collection}?fields=id`)))[collection].length;

    it('creates policies with their rules in the single-call create, a redirect_pool by name or whole', async () => {
      const lb = await createLb({
        listeners: [
          {
            protocol: 'HTTP',
            protocol_port: 80,
            default_pool: { name: 'web' },
            l7policies: [
              {
                name: 'to-api',
                action: 'REDIRECT_TO_POOL',
                redirect_pool: {
                  name: 'api',
                  protocol: 'HTTP',
                  lb_algorithm: 'ROUND_ROBIN',
                  members: [{ address: '198.18.2.21', protocol_port: 8080 }],
                },
                rules: [
                  { type: 'PATH', compare_type: 'STARTS_WITH', value: '/api' },
                  { type: 'HOST_NAME', compare_type: 'REGEX', value: '^api[0-9]*\\.lbaas\\.test$' },
                ],
              },
              { name: 'block', action: 'REJECT', rules: [{ type: 'HEADER', key: 'X-Block', compare_type: 'EQUAL_TO', value: 'yes' }] },
              { name: 'moved', action: 'REDIRECT_PREFIX', redirect_prefix: 'https://www.lbaas.test', redirect_http_code: 301, position: 1 },
              { name: 'back-to-web', action: 'REDIRECT_TO_POOL', redirect_pool: { name: 'web' } },
            ],
          },
        ],
        pools: [{ name: 'web', protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' }],
      });
      const pools = new Map((await childrenOf(lb, 'pools')).map((p) => [String(p.name), p]));
      expect([...pools.keys()].sort()).toEqual(['api', 'web']);
      const [listener] = await childrenOf(lb, 'listeners');
      const policies = await policiesOf(listener.id);
      expect(policies.map((p) => [p.name, p.position, p.action, p.redirect_pool_id ?? null, p.redirect_http_code ?? null])).toEqual([
        ['moved', 1, 'REDIRECT_PREFIX', null, 301],
        ['to-api', 2, 'REDIRECT_TO_POOL', pools.get('api')?.id, null],
        ['block', 3, 'REJECT', null, null],
        ['back-to-web', 4, 'REDIRECT_TO_POOL', pools.get('web')?.id, null],
      ]);
      // One commit: the rules share created_at, so the list's order between them is the ids'.
      expect((await rulesOf(policies[1].id)).map((r) => [r.type, r.compare_type, r.value]).sort()).toEqual([
        ['HOST_NAME', 'REGEX', '^api[0-9]*\\.lbaas\\.test$'],
        ['PATH', 'STARTS_WITH', '/api'],
      ]);
      expect((await rulesOf(policies[2].id)).map((r) => [r.type, r.key, r.value])).toEqual([['HEADER', 'X-Block', 'yes']]);
      expect(listener.l7policies).toEqual(expect.arrayContaining(policies.map((p) => ({ id: p.id }))));
      // The pool a policy redirects to is in use.
      const inUse = await v2.request('DELETE', `/v2/lbaas/pools/${String(pools.get('api')?.id)}`);
      expect(inUse.status).toBe(409);
      await ok(v2.request('DELETE', `/v2/lbaas/loadbalancers/${lb.id}?cascade=true`), 204);
    });

    it.each([
      [
        'a redirect_pool naming no pool',
        { action: 'REDIRECT_TO_POOL', redirect_pool: { name: 'ghost' } },
        "Validation failure: Pool 'ghost' was referenced but no full definition was found.",
      ],
      [
        'a redirect_pool_id, which a pool of the same call cannot have yet',
        { action: 'REDIRECT_TO_POOL', redirect_pool_id: randomUUID() },
        'Unknown attribute for argument loadbalancer: listeners.0.l7policies.0.redirect_pool_id',
      ],
      [
        'a regular expression HAProxy cannot compile',
        { action: 'REJECT', rules: [{ type: 'PATH', compare_type: 'REGEX', value: '(abc' }] },
        /^Error parsing L7Rule: Unable to parse regular expression: missing closing parenthesis/,
      ],
      [
        'a rule the separate create refuses',
        { action: 'REJECT', rules: [{ type: 'HEADER', compare_type: 'EQUAL_TO', value: 'x' }] },
        /key/,
      ],
      ['a REDIRECT_TO_POOL without a pool', { action: 'REDIRECT_TO_POOL' }, /redirect_pool_id or redirect_pool must not be None/],
    ])('refuses the whole create for %s (400), creating nothing', async (_desc, policy, faultstring) => {
      const before = await Promise.all(['loadbalancers', 'listeners', 'pools', 'l7policies'].map(countOf));
      const reply = await v2.post('/v2/lbaas/loadbalancers', {
        loadbalancer: {
          vip_subnet_id: subnet.id,
          listeners: [{ protocol: 'HTTP', protocol_port: 80, default_pool: { name: 'web' }, l7policies: [policy] }],
          pools: [{ name: 'web', protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' }],
        },
      });
      expect({ status: reply.status, body: reply.body }).toEqual({ status: 400, body: fault(faultstring) });
      expect(await Promise.all(['loadbalancers', 'listeners', 'pools', 'l7policies'].map(countOf))).toEqual(before);
    });

    it('creates a listener with its policies and their rules in one call', async () => {
      const lb = await createLb({ pools: [{ name: 'api', protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' }] });
      const [pool] = await childrenOf(lb, 'pools');
      const listener = (
        await ok(
          v2.post<{ listener: Obj }>('/v2/lbaas/listeners', {
            listener: {
              loadbalancer_id: lb.id,
              protocol: 'HTTP',
              protocol_port: 8000,
              l7policies: [
                {
                  action: 'REDIRECT_TO_POOL',
                  redirect_pool_id: pool.id,
                  rules: [{ type: 'PATH', compare_type: 'EQUAL_TO', value: '/v1' }],
                },
                { action: 'REDIRECT_TO_URL', redirect_url: 'https://www.lbaas.test/', position: 1 },
              ],
            },
          }),
          201,
        )
      ).listener;
      const policies = await policiesOf(listener.id);
      expect(policies.map((p) => [p.action, p.position, p.redirect_pool_id ?? null, p.rules.length])).toEqual([
        ['REDIRECT_TO_URL', 1, null, 0],
        ['REDIRECT_TO_POOL', 2, pool.id, 1],
      ]);
      expect(listener.l7policies).toEqual(expect.arrayContaining(policies.map((p) => ({ id: p.id }))));
      const onTcp = await v2.post('/v2/lbaas/listeners', {
        listener: { loadbalancer_id: lb.id, protocol: 'TCP', protocol_port: 8001, l7policies: [{ action: 'REJECT' }] },
      });
      expect(onTcp.status).toBe(400);
      const shown = (await ok(v2.get<{ loadbalancer: Obj }>(`/v2/lbaas/loadbalancers/${lb.id}`))).loadbalancer;
      expect(shown.listeners).toEqual([{ id: listener.id }]);
      await ok(v2.request('DELETE', `/v2/lbaas/loadbalancers/${lb.id}?cascade=true`), 204);
    });
  });

  it('refuses TLS versions with a hole at the API, saying why, and takes a contiguous range in any order', async () => {
    const lb = await createLb();
    const pool = (versions: string[]) =>
      v2.post<{ pool: Obj }>('/v2/lbaas/pools', {
        pool: { loadbalancer_id: lb.id, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN', tls_enabled: true, tls_versions: versions },
      });
    const holed = await pool(['TLSv1', 'TLSv1.2']);
    expect({ status: holed.status, body: holed.body }).toEqual({
      status: 400,
      body: fault(
        "Provider 'lbaas' does not support a requested option: tls_versions TLSv1, TLSv1.2 (HAProxy serves a contiguous range of TLS versions)",
      ),
    });
    const made = (await ok(pool(['TLSv1.3', 'TLSv1.2']), 201)).pool;
    const update = await v2.put(`/v2/lbaas/pools/${made.id}`, { pool: { tls_versions: ['SSLv3', 'TLSv1.3'] } });
    expect({ status: update.status, body: update.body }).toEqual({
      status: 400,
      body: fault(/tls_versions SSLv3, TLSv1\.3 \(HAProxy serves/),
    });
    await ok(v2.request('DELETE', `/v2/lbaas/loadbalancers/${lb.id}?cascade=true`), 204);
  });

  it('pages, sorts, projects and filters by tags', async () => {
    const made = [
      await createLb({ name: 'pg-a', tags: ['pg', 'x'] }),
      await createLb({ name: 'pg-b', tags: ['pg'] }),
      await createLb({ name: 'pg-c', tags: ['pg', 'y'] }),
    ];
    const first = await ok(
      v2.get<{ loadbalancers: Obj[]; loadbalancers_links: { rel: string; href: string }[] }>(
        '/v2/lbaas/loadbalancers?tags=pg&sort=name:desc&limit=2',
      ),
    );
    expect(first.loadbalancers.map((l) => l.name)).toEqual(['pg-c', 'pg-b']);
    const next = first.loadbalancers_links.find((l) => l.rel === 'next')?.href ?? '';
    expect(next.startsWith(stack.octaviaUrl)).toBe(true);
    const second = await ok(v2.get<{ loadbalancers: Obj[] }>(next.slice(stack.octaviaUrl.length)));
    expect(second.loadbalancers.map((l) => l.name)).toEqual(['pg-a']);
    expect(
      (await ok(v2.get<{ loadbalancers: Obj[] }>('/v2/lbaas/loadbalancers?tags-any=x,y&fields=name&sort_key=name'))).loadbalancers,
    ).toEqual([{ name: 'pg-a' }, { name: 'pg-c' }]);
    expect(
      (await ok(v2.get<{ loadbalancers: Obj[] }>('/v2/lbaas/loadbalancers?tags=pg&not-tags-any=x,y&fields=name'))).loadbalancers,
    ).toEqual([{ name: 'pg-b' }]);
    expect(
      (await ok(v2.get<{ loadbalancers: Obj[] }>(`/v2/lbaas/loadbalancers?name=pg-b&project_id=${projectId}&fields=id`))).loadbalancers,
    ).toEqual([{ id: made[1].id }]);
    for (const lb of made) await ok(v2.request('DELETE', `/v2/lbaas/loadbalancers/${lb.id}`), 204);
  });

  it('lists the provider, honestly, and the amphorae for an admin only', async () => {
    const { providers } = await ok(v2.get<{ providers: { name: string; description: string }[] }>('/v2/lbaas/providers'));
    expect(providers).toEqual([{ name: 'lbaas', description: expect.stringContaining('Not supported') }]);
    expect((await ok(admin.get<{ amphorae: unknown[] }>('/v2/octavia/amphorae'))).amphorae).toEqual(expect.any(Array));
    expect((await v2.get('/v2/octavia/amphorae')).body).toEqual(fault(POLICY));
  });
});
