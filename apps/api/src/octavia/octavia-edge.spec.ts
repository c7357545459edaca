import 'reflect-metadata';
import type { LoadBalancerCommand, LoadBalancerState, ResourceRows } from '@lbaas/domain';
import { TokenFileAuthenticator } from '@lbaas/identity';
import { ServiceMetrics } from '@lbaas/service-shell';
import type { ClientProxy } from '@nestjs/microservices';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { of } from 'rxjs';
import type { CommandRun } from '../commands/command-run';
import { CommandRuns } from '../commands/command-runs';
import { InMemoryEventStore } from '../commands/in-memory-event-store';
import { NetworkCommands } from '../commands/network-commands';
import type { RequestContext } from '../commands/request-context';
import { WriteProgress } from '../read-side';
import type { LoadBalancerStream } from './commands/loadbalancer-stream';
import { createOctaviaServer } from './http/octavia-server';
import { OctaviaModule } from './octavia.module';
import { OctaviaQueries } from './octavia-queries';

/**
 * The v2 edge over real HTTP on Fastify: the guard, pipes, controllers, commands and filter, with
 * the projections' client answering from fixtures and the load balancer's stream recording the
 * commands it is asked to decide (the aggregate's decisions are libs/domain's to test).
 */

const TOKENS = {
  lbmember: { token: 'lbmember-token-0123456789', tenant_id: 'project-a', roles: ['load-balancer_member'] },
  other: { token: 'other-token-0123456789', tenant_id: 'project-b', roles: ['load-balancer_member'] },
  member: { token: 'member-token-0123456789', tenant_id: 'project-a', roles: ['member'] },
  admin: { token: 'admin-token-0123456789', tenant_id: 'project-admin', roles: ['admin'] },
};
const LB_A = '0f4d3e4a-6c2b-4a51-9b7e-2d8c1f0a9b31';
const LISTENER_A = '1a2b3c4d-5e6f-4a70-8b91-a2b3c4d5e6f7';
const POOL_A = '2b3c4d5e-6f70-4a81-9ba2-b3c4d5e6f708';
const MEMBER_A = '3c4d5e6f-7081-4a92-aba3-c4d5e6f70819';
const MONITOR_A = '4d5e6f70-8192-4aa3-bbb4-d5e6f708192a';
const POLICY_A = '5e6f7081-92a3-4bb4-8cc5-e6f708192a3b';
const RULE_A = '6f708192-a3b4-4cc5-9dd6-f708192a3b4c';
const MISSING = '9e8d7c6b-5a49-4837-a261-504f3e2d1c0b';

const rows: Record<string, Record<string, Record<string, unknown>>> = {
  loadbalancers: { [LB_A]: { id: LB_A, project_id: 'project-a', name: 'web', provisioning_status: 'ACTIVE', operating_status: 'ONLINE' } },
  listeners: { [LISTENER_A]: { id: LISTENER_A, project_id: 'project-a', loadbalancers: [{ id: LB_A }], default_pool_id: POOL_A } },
  octavia_pools: { [POOL_A]: { id: POOL_A, project_id: 'project-a', loadbalancers: [{ id: LB_A }], listeners: [{ id: LISTENER_A }] } },
  octavia_members: { [MEMBER_A]: { id: MEMBER_A, project_id: 'project-a', pool_id: POOL_A } },
  octavia_healthmonitors: { [MONITOR_A]: { id: MONITOR_A, project_id: 'project-a', pools: [{ id: POOL_A }] } },
  l7policies: { [POLICY_A]: { id: POLICY_A, project_id: 'project-a', listener_id: LISTENER_A } },
  l7rules: { [RULE_A]: { id: RULE_A, project_id: 'project-a', l7policy_id: POLICY_A, type: 'PATH' } },
};

/** The projections' side of NATS request/reply: gets from the fixtures, lists recorded and answered empty. */
class FixtureQueries {
  readonly lists: Record<string, unknown>[] = [];
  readonly client = {
    send: (pattern: string, payload: Record<string, unknown>) => {
      if (pattern === 'lbaas.query.get') return of({ item: rows[String(payload.collection)]?.[String(payload.id)] ?? null });
      if (pattern === 'lbaas.query.list') {
        this.lists.push(payload);
        return of({ items: [{ id: 'a' }, { id: 'b' }], more: true });
      }
      return of({ stats: { bytes_in: 1, bytes_out: 2, active_connections: 3, total_connections: 4, request_errors: 0 } });
    },
    close: async () => undefined,
  } as unknown as ClientProxy;
}

