import { builtService, freePort, type ServiceProcess, spawnService, type Stack, startStack, waitFor } from '@lbaas/testing';
import { connect, type NatsConnection } from 'nats';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import {
  type FloatingIp,
  type HealthMonitor,
  type Member,
  type Network,
  NeutronApi,
  type Pool,
  type Subnet,
  type Vip,
} from '../acceptance/neutron-api';

/** Debian's chromium (scripts/install-deps.sh --test); playwright-core brings no browser of its own. */
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(__dirname, '..', 'artifacts');
const CLI = join(__dirname, '..', '..', 'apps', 'cli', 'dist', 'main.js');
const NODE_PREFIXES = ['node-a', 'node-b', 'node-c'];
/** node-a's agent declares this compute zone; the others none. */
const RACK = 'rack-a';

/**
 * The ops dashboard as an operator uses it: real nats-server, api, projections, scheduler and
 * three simulated compute nodes (`lbaas dev nodes`, the fake driver), the built dashboard, and
 * Debian's chromium driven through playwright-core. Everything the page shows arrives over its
 * server-sent event stream while the page stays loaded.
 */
describe('the ops dashboard in a real browser', () => {
  let stack: Stack;
  let dashboard: ServiceProcess;
  let scheduler: ServiceProcess;
  const nodes = new Map<string, ServiceProcess>();
  let dashboardUrl: string;
  let browser: Browser;
  let nc: NatsConnection;
  let demo: NeutronApi;
  let admin: NeutronApi;
  let adminPage: Page;
  let pool: Pool;
  let vip: Vip;
  let vipRequestId: string;

  const text = async (page: Page, selector: string): Promise<string> => ((await page.locator(selector).first().textContent()) ?? '').trim();
  const shows = (page: Page, what: string, selector: string, wanted: (content: string) => boolean = () => true): Promise<void> =>
    waitFor(what, async () => (await page.locator(selector).count()) > 0 && wanted(await text(page, selector)), 30_000, 100);
  /** Script errors and what the browser refused (a Content-Security-Policy violation, say) on the admin's page. */
  const adminPageProblems: string[] = [];
  const open = async (token: string, problems: string[] = []): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1100 } });
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      // A failed resource's text does not say which one; its location does.
      if (message.type() === 'error') problems.push(`${message.text()} ${message.location().url ?? ''}`.trim());
    });
    await page.goto(`${dashboardUrl}/?token=${token}`);
    return page;
  };
  const vipRow = (name: string) => `tr.vip[data-vip-name="${name}"]`;

  beforeAll(async () => {
    stack = await startStack();
    demo = new NeutronApi(stack.apiUrl, stack.tokens.demo.token);
    admin = demo.as(stack.tokens.admin.token);
    const tokensFile = join(stack.dir, 'dashboard-tokens.json');
    writeFileSync(tokensFile, JSON.stringify(stack.tokens), { mode: 0o600 });
    const port = await freePort();
    dashboardUrl = `http://127.0.0.1:${port}`;
    dashboard = spawnService('dashboard', builtService('dashboard'), {
      LBAAS_NATS_URL: stack.nats.url,
      LBAAS_HEALTH_HOST: '127.0.0.1',
      LBAAS_HEALTH_PORT: String(port),
      LBAAS_TOKENS_FILE: tokensFile,
    });
    scheduler = spawnService('scheduler', builtService('scheduler'), {
      LBAAS_NATS_URL: stack.nats.url,
      LBAAS_HEALTH_PORT: String(await freePort()),
      LBAAS_NODE_SILENCE_MS: '1500',
      LBAAS_LEASE_TTL_MS: '1500',
      LBAAS_SCHEDULER_SEED: '7',
    });
    for (const prefix of NODE_PREFIXES) {
      nodes.set(
        `${prefix}-1`,
        spawnService(prefix, CLI, { LBAAS_NATS_URL: stack.nats.url }, [
          'dev',
          'nodes',
          '--count',
          '1',
          '--prefix',
          prefix,
          '--heartbeat-ms',
          '300',
          ...(prefix === 'node-a' ? ['--zone', RACK] : []),
        ]),
      );
    }
    await waitFor(
      'the dashboard to be ready',
      async () => (await fetch(`${dashboardUrl}/readyz`).catch(() => null))?.ok === true,
      60_000,
      100,
    );
    nc = await connect({ servers: stack.nats.url });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await nc?.close();
    await Promise.all([dashboard, scheduler, ...nodes.values()].filter(Boolean).map((p) => p.stop()));
    await stack?.stop();
  }, 60_000);

  it('refuses an unknown token with the sign-in form', async () => {
    const page = await open('not-a-token-of-the-api');
    await shows(page, 'the sign-in form with its reason', '#login-error', (t) => t.includes('not accepted'));
    expect(await page.locator('#content').textContent()).toBe('');
    await page.close();
  });

  it('shows pools, members, monitors, VIPs, floating IPs and nodes as the api creates them, without a reload', async () => {
    adminPage = await open(stack.tokens.admin.token, adminPageProblems);
    await shows(adminPage, 'the live stream', '#connection', (t) => t === 'live');
    await shows(adminPage, 'three live compute nodes', '#nodes', () => true);
    await waitFor(
      'three nodes UP',
      async () => (await adminPage.locator('#nodes tr.node .liveness', { hasText: 'UP' }).count()) === 3,
      30_000,
      100,
    );
    // A reload would lose this; it must survive everything below.
    await adminPage.locator('body').evaluate((body) => body.setAttribute('data-loaded-once', 'yes'));

    const network = await demo.create<Network>('/v2.0/networks', 'network', { name: 'dashnet' });
    const subnet = await demo.create<Subnet>('/v2.0/subnets', 'subnet', { network_id: network.id, cidr: '198.18.6.0/24', ip_version: 4 });
    pool = await demo.create<Pool>('/v2.0/lb/pools', 'pool', {
      name: 'web',
      subnet_id: subnet.id,
      protocol: 'HTTP',
      lb_method: 'LEAST_CONNECTIONS',
    });
    await shows(
      adminPage,
      'the pool with its lb method',
      `article.pool[data-pool-name="web"] .lb-method`,
      (t) => t === 'LEAST_CONNECTIONS',
    );
    const hostile = '<img src=x onerror="document.body.dataset.owned=1">';
    await demo.create<Pool>('/v2.0/lb/pools', 'pool', { name: hostile, subnet_id: subnet.id, protocol: 'TCP', lb_method: 'SOURCE_IP' });
    await waitFor(
      'the hostile name shown as text',
      async () => (await adminPage.locator('article.pool h3', { hasText: hostile }).count()) === 1,
      30_000,
      100,
    );
    expect(await adminPage.locator('article.pool img').count()).toBe(0);
    expect(await adminPage.locator('body').getAttribute('data-owned')).toBeNull();

    const members = [
      await demo.create<Member>('/v2.0/lb/members', 'member', { pool_id: pool.id, address: '198.18.6.11', protocol_port: 80, weight: 3 }),
      await demo.create<Member>('/v2.0/lb/members', 'member', { pool_id: pool.id, address: '198.18.6.12', protocol_port: 80 }),
    ];
    for (const member of members) {
      const row = `article.pool[data-pool-name="web"] tr.member[data-address="${member.address}"]`;
      await shows(adminPage, `member ${member.address} with its weight`, `${row} .weight`, (t) => t === String(member.weight));
      expect(await text(adminPage, `${row} .health`)).toBe(member.status);
    }

    const monitor = await demo.create<HealthMonitor>('/v2.0/lb/health_monitors', 'health_monitor', {
      type: 'HTTP',
      delay: 5,
      timeout: 3,
      max_retries: 2,
    });
    expect((await demo.post(`/v2.0/lb/pools/${pool.id}/health_monitors`, { health_monitor: { id: monitor.id } })).status).toBe(201);
    await shows(
      adminPage,
      'the monitor in the monitors table',
      `#monitors tr.object[data-object-id="${monitor.id}"]`,
      (t) => t.includes('HTTP') && t.includes('web'),
    );
    await shows(adminPage, 'the monitor on the pool', 'article.pool[data-pool-name="web"] .monitor-chip', (t) => t === 'HTTP every 5s');

    const created = await demo.post<{ vip: Vip }>('/v2.0/lb/vips', {
      vip: { name: 'web-vip', subnet_id: subnet.id, protocol: 'HTTP', protocol_port: 80, pool_id: pool.id },
    });
    expect(created.status).toBe(201);
    vip = created.body.vip;
    vipRequestId = created.headers.get('x-openstack-request-id') ?? '';
    expect(vipRequestId).not.toBe('');
    await shows(adminPage, 'the VIP with its address', `${vipRow('web-vip')} .address`, (t) => t.startsWith(`${vip.address}:80`));
    await shows(adminPage, 'the VIP on an active node', `${vipRow('web-vip')} .active-node`, (t) => nodes.has(t));
    await shows(adminPage, 'the VIP on a standby node', `${vipRow('web-vip')} .standby-node`, (t) => nodes.has(t));
    expect(await text(adminPage, `${vipRow('web-vip')} .active-node`)).not.toBe(
      await text(adminPage, `${vipRow('web-vip')} .standby-node`),
    );
    await waitFor(
      'one active and one standby placement counted on the nodes',
      async () =>
        (await adminPage.locator('#nodes td.load-active', { hasText: '1' }).count()) === 1 &&
        (await adminPage.locator('#nodes td.load-standby', { hasText: '1' }).count()) === 1,
      30_000,
      100,
    );

    const publicNet = await admin.create<Network>('/v2.0/networks', 'network', { name: 'Public', 'router:external': true, shared: true });
    await admin.create<Subnet>('/v2.0/subnets', 'subnet', { network_id: publicNet.id, cidr: '198.19.6.0/24', ip_version: 4 });
    const floating = await demo.create<FloatingIp>('/v2.0/floatingips', 'floatingip', {
      floating_network_id: publicNet.id,
      port_id: vip.port_id,
    });
    await shows(adminPage, 'the floating IP on the VIP', `${vipRow('web-vip')} .floating-ip`, (t) => t === floating.floating_ip_address);

    expect(await adminPage.locator('body').getAttribute('data-loaded-once')).toBe('yes');
  });

  it('charts the pool stats samples the node agents publish', async () => {
    const chart = (label: string) => `article.pool[data-pool-name="web"] figure.chart[data-chart="${label}"]`;
    expect(await adminPage.locator(chart('Requests')).getAttribute('data-points')).toBe('0');
    const samples = [
      { totalConnections: 100, activeConnections: 4 },
      { totalConnections: 160, activeConnections: 9 },
      { totalConnections: 230, activeConnections: 6 },
    ];
    for (const [n, sample] of samples.entries()) {
      nc.publish(`lbaas.stats.pool.${pool.id}`, JSON.stringify({ poolId: pool.id, bytesIn: 1000 * n, bytesOut: 5000 * n, ...sample }));
      await nc.flush();
      await waitFor(
        `sample ${n + 1} charted`,
        async () => (await adminPage.locator(chart('Active connections')).getAttribute('data-points')) === String(n + 1),
        30_000,
        50,
      );
    }
    expect(await text(adminPage, `${chart('Active connections')} figcaption`)).toBe('Active connections: 6.0');
    expect(await adminPage.locator(chart('Requests')).getAttribute('data-points')).toBe('2');
    expect(await adminPage.locator(`${chart('Requests')} polyline`).getAttribute('points')).toMatch(
      /^\d+(\.\d)?,\d+(\.\d)? \d+(\.\d)?,\d+(\.\d)?$/,
    );
  });

  it('opens the timeline of a VIP with every event that shaped it, and shows a failover as it happens', async () => {
    await adminPage.locator(vipRow('web-vip')).click();
    await shows(adminPage, 'the timeline of the VIP', '#timeline h2', (t) => t === 'Timeline of VIP web-vip');
    await waitFor(
      'the VIP saga and its placement in the timeline',
      async () => {
        const types = await adminPage.locator('#timeline tr.event').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-type')));
        return [
          'PoolVipBound',
          'SubnetAddressAllocated',
          'PortCreated',
          'VipCreated',
          'ServiceInstanceCreated',
          'InstancePlaced',
          'FloatingIpCreated',
        ].every((type) => types.includes(type));
      },
      30_000,
      100,
    );
    const vipCreated = adminPage.locator('#timeline tr.event[data-type="VipCreated"]');
    expect(await vipCreated.locator('.correlation-id').textContent()).toBe(vipRequestId);
    expect(await vipCreated.locator('.actor').textContent()).toBe('demo');
    expect(await vipCreated.locator('.time').textContent()).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} UTC$/);

    const active = await text(adminPage, `${vipRow('web-vip')} .active-node`);
    const standby = await text(adminPage, `${vipRow('web-vip')} .standby-node`);
    await nodes.get(active)?.kill();
    await shows(adminPage, 'the standby promoted to active', `${vipRow('web-vip')} .active-node`, (t) => t === standby);
    await shows(adminPage, 'the failover in the open timeline', '#timeline tr.event[data-type="InstanceFailedOver"]');
    await shows(adminPage, 'the lost node', `#nodes tr.node[data-node="${active}"] .liveness`, (t) => t.startsWith('LOST'));
    await shows(
      adminPage,
      'a new standby on the third node',
      `${vipRow('web-vip')} .standby-node`,
      (t) => nodes.has(t) && t !== active && t !== standby,
    );

    mkdirSync(ARTIFACTS, { recursive: true });
    await adminPage.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });
  });

  it('opens the timeline of a member from its row', async () => {
    await adminPage.locator('article.pool[data-pool-name="web"] tr.member[data-address="198.18.6.11"]').click();
    await shows(adminPage, 'the member timeline', '#timeline h2', (t) => t === 'Timeline of member 198.18.6.11:80');
    // The heading comes with the panel; its events with the timeline's answer, a moment later.
    await shows(adminPage, "the member's events", '#timeline tr.event');
    const types = await adminPage.locator('#timeline tr.event').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-type')));
    expect(types).toEqual(['MemberAdded']);
  });

  it('filters by tenant and searches by name or id, with an empty state when nothing matches', async () => {
    const picker = adminPage.locator('#tenant-filter');
    expect(await picker.isVisible()).toBe(true);
    await picker.selectOption(stack.tokens.demo.tenant_id);
    await shows(adminPage, "the demo tenant's VIP", vipRow('web-vip'));

    await adminPage.locator('#search').fill(pool.id.slice(0, 13));
    // The web pool shows before the search is applied too: wait for the others to go.
    await waitFor('only the pool found by id', async () => (await adminPage.locator('article.pool').count()) === 1, 30_000, 100);
    expect(await adminPage.locator('article.pool[data-pool-name="web"]').count()).toBe(1);

    await adminPage.locator('#search').fill('no-such-load-balancer');
    await shows(adminPage, 'the empty state of a search', '#empty-state', (t) => t === 'Nothing matches “no-such-load-balancer”.');
    expect(await adminPage.locator('tr.vip').count()).toBe(0);

    await adminPage.locator('#search').fill('');
    await picker.selectOption('');
    await shows(adminPage, 'everything again', vipRow('web-vip'));
    expect(adminPageProblems).toEqual([]);
  });

  it('shows a tenant only its own objects, without nodes or placements, and an empty page to another tenant', async () => {
    const demoPage = await open(stack.tokens.demo.token);
    await shows(demoPage, "the demo tenant's VIP", vipRow('web-vip'));
    expect(await demoPage.locator('#tenant-filter').isVisible()).toBe(false);
    expect(await demoPage.locator('#nodes').count()).toBe(0);
    expect(await demoPage.locator(`${vipRow('web-vip')} .active-node`).count()).toBe(0);
    await demoPage.locator(vipRow('web-vip')).click();
    await shows(demoPage, 'the VIP timeline without the service instance', '#timeline tr.event[data-type="VipCreated"]');
    expect(await demoPage.locator('#timeline tr.event[data-type="InstanceFailedOver"]').count()).toBe(0);
    await demoPage.close();

    const otherPage = await open(stack.tokens.other.token);
    await shows(otherPage, 'the empty state of a tenant with nothing', '#empty-state', (t) => t.startsWith('No load balancers here yet'));
    expect(await otherPage.locator('tr.vip').count()).toBe(0);
    expect(await otherPage.locator('article.pool').count()).toBe(0);
    await otherPage.close();
  });

  it("shows each project's quota use and, to administrators, the zones with their nodes and load balancers", async () => {
    const octavia = new NeutronApi(stack.octaviaUrl, stack.tokens.admin.token);
    expect((await octavia.put(`/v2/lbaas/quotas/${stack.tokens.demo.tenant_id}`, { quota: { loadbalancer: 4 } })).status).toBe(202);
    const quota = (project: string, resource: string) =>
      `#quotas tr.project-quota[data-project="${project}"] td[data-resource="${resource}"]`;
    await shows(adminPage, "the demo project's own limit", quota(stack.tokens.demo.tenant_id, 'loadbalancer'), (t) => t === '0 / 4');
    const profile = await octavia.create<{ id: string }>('/v2/lbaas/availabilityzoneprofiles', 'availability_zone_profile', {
      name: 'rack-a',
      provider_name: 'lbaas',
      availability_zone_data: JSON.stringify({ compute_zone: RACK }),
    });
    await octavia.create('/v2/lbaas/availabilityzones', 'availability_zone', { name: 'az-a', availability_zone_profile_id: profile.id });
    const zone = '#zones article.zone[data-zone="az-a"]';
    await shows(adminPage, 'the zone with its compute zone', `${zone} .compute-zone`, (t) => t === `compute zone ${RACK}`);
    expect(await adminPage.locator(`${zone} .zone-node`).evaluateAll((chips) => chips.map((c) => c.getAttribute('data-node')))).toEqual([
      'node-a-1',
    ]);
    expect(await text(adminPage, `#nodes tr.node[data-node="node-a-1"] .zone`)).toBe(RACK);

    const network = await admin.create<Network>('/v2.0/networks', 'network', { name: 'zoned' });
    const subnet = await admin.create<Subnet>('/v2.0/subnets', 'subnet', { network_id: network.id, cidr: '198.18.7.0/24', ip_version: 4 });
    await octavia.create('/v2/lbaas/loadbalancers', 'loadbalancer', { name: 'zoned', vip_subnet_id: subnet.id, availability_zone: 'az-a' });
    await shows(adminPage, 'the load balancer in its zone', `${zone} tr.zone-loadbalancer[data-load-balancer-name="zoned"]`);
    await shows(adminPage, "the admin project's usage", quota(stack.tokens.admin.tenant_id, 'loadbalancer'), (t) => t === '1 / ∞');

    const demoPage = await open(stack.tokens.demo.token);
    await shows(demoPage, 'its own quota', quota(stack.tokens.demo.tenant_id, 'loadbalancer'), (t) => t === '0 / 4');
    expect(await demoPage.locator('#quotas tr.project-quota').count()).toBe(1);
    expect(await demoPage.locator('#zones').count()).toBe(0);
    await demoPage.close();
  });

  it('stops cleanly on SIGTERM with a page open, and the page says it lost the connection', async () => {
    await dashboard.stop();
    expect(dashboard.running()).toBe(false);
    expect(dashboard.logs()).toContain('dashboard stopped');
    await shows(adminPage, 'the lost connection', '#error-banner', (t) => t.startsWith('Connection to the dashboard lost'));
    expect(await text(adminPage, '#connection')).toBe('reconnecting');
    expect(await adminPage.locator(vipRow('web-vip')).count()).toBe(1);
  });
});
