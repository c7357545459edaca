import { startStack } from '@lbaas/testing';
import {
  FloatingIp,
  HealthMonitor,
  MAC,
  Member,
  NeutronApi,
  Network,
  Pool,
  PoolStats,
  Port,
  Subnet,
  Vip,
  absentId,
  anUuid,
  expectNeutronError,
  inRange,
} from './neutron-api';

// Neutron v1 stores no status for a monitor of its own (it is shared by pools; each association has one).
const MONITOR_STATUS = 'ACTIVE';

/**
 * The workflow of the seed ("Load Balancer as a Service in Contrail", 2015) through real HTTP
 * against the built services: networks and subnets, a pool with two members, a health monitor
 * associated and disassociated, a VIP, a floating IP on the VIP's port, then the deletes in the
 * seed's order. Every body is compared field by field with Neutron's v1 shape and defaults.
 * The steps share state and run in order.
 */
describe('seed workflow (Neutron LBaaS v1)', () => {
  let stack: Awaited<ReturnType<typeof startStack>>;
  let demo: NeutronApi;
  let admin: NeutronApi;
  let other: NeutronApi;
  let demoTenant: string;
  let adminTenant: string;

  let vipNet: Network;
  let vipSubnet: Subnet;
  let poolNet: Network;
  let poolSubnet: Subnet;
  let publicNet: Network;
  let publicSubnet: Subnet;
  let pool: Pool;
  let members: Member[];
  let monitor: HealthMonitor;
  let vip: Vip;
  let floatingIp: FloatingIp;

  beforeAll(async () => {
    stack = await startStack();
    demo = new NeutronApi(stack.apiUrl, stack.tokens.demo.token);
    admin = demo.as(stack.tokens.admin.token);
    other = demo.as(stack.tokens.other.token);
    demoTenant = stack.tokens.demo.tenant_id;
    adminTenant = stack.tokens.admin.tenant_id;
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  const networkShape = (fields: Partial<Network>): Network => ({
    id: anUuid() as string,
    tenant_id: demoTenant,
    name: '',
    admin_state_up: true,
    status: 'ACTIVE',
    subnets: [],
    shared: false,
    'router:external': false,
    ...fields,
  });
  const subnetShape = (prefix: string, fields: Partial<Subnet>): Subnet => ({
    id: anUuid() as string,
    tenant_id: demoTenant,
    network_id: '',
    name: '',
    ip_version: 4,
    cidr: `${prefix}.0/24`,
    gateway_ip: `${prefix}.1`,
    allocation_pools: [{ start: `${prefix}.2`, end: `${prefix}.254` }],
    enable_dhcp: true,
    dns_nameservers: [],
    host_routes: [],
    ...fields,
  });

  /** Read-your-writes: the object a POST or PUT returned is what a GET right after it shows. */
  async function expectShown<R>(path: string, key: string, expected: R): Promise<void> {
    const reply = await demo.get<Record<string, R>>(path);
    expect({ status: reply.status, body: reply.body }).toEqual({ status: 200, body: { [key]: expected } });
  }

  async function expectGone(path: string, type: string): Promise<void> {
    expectNeutronError(await demo.get(path), 404, type);
  }

  describe('1. create the load balancer', () => {
    it('creates the VIP network and subnet (neutron net-create vipnet; subnet-create --name vipsubnet vipnet)', async () => {
      const net = await demo.post<{ network: Network }>('/v2.0/networks', { network: { name: 'vipnet' } });
      expect(net.status).toBe(201);
      expect(net.body).toEqual({ network: networkShape({ name: 'vipnet' }) });
      vipNet = net.body.network;
      await expectShown(`/v2.0/networks/${vipNet.id}`, 'network', vipNet);

      const sub = await demo.post<{ subnet: Subnet }>('/v2.0/subnets', {
        subnet: { name: 'vipsubnet', network_id: vipNet.id, cidr: '198.18.1.0/24', ip_version: 4 },
      });
      expect(sub.status).toBe(201);
      expect(sub.body).toEqual({ subnet: subnetShape('198.18.1', { name: 'vipsubnet', network_id: vipNet.id }) });
      vipSubnet = sub.body.subnet;
      await expectShown(`/v2.0/subnets/${vipSubnet.id}`, 'subnet', vipSubnet);
      vipNet = { ...vipNet, subnets: [vipSubnet.id] };
      await expectShown(`/v2.0/networks/${vipNet.id}`, 'network', vipNet);
    });

    it('creates the pool network and subnet', async () => {
      poolNet = await demo.create<Network>('/v2.0/networks', 'network', { name: 'poolnet' });
      expect(poolNet).toEqual(networkShape({ name: 'poolnet' }));
      poolSubnet = await demo.create<Subnet>('/v2.0/subnets', 'subnet', {
        name: 'poolsubnet',
        network_id: poolNet.id,
        cidr: '198.18.2.0/24',
        ip_version: 4,
      });
      expect(poolSubnet).toEqual(subnetShape('198.18.2', { name: 'poolsubnet', network_id: poolNet.id }));
      poolNet = { ...poolNet, subnets: [poolSubnet.id] };
      await expectShown(`/v2.0/networks/${poolNet.id}`, 'network', poolNet);
    });

    it('lets the admin create the external network Public, which every tenant sees', async () => {
      publicNet = await admin.create<Network>('/v2.0/networks', 'network', { name: 'Public', 'router:external': true });
      expect(publicNet).toEqual(networkShape({ name: 'Public', tenant_id: adminTenant, 'router:external': true }));
      publicSubnet = await admin.create<Subnet>('/v2.0/subnets', 'subnet', {
        name: 'public-subnet',
        network_id: publicNet.id,
        cidr: '198.19.0.0/24',
        ip_version: 4,
        enable_dhcp: false,
      });
      expect(publicSubnet).toEqual(
        subnetShape('198.19.0', { name: 'public-subnet', network_id: publicNet.id, tenant_id: adminTenant, enable_dhcp: false }),
      );
      publicNet = { ...publicNet, subnets: [publicSubnet.id] };

      // `neutron floatingip-create Public` resolves the name with a filtered list as the tenant.
      const byName = await demo.get<{ networks: Network[] }>('/v2.0/networks?name=Public');
      expect({ status: byName.status, body: byName.body }).toEqual({ status: 200, body: { networks: [publicNet] } });
    });

    it('creates an HTTP pool with ROUND_ROBIN on the pool subnet (lb-pool-create)', async () => {
      const reply = await demo.post<{ pool: Pool }>('/v2.0/lb/pools', {
        pool: { name: 'mypool', protocol: 'HTTP', lb_method: 'ROUND_ROBIN', subnet_id: poolSubnet.id },
      });
      expect(reply.status).toBe(201);
      expect(reply.body).toEqual({
        pool: {
          id: anUuid(),
          tenant_id: demoTenant,
          vip_id: null,
          name: 'mypool',
          description: '',
          subnet_id: poolSubnet.id,
          protocol: 'HTTP',
          lb_method: 'ROUND_ROBIN',
          health_monitors: [],
          health_monitors_status: [],
          members: [],
          admin_state_up: true,
          status: 'PENDING_CREATE',
          status_description: null,
          provider: 'haproxy',
        },
      });
      expect(reply.headers.get('x-openstack-request-id')).toMatch(/^req-[0-9a-f-]{36}$/);
      pool = reply.body.pool;
      await expectShown(`/v2.0/lb/pools/${pool.id}`, 'pool', pool);
    });

    it('adds two members on port 80 (lb-member-create)', async () => {
      members = [];
      for (const address of ['198.18.2.11', '198.18.2.12']) {
        const reply = await demo.post<{ member: Member }>('/v2.0/lb/members', {
          member: { pool_id: pool.id, address, protocol_port: 80 },
        });
        expect(reply.status).toBe(201);
        expect(reply.body).toEqual({
          member: {
            id: anUuid(),
            tenant_id: demoTenant,
            pool_id: pool.id,
            address,
            protocol_port: 80,
            weight: 1,
            admin_state_up: true,
            status: 'PENDING_CREATE',
            status_description: null,
          },
        });
        members.push(reply.body.member);
        await expectShown(`/v2.0/lb/members/${reply.body.member.id}`, 'member', reply.body.member);
      }
      const shown = await demo.get<{ pool: Pool }>(`/v2.0/lb/pools/${pool.id}`);
      expect([...shown.body.pool.members].sort()).toEqual(members.map((m) => m.id).sort());
      pool = shown.body.pool;

      const listed = await demo.get<{ members: Member[] }>(`/v2.0/lb/members?pool_id=${pool.id}`);
      expect(listed.status).toBe(200);
      expect([...listed.body.members].sort((a, b) => a.address.localeCompare(b.address))).toEqual(members);
    });

    it('creates an HTTP health monitor with delay 20, timeout 10, max_retries 3 (lb-healthmonitor-create)', async () => {
      const reply = await demo.post<{ health_monitor: HealthMonitor }>('/v2.0/lb/health_monitors', {
        health_monitor: { type: 'HTTP', delay: 20, timeout: 10, max_retries: 3 },
      });
      expect(reply.status).toBe(201);
      expect(reply.body).toEqual({
        health_monitor: {
          id: anUuid(),
          tenant_id: demoTenant,
          type: 'HTTP',
          delay: 20,
          timeout: 10,
          max_retries: 3,
          http_method: 'GET',
          url_path: '/',
          expected_codes: '200',
          admin_state_up: true,
          pools: [],
          status: MONITOR_STATUS,
          status_description: null,
        },
      });
      monitor = reply.body.health_monitor;
      await expectShown(`/v2.0/lb/health_monitors/${monitor.id}`, 'health_monitor', monitor);
    });

    it('associates the monitor with the pool (lb-healthmonitor-associate)', async () => {
      const reply = await demo.post<{ health_monitor: unknown }>(`/v2.0/lb/pools/${pool.id}/health_monitors`, {
        health_monitor: { id: monitor.id },
      });
      // Neutron's view keeps only the sub-resource's visible attributes of what the plugin returns: none.
      expect({ status: reply.status, body: reply.body }).toEqual({ status: 201, body: { health_monitor: {} } });

      pool = {
        ...pool,
        health_monitors: [monitor.id],
        health_monitors_status: [{ monitor_id: monitor.id, status: 'PENDING_CREATE', status_description: null }],
      };
      await expectShown(`/v2.0/lb/pools/${pool.id}`, 'pool', pool);
      await expectShown(`/v2.0/lb/health_monitors/${monitor.id}`, 'health_monitor', {
        ...monitor,
        pools: [{ pool_id: pool.id, status: 'PENDING_CREATE', status_description: null }],
      });
    });

    it('disassociates it again (lb-healthmonitor-disassociate)', async () => {
      const reply = await demo.delete(`/v2.0/lb/pools/${pool.id}/health_monitors/${monitor.id}`);
      expect(reply.status).toBe(204);
      expect(reply.text).toBe('');
      pool = { ...pool, health_monitors: [], health_monitors_status: [] };
      await expectShown(`/v2.0/lb/pools/${pool.id}`, 'pool', pool);
      await expectShown(`/v2.0/lb/health_monitors/${monitor.id}`, 'health_monitor', monitor);
    });

    it('creates a VIP on port 80 with its address allocated from the VIP subnet (lb-vip-create)', async () => {
      const reply = await demo.post<{ vip: Vip }>('/v2.0/lb/vips', {
        vip: { name: 'myvip', protocol_port: 80, protocol: 'HTTP', subnet_id: vipSubnet.id, pool_id: pool.id },
      });
      expect(reply.status).toBe(201);
      expect(reply.body).toEqual({
        vip: {
          id: anUuid(),
          tenant_id: demoTenant,
          name: 'myvip',
          description: '',
          subnet_id: vipSubnet.id,
          address: expect.any(String),
          port_id: anUuid(),
          protocol_port: 80,
          protocol: 'HTTP',
          pool_id: pool.id,
          session_persistence: null,
          connection_limit: -1,
          tls_certificate_id: null,
          admin_state_up: true,
          status: 'PENDING_CREATE',
          status_description: null,
        },
      });
      vip = reply.body.vip;
      const [allocation] = vipSubnet.allocation_pools;
      expect(inRange(vip.address, allocation.start, allocation.end)).toBe(true);
      // Like Neutron's IPAM: the first free address of the allocation pool.
      expect(vip.address).toBe('198.18.1.2');
      await expectShown(`/v2.0/lb/vips/${vip.id}`, 'vip', vip);

      pool = { ...pool, vip_id: vip.id };
      await expectShown(`/v2.0/lb/pools/${pool.id}`, 'pool', pool);
    });

    it("shows the VIP's port in /v2.0/ports, owned by the load balancer, holding the VIP address", async () => {
      const expectedPort = {
        id: vip.port_id,
        tenant_id: demoTenant,
        network_id: vipNet.id,
        name: `vip-${vip.id}`,
        admin_state_up: true,
        status: expect.stringMatching(/^(ACTIVE|DOWN)$/),
        mac_address: expect.stringMatching(MAC),
        fixed_ips: [{ subnet_id: vipSubnet.id, ip_address: vip.address }],
        device_id: vip.id,
        device_owner: 'neutron:LOADBALANCER',
      };
      const listed = await demo.get<{ ports: Port[] }>('/v2.0/ports');
      expect(listed.status).toBe(200);
      expect(listed.body.ports).toEqual([expectedPort]);
      await expectShown(`/v2.0/ports/${vip.port_id}`, 'port', listed.body.ports[0]);
      const byDevice = await demo.get<{ ports: Port[] }>(`/v2.0/ports?device_id=${vip.id}`);
      expect(byDevice.body).toEqual({ ports: [listed.body.ports[0]] });
    });

    it("allocates a floating IP on Public and associates it with the VIP's port (floatingip-create, -associate)", async () => {
      const created = await demo.post<{ floatingip: FloatingIp }>('/v2.0/floatingips', {
        floatingip: { floating_network_id: publicNet.id },
      });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        floatingip: {
          id: anUuid(),
          tenant_id: demoTenant,
          floating_network_id: publicNet.id,
          floating_ip_address: expect.any(String),
          port_id: null,
          fixed_ip_address: null,
          router_id: null,
          status: 'DOWN',
        },
      });
      const [allocation] = publicSubnet.allocation_pools;
      expect(inRange(created.body.floatingip.floating_ip_address, allocation.start, allocation.end)).toBe(true);
      expect(created.body.floatingip.floating_ip_address).toBe('198.19.0.2');
      await expectShown(`/v2.0/floatingips/${created.body.floatingip.id}`, 'floatingip', created.body.floatingip);

      const associated = await demo.put<{ floatingip: FloatingIp }>(`/v2.0/floatingips/${created.body.floatingip.id}`, {
        floatingip: { port_id: vip.port_id },
      });
      expect(associated.status).toBe(200);
      expect(associated.body).toEqual({
        floatingip: {
          ...created.body.floatingip,
          port_id: vip.port_id,
          fixed_ip_address: vip.address,
          status: expect.stringMatching(/^(ACTIVE|DOWN)$/),
        },
      });
      floatingIp = associated.body.floatingip;
      await expectShown(`/v2.0/floatingips/${floatingIp.id}`, 'floatingip', floatingIp);
    });

    it('reports zero statistics for the pool until a data plane reports', async () => {
      const reply = await demo.get<{ stats: PoolStats }>(`/v2.0/lb/pools/${pool.id}/stats`);
      expect({ status: reply.status, body: reply.body }).toEqual({
        status: 200,
        body: { stats: { bytes_in: 0, bytes_out: 0, active_connections: 0, total_connections: 0 } },
      });
    });
  });

  describe('queries, tenancy and idempotency on the running load balancer', () => {
    it('filters lists on any field, with repeated keys meaning any of the values', async () => {
      const second = await demo.create<Pool>('/v2.0/lb/pools', 'pool', {
        name: 'otherpool',
        protocol: 'TCP',
        lb_method: 'SOURCE_IP',
        subnet_id: poolSubnet.id,
      });
      try {
        const byName = await demo.get<{ pools: Pool[] }>('/v2.0/lb/pools?name=mypool');
        expect({ status: byName.status, body: byName.body }).toEqual({ status: 200, body: { pools: [pool] } });

        const either = await demo.get<{ pools: Pool[] }>('/v2.0/lb/pools?name=mypool&name=otherpool');
        expect(either.body.pools.map((p) => p.id).sort()).toEqual([pool.id, second.id].sort());

        const byProtocol = await demo.get<{ pools: Pool[] }>('/v2.0/lb/pools?protocol=TCP');
        expect(byProtocol.body).toEqual({ pools: [second] });

        const combined = await demo.get<{ pools: Pool[] }>('/v2.0/lb/pools?name=mypool&protocol=TCP');
        expect(combined.body).toEqual({ pools: [] });

        const none = await demo.get<{ pools: Pool[] }>('/v2.0/lb/pools?name=nosuchpool');
        expect({ status: none.status, body: none.body }).toEqual({ status: 200, body: { pools: [] } });

        const member = await demo.get<{ members: Member[] }>('/v2.0/lb/members?address=198.18.2.12&protocol_port=80');
        expect(member.body).toEqual({ members: [members[1]] });

        const byBoolean = await demo.get<{ vips: Vip[] }>('/v2.0/lb/vips?admin_state_up=true');
        expect(byBoolean.body).toEqual({ vips: [vip] });
      } finally {
        expect((await demo.delete(`/v2.0/lb/pools/${second.id}`)).status).toBe(204);
      }
    });

    it('projects the fields asked for with ?fields=', async () => {
      const listed = await demo.get<{ pools: Record<string, unknown>[] }>('/v2.0/lb/pools?fields=name&fields=id');
      expect({ status: listed.status, body: listed.body }).toEqual({
        status: 200,
        body: { pools: [{ id: pool.id, name: 'mypool' }] },
      });
      const shown = await demo.get<{ vip: Record<string, unknown> }>(`/v2.0/lb/vips/${vip.id}?fields=address&fields=port_id`);
      expect(shown.body).toEqual({ vip: { address: vip.address, port_id: vip.port_id } });
    });

    it("hides a tenant's objects from other tenants (404, absent from lists) and shows them to the admin", async () => {
      expectNeutronError(await other.get(`/v2.0/lb/pools/${pool.id}`), 404, 'PoolNotFound');
      expectNeutronError(await other.get(`/v2.0/lb/vips/${vip.id}`), 404, 'VipNotFound');
      expectNeutronError(await other.get(`/v2.0/lb/members/${members[0].id}`), 404, 'MemberNotFound');
      expectNeutronError(await other.get(`/v2.0/networks/${vipNet.id}`), 404, 'NetworkNotFound');
      for (const path of [
        '/v2.0/lb/pools',
        '/v2.0/lb/members',
        '/v2.0/lb/vips',
        '/v2.0/lb/health_monitors',
        '/v2.0/ports',
        '/v2.0/floatingips',
        '/v2.0/subnets',
      ]) {
        const listed = await other.get<Record<string, unknown[]>>(path);
        expect({ path, status: listed.status, items: Object.values(listed.body ?? {}).flat() }).toEqual({ path, status: 200, items: [] });
      }
      const networks = await other.get<{ networks: Network[] }>('/v2.0/networks');
      expect(networks.body).toEqual({ networks: [publicNet] });

      const asAdmin = await admin.get<{ pool: Pool }>(`/v2.0/lb/pools/${pool.id}`);
      expect({ status: asAdmin.status, body: asAdmin.body }).toEqual({ status: 200, body: { pool } });
      const adminList = await admin.get<{ pools: Pool[] }>(`/v2.0/lb/pools?tenant_id=${demoTenant}`);
      expect(adminList.body).toEqual({ pools: [pool] });
    });

    it('answers a retried POST with the same Idempotency-Key with the first result, creating one pool', async () => {
      const key = `seed-${absentId()}`;
      const body = { pool: { name: 'idempotent-pool', protocol: 'HTTP', lb_method: 'LEAST_CONNECTIONS', subnet_id: poolSubnet.id } };
      const first = await demo.post<{ pool: Pool }>('/v2.0/lb/pools', body, { 'Idempotency-Key': key });
      const retry = await demo.post<{ pool: Pool }>('/v2.0/lb/pools', body, { 'Idempotency-Key': key });
      expect(first.status).toBe(201);
      expect({ status: retry.status, body: retry.body }).toEqual({ status: 201, body: first.body });
      const listed = await demo.get<{ pools: Pool[] }>('/v2.0/lb/pools?name=idempotent-pool');
      expect(listed.body).toEqual({ pools: [first.body.pool] });

      const fresh = await demo.post<{ pool: Pool }>('/v2.0/lb/pools', body, { 'Idempotency-Key': `${key}-2` });
      expect(fresh.status).toBe(201);
      expect(fresh.body.pool.id).not.toBe(first.body.pool.id);
      for (const id of [first.body.pool.id, fresh.body.pool.id]) expect((await demo.delete(`/v2.0/lb/pools/${id}`)).status).toBe(204);
    });

    it("accepts expected_codes in each of Neutron's forms, spaces after commas included", async () => {
      for (const expected_codes of ['200', '200,202', '200, 202 ,204', '200-204']) {
        const reply = await demo.post<{ health_monitor: HealthMonitor }>('/v2.0/lb/health_monitors', {
          health_monitor: {
            type: 'HTTPS',
            delay: 5,
            timeout: 5,
            max_retries: 10,
            http_method: 'HEAD',
            url_path: '/health',
            expected_codes,
          },
        });
        expect({ status: reply.status, codes: reply.body.health_monitor?.expected_codes }).toEqual({ status: 201, codes: expected_codes });
        expect((await demo.delete(`/v2.0/lb/health_monitors/${reply.body.health_monitor.id}`)).status).toBe(204);
      }
    });

    it('tags every response, errors included, with an X-Openstack-Request-Id', async () => {
      for (const reply of [
        await demo.get('/v2.0/lb/pools'),
        await demo.get(`/v2.0/lb/pools/${absentId()}`),
        await demo.as(null).get('/v2.0/lb/pools'),
      ]) {
        expect(reply.headers.get('x-openstack-request-id')).toMatch(/^req-[0-9a-f-]{36}$/);
      }
    });
  });

  describe('2. delete the load balancer, in the seed order', () => {
    it('deletes the VIP (lb-vip-delete): its port goes, the pool is unbound, the floating IP disassociated', async () => {
      const reply = await demo.delete(`/v2.0/lb/vips/${vip.id}`);
      expect(reply.status).toBe(204);
      expect(reply.text).toBe('');
      await expectGone(`/v2.0/lb/vips/${vip.id}`, 'VipNotFound');
      await expectGone(`/v2.0/ports/${vip.port_id}`, 'PortNotFound');
      expect((await demo.get('/v2.0/ports')).body).toEqual({ ports: [] });
      pool = { ...pool, vip_id: null };
      await expectShown(`/v2.0/lb/pools/${pool.id}`, 'pool', pool);
      floatingIp = { ...floatingIp, port_id: null, fixed_ip_address: null, status: 'DOWN' };
      await expectShown(`/v2.0/floatingips/${floatingIp.id}`, 'floatingip', floatingIp);
    });

    it('deletes the members (lb-member-delete)', async () => {
      for (const member of members) {
        expect((await demo.delete(`/v2.0/lb/members/${member.id}`)).status).toBe(204);
        await expectGone(`/v2.0/lb/members/${member.id}`, 'MemberNotFound');
      }
      pool = { ...pool, members: [] };
      await expectShown(`/v2.0/lb/pools/${pool.id}`, 'pool', pool);
    });

    it('deletes the pool (lb-pool-delete)', async () => {
      expect((await demo.delete(`/v2.0/lb/pools/${pool.id}`)).status).toBe(204);
      await expectGone(`/v2.0/lb/pools/${pool.id}`, 'PoolNotFound');
      expectNeutronError(await demo.get(`/v2.0/lb/pools/${pool.id}/stats`), 404, 'PoolNotFound');
    });

    it('deletes the health monitor (lb-healthmonitor-delete)', async () => {
      expect((await demo.delete(`/v2.0/lb/health_monitors/${monitor.id}`)).status).toBe(204);
      await expectGone(`/v2.0/lb/health_monitors/${monitor.id}`, 'HealthMonitorNotFound');
    });

    it('releases the floating IP', async () => {
      expect((await demo.delete(`/v2.0/floatingips/${floatingIp.id}`)).status).toBe(204);
      await expectGone(`/v2.0/floatingips/${floatingIp.id}`, 'FloatingIPNotFound');
    });

    it('deletes the subnets, then the networks', async () => {
      for (const subnet of [vipSubnet, poolSubnet]) {
        expect((await demo.delete(`/v2.0/subnets/${subnet.id}`)).status).toBe(204);
        await expectGone(`/v2.0/subnets/${subnet.id}`, 'SubnetNotFound');
      }
      expect((await admin.delete(`/v2.0/subnets/${publicSubnet.id}`)).status).toBe(204);
      for (const network of [vipNet, poolNet]) {
        expect((await demo.delete(`/v2.0/networks/${network.id}`)).status).toBe(204);
        await expectGone(`/v2.0/networks/${network.id}`, 'NetworkNotFound');
      }
      expect((await admin.delete(`/v2.0/networks/${publicNet.id}`)).status).toBe(204);
      await expectGone(`/v2.0/networks/${publicNet.id}`, 'NetworkNotFound');
    });

    it('leaves nothing behind', async () => {
      const snapshot = await admin.snapshot();
      expect(snapshot).toEqual({
        networks: [],
        subnets: [],
        ports: [],
        floatingips: [],
        pools: [],
        members: [],
        vips: [],
        health_monitors: [],
        certificates: [],
        // Derived from the projects that own anything: with nothing left, only the caller's own.
        security_groups: [expect.objectContaining({ name: 'default', tenant_id: adminTenant, security_group_rules: [] })],
      });
    });
  });
});