/** Records what the edge asks the aggregate to decide; its "views" show every object the last command named. */
class RecordingStream implements LoadBalancerStream {
  readonly commands: { id: string; command: LoadBalancerCommand; tenantId: string }[] = [];
  state: LoadBalancerState = { kind: 'absent' };

  async execute(run: CommandRun, id: string, command: (state: LoadBalancerState) => LoadBalancerCommand | null) {
    const decided = command(this.state);
    if (decided !== null) this.commands.push({ id, command: decided, tenantId: run.ctx.tenantId });
    return { state: this.state, seq: 7, appended: decided !== null };
  }

  rows(): ResourceRows {
    const data = this.last().data as Record<string, unknown>;
    const nested = ['listener', 'pool', 'member', 'monitor', 'loadBalancer'].map((k) => (data[k] as { id?: string } | undefined)?.id);
    const named = ['listenerId', 'poolId', 'memberId', 'monitorId', 'loadBalancerId'].map((k) => data[k]);
    const shown = [...nested, ...named].filter((id): id is string => typeof id === 'string').map((id) => ({ id, shown: true }));
    return { loadbalancers: shown, listeners: shown, octavia_pools: shown, octavia_members: shown, octavia_healthmonitors: shown } as never;
  }

  last(): LoadBalancerCommand {
    const last = this.commands.at(-1);
    if (!last) throw new Error('no command');
    return last.command;
  }
}

describe('the Octavia v2 HTTP edge', () => {
  let dir: string;
  let app: NestFastifyApplication;
  let base: string;
  let queries: FixtureQueries;
  let stream: RecordingStream;
  let runs: CommandRuns;

  const call = async (method: string, path: string, who: keyof typeof TOKENS | null, body?: unknown) => {
    const headers: Record<string, string> = who ? { 'X-Auth-Token': TOKENS[who].token } : {};
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(`${base}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : null };
  };
  const fault = (faultstring: string | RegExp) => ({
    faultcode: 'Client',
    faultstring: typeof faultstring === 'string' ? faultstring : expect.stringMatching(faultstring),
    debuginfo: null,
  });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lbaas-octavia-edge-'));
    const tokens = join(dir, 'tokens.json');
    writeFileSync(tokens, JSON.stringify(TOKENS));
    queries = new FixtureQueries();
    stream = new RecordingStream();
    runs = new CommandRuns(new InMemoryEventStore());
    const progress = new WriteProgress();
    const shared = {
      runs,
      progress,
      queries: new OctaviaQueries(queries.client, progress),
      lookup: { memberPoolId: async () => null, floatingIpIdsOnPort: async () => [] },
      stream,
      quotaDefaults: { loadbalancer: -1, listener: -1, pool: -1, member: -1, healthmonitor: -1, l7policy: -1, l7rule: -1 },
      quotaReclaimGraceMs: 60_000,
    };
    const logger = pino({ level: 'silent' });
    app = await createOctaviaServer(OctaviaModule.forRoot(shared, new TokenFileAuthenticator(tokens), logger), {
      logger,
      metrics: new ServiceMetrics('octavia-edge-spec'),
    });
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the version document without a token', async () => {
    const { status, body } = await call('GET', '/', null);
    expect(status).toBe(200);
    expect((body?.versions as { id: string; status: string }[]).at(-1)).toMatchObject({ id: 'v2.26', status: 'CURRENT' });
  });

  it.each([
    ['no token', 'GET', '/v2/lbaas/loadbalancers', null, 401, /X-Auth-Token|Authentication/],
    ['only member', 'GET', '/v2/lbaas/loadbalancers', 'member', 403, 'Policy does not allow this request to be performed.'],
    ['only member, writing', 'POST', '/v2/lbaas/pools', 'member', 403, 'Policy does not allow this request to be performed.'],
    ['another project', 'GET', `/v2/lbaas/loadbalancers/${LB_A}`, 'other', 403, 'Policy does not allow this request to be performed.'],
    [
      'another project, deleting',
      'DELETE',
      `/v2.0/lbaas/listeners/${LISTENER_A}`,
      'other',
      403,
      'Policy does not allow this request to be performed.',
    ],
    [
      'a failover by a member',
      'PUT',
      `/v2/lbaas/loadbalancers/${LB_A}/failover`,
      'lbmember',
      403,
      'Policy does not allow this request to be performed.',
    ],
    ['a missing object', 'GET', `/v2/lbaas/loadbalancers/${MISSING}`, 'lbmember', 404, `Load Balancer ${MISSING} not found.`],
    ['an id that is no UUID', 'GET', '/v2/lbaas/healthmonitors/x', 'lbmember', 404, 'Health Monitor x not found.'],
    ['a member of another pool', 'GET', `/v2/lbaas/pools/${MISSING}/members/${MEMBER_A}`, 'lbmember', 404, `Pool ${MISSING} not found.`],
    ['an unknown path', 'GET', '/v2/lbaas/unknowns', 'lbmember', 404, 'The resource could not be found: /v2/lbaas/unknowns'],
    ['a method the path lacks', 'PATCH', '/v2/lbaas/pools', 'lbmember', 405, /PATCH is not allowed.*GET, POST/],
    ['a Neutron path', 'GET', '/v2.0/lb/pools', 'lbmember', 404, /could not be found/],
    ['an unknown attribute', 'POST', '/v2/lbaas/pools', 'lbmember', 400, 'Unknown attribute for argument pool: colour'],
    ['a bad sort direction', 'GET', '/v2/lbaas/pools?sort=name:up', 'lbmember', 400, "Supplied sort direction 'up' is not valid."],
    ['amphora stats', 'GET', `/v2/octavia/amphorae/${MISSING}/stats`, 'admin', 404, `Amphora ${MISSING} not found.`],
  ])('answers %s in Octavia’s format', async (_desc, method, path, who, status, faultstring) => {
    const body = method === 'POST' ? { pool: { protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN', colour: 'red' } } : undefined;
    const reply = await call(method, path, who as keyof typeof TOKENS | null, body);
    expect(reply).toEqual({ status, body: fault(faultstring) });
  });

  it('refuses a body over 1 MiB with 413', async () => {
    const reply = await call(
      'POST',
      '/v2/lbaas/loadbalancers',
      'lbmember',
      JSON.stringify({ loadbalancer: { name: 'x'.repeat(1_100_000) } }),
    );
    expect(reply).toEqual({ status: 413, body: fault(/larger than the limit/) });
  });

  it("lists the caller's project only, with Octavia's query and links", async () => {
    const reply = await call(
      'GET',
      '/v2/lbaas/loadbalancers?limit=2&sort=name:desc&fields=name&tags=a,b&not-tags-any=c&project_id=x',
      'lbmember',
    );
    expect(reply.status).toBe(200);
    expect(reply.body?.loadbalancers).toEqual([{}, {}]);
    expect(reply.body?.loadbalancers_links).toEqual([
      { rel: 'next', href: expect.stringMatching(/\/v2\/lbaas\/loadbalancers\?limit=2.*marker=b$/) },
    ]);
    expect(queries.lists.at(-1)).toMatchObject({
      collection: 'loadbalancers',
      tenantId: 'project-a',
      filters: { project_id: ['x'] },
      fields: ['name', 'id'],
      sort: [{ key: 'name', dir: 'desc' }],
      page: { limit: 2, marker: null, pageReverse: false },
      tags: { all: ['a', 'b'], any: [], notAll: [], notAny: ['c'] },
    });
  });

  it('lists every project for an admin, and a pool’s members in that pool', async () => {
    await call('GET', '/v2.0/lbaas/listeners', 'admin');
    expect(queries.lists.at(-1)).toMatchObject({ collection: 'listeners', tenantId: null });
    await call('GET', `/v2/lbaas/pools/${POOL_A}/members`, 'lbmember');
    expect(queries.lists.at(-1)).toMatchObject({ collection: 'octavia_members', filters: { pool_id: [POOL_A] } });
  });

  it("reaches a policy's rules by the policy in the path, a bad policy id its 404", async () => {
    await call('GET', `/v2.0/lbaas/l7policies/${POLICY_A}/rules/`, 'lbmember');
    expect(queries.lists.at(-1)).toMatchObject({ collection: 'l7rules', filters: { l7policy_id: [POLICY_A] } });
    expect(await call('GET', `/v2/lbaas/l7policies/${POLICY_A}/rules/${RULE_A}`, 'lbmember')).toEqual({
      status: 200,
      body: { rule: expect.objectContaining({ id: RULE_A, type: 'PATH' }) },
    });
    expect(await call('GET', `/v2/lbaas/l7policies/${MISSING}/rules/${RULE_A}`, 'lbmember')).toEqual({
      status: 404,
      body: fault(`L7 Policy ${MISSING} not found.`),
    });
    expect(await call('GET', '/v2/lbaas/l7policies/not-a-uuid/rules', 'lbmember')).toEqual({
      status: 404,
      body: fault('L7 Policy not-a-uuid not found.'),
    });
  });

  it('creates a listener on the load balancer of the body, in its project, and answers the new state (201)', async () => {
    const created = await call('POST', '/v2/lbaas/listeners', 'admin', {
      listener: { loadbalancer_id: LB_A, protocol: 'TCP', protocol_port: 8080 },
    });
    const command = stream.last();
    expect(command).toMatchObject({
      type: 'CreateListener',
      data: { loadBalancerId: LB_A, listener: { protocol: 'TCP', protocolPort: 8080 } },
    });
    // An admin writes in the owner's name.
    expect(stream.commands.at(-1)?.tenantId).toBe('project-a');
    const id = command.type === 'CreateListener' ? command.data.listener.id : '';
    expect(created).toEqual({ status: 201, body: { listener: { id, shown: true } } });
  });

  it.each([
    [
      'PUT',
      `/v2/lbaas/pools/${POOL_A}`,
      { pool: { lb_algorithm: 'SOURCE_IP' } },
      'UpdateLbPool',
      { poolId: POOL_A, changes: { lbAlgorithm: 'SOURCE_IP' } },
    ],
    ['DELETE', `/v2/lbaas/pools/${POOL_A}`, undefined, 'DeleteLbPool', { poolId: POOL_A }],
    [
      'POST',
      `/v2/lbaas/pools/${POOL_A}/members`,
      { member: { address: '198.18.2.11', protocol_port: 80 } },
      'CreateLbMember',
      { poolId: POOL_A },
    ],
    [
      'PUT',
      `/v2/lbaas/pools/${POOL_A}/members/${MEMBER_A}`,
      { member: { weight: 0 } },
      'UpdateLbMember',
      { memberId: MEMBER_A, changes: { weight: 0 } },
    ],
    [
      'PUT',
      `/v2/lbaas/pools/${POOL_A}/members?additive_only=true`,
      { members: [{ address: '198.18.2.12', protocol_port: 80 }] },
      'ReplaceLbMembers',
      { additiveOnly: true },
    ],
    ['DELETE', `/v2/lbaas/pools/${POOL_A}/members/${MEMBER_A}`, undefined, 'DeleteLbMember', { memberId: MEMBER_A }],
    [
      'POST',
      '/v2/lbaas/healthmonitors',
      { healthmonitor: { pool_id: POOL_A, type: 'TCP', delay: 2, timeout: 1, max_retries: 2 } },
      'CreateLbHealthMonitor',
      { poolId: POOL_A },
    ],
    [
      'PUT',
      `/v2/lbaas/healthmonitors/${MONITOR_A}`,
      { healthmonitor: { delay: 9 } },
      'UpdateLbHealthMonitor',
      { monitorId: MONITOR_A, changes: { delay: 9 } },
    ],
    ['DELETE', `/v2/lbaas/healthmonitors/${MONITOR_A}`, undefined, 'DeleteLbHealthMonitor', { monitorId: MONITOR_A }],
    ['PUT', `/v2/lbaas/listeners/${LISTENER_A}`, { listener: { connection_limit: 10 } }, 'UpdateListener', { listenerId: LISTENER_A }],
    ['DELETE', `/v2/lbaas/loadbalancers/${LB_A}?cascade=true`, undefined, 'DeleteLoadBalancer', { cascade: true }],
    [
      'PUT',
      `/v2/lbaas/loadbalancers/${LB_A}`,
      { loadbalancer: { name: 'new', tags: ['x'] } },
      'UpdateLoadBalancer',
      { changes: { name: 'new', tags: ['x'] } },
    ],
  ])('%s %s decides %s on the load balancer found from the read model', async (method, path, body, type, data) => {
    await call(method, path, 'lbmember', body);
    expect(stream.last()).toMatchObject({ type, data: { loadBalancerId: LB_A, ...data } });
  });

  it('answers 204 to a delete, 202 to a batch member update and a failover', async () => {
    expect((await call('DELETE', `/v2/lbaas/listeners/${LISTENER_A}`, 'lbmember')).status).toBe(204);
    expect((await call('PUT', `/v2/lbaas/pools/${POOL_A}/members`, 'lbmember', { members: [] })).status).toBe(202);
    expect((await call('PUT', `/v2/lbaas/loadbalancers/${LB_A}/failover`, 'admin')).status).toBe(202);
    expect(stream.last()).toMatchObject({ type: 'RequestLoadBalancerFailover', data: { loadBalancerId: LB_A } });
  });

  it('creates a load balancer on a subnet: the address, then the Octavia port, then one CreateLoadBalancer with the tree', async () => {
    const ctx: RequestContext = { tenantId: 'project-a', isAdmin: false, actor: 'lbmember', correlationId: 'c', idempotencyKey: null };
    const networks = new NetworkCommands(runs);
    const net = await networks.createNetwork(ctx, { name: 'n' });
    const subnet = await networks.createSubnet(ctx, { network_id: net.resource.id, cidr: '198.18.9.0/24' });
    await call('POST', '/v2/lbaas/loadbalancers', 'lbmember', {
      loadbalancer: {
        vip_network_id: net.resource.id,
        listeners: [
          {
            protocol: 'HTTP',
            protocol_port: 80,
            default_pool: {
              name: 'p',
              protocol: 'HTTP',
              lb_algorithm: 'ROUND_ROBIN',
              members: [{ address: '198.18.2.11', protocol_port: 80 }],
            },
          },
        ],
      },
    });
    const command = stream.last();
    expect(command).toMatchObject({
      type: 'CreateLoadBalancer',
      data: {
        loadBalancer: {
          projectId: 'project-a',
          provider: 'lbaas',
          vip: { subnetId: subnet.resource.id, networkId: net.resource.id, address: expect.stringMatching(/^198\.18\.9\./) },
        },
      },
    });
    if (command.type !== 'CreateLoadBalancer') throw new Error(command.type);
    expect(command.data.listeners[0].defaultPoolId).toBe(command.data.pools[0].pool.id);
    expect(command.data.pools[0].members).toHaveLength(1);
  });

  it('refuses a VIP without a subnet, network or port, and an unknown provider', async () => {
    expect(await call('POST', '/v2/lbaas/loadbalancers', 'lbmember', { loadbalancer: { name: 'x' } })).toEqual({
      status: 400,
      body: fault('VIP must contain one of: vip_port_id, vip_network_id, vip_subnet_id.'),
    });
    expect(
      await call('POST', '/v2/lbaas/loadbalancers', 'lbmember', { loadbalancer: { vip_subnet_id: MISSING, provider: 'amphora' } }),
    ).toEqual({
      status: 400,
      body: fault("Provider 'amphora' is not enabled."),
    });
    expect(await call('POST', '/v2/lbaas/loadbalancers', 'lbmember', { loadbalancer: { vip_subnet_id: MISSING } })).toEqual({
      status: 400,
      body: fault(`Subnet ${MISSING} not found.`),
    });
  });

  it('refuses a TLS reference to no certificate of the project', async () => {
    const reply = await call('POST', '/v2/lbaas/listeners', 'lbmember', {
      listener: {
        loadbalancer_id: LB_A,
        protocol: 'TERMINATED_HTTPS',
        protocol_port: 443,
        default_tls_container_ref: `https://barbican/v1/containers/${MISSING}`,
      },
    });
    expect(reply).toEqual({ status: 400, body: fault(`Could not retrieve certificate: https://barbican/v1/containers/${MISSING}`) });
  });

  it('shows stats, the provider, and a status tree', async () => {
    expect(await call('GET', `/v2/lbaas/listeners/${LISTENER_A}/stats`, 'lbmember')).toEqual({
      status: 200,
      body: { stats: { bytes_in: 1, bytes_out: 2, active_connections: 3, total_connections: 4, request_errors: 0 } },
    });
    const providers = await call('GET', '/v2/lbaas/providers', 'lbmember');
    expect(providers.body?.providers).toEqual([{ name: 'lbaas', description: expect.stringContaining('Not supported: UDP') }]);
    const tree = await call('GET', `/v2/lbaas/loadbalancers/${LB_A}/status`, 'lbmember');
    expect(tree.body).toMatchObject({
      statuses: { loadbalancer: { id: LB_A, provisioning_status: 'ACTIVE', operating_status: 'ONLINE' } },
    });
  });
});
