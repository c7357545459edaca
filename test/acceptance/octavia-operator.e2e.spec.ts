import { builtService, freePort, type ServiceProcess, spawnService, type Stack, startStack, waitFor } from '@lbaas/testing';
import { join } from 'node:path';
import { NeutronApi } from './neutron-api';

/**
 * Octavia's operator objects against the built services: quotas enforced exactly under
 * concurrent creates, flavor and availability zone CRUD with their profiles and capabilities,
 * and what they mean for placement (a SINGLE flavor's one amphora, a zone's load balancers only
 * on its nodes, ERROR with the reason when they are gone). The scheduler and simulated nodes
 * (the fake driver) run beside the stack; nodes declare zones with `lbaas dev nodes --zone`.
 */
type Obj = Record<string, unknown> & { id: string };
const CLI = join(__dirname, '..', '..', 'apps', 'cli', 'dist', 'main.js');
const PARALLEL = 20;
const LIMIT = 5;

describe('Octavia quotas, flavors and availability zones', () => {
  let stack: Stack;
  let v2: NeutronApi;
  let admin: NeutronApi;
  let subnet: Obj;
  let projectId: string;
  const services: ServiceProcess[] = [];

  const ok = async <B>(reply: Promise<{ status: number; body: B; text: string }>, status = 200): Promise<B> => {
    const r = await reply;
    if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${r.text}`);
    return r.body;
  };
  const lbBody = (extra: Record<string, unknown> = {}) => ({ loadbalancer: { vip_subnet_id: subnet.id, ...extra } });
  const nodes = (prefix: string, zone: string) => {
    const p = spawnService(`nodes-${prefix}`, CLI, { LBAAS_NATS_URL: stack.nats.url }, [
      'dev',
      'nodes',
      '--count',
      '2',
      '--prefix',
      prefix,
      '--zone',
      zone,
      '--heartbeat-ms',
      '300',
    ]);
    p.start();
    services.push(p);
    return p;
  };
  const amphoraeOf = async (lbId: string): Promise<Obj[]> =>
    (await ok(admin.get<{ amphorae: Obj[] }>(`/v2/octavia/amphorae?loadbalancer_id=${lbId}`))).amphorae;

  beforeAll(async () => {
    stack = await startStack();
    const { lbdemo } = stack.tokens;
    projectId = lbdemo.tenant_id;
    v2 = new NeutronApi(stack.octaviaUrl, lbdemo.token);
    admin = v2.as(stack.tokens.admin.token);
    const neutron = new NeutronApi(stack.apiUrl, lbdemo.token);
    const network = (await ok(neutron.post<{ network: Obj }>('/v2.0/networks', { network: { name: 'operator' } }), 201)).network;
    subnet = (await ok(neutron.post<{ subnet: Obj }>('/v2.0/subnets', { subnet: { network_id: network.id, cidr: '198.18.44.0/24' } }), 201))
      .subnet;
    const scheduler = spawnService('scheduler', builtService('scheduler'), {
      LBAAS_NATS_URL: stack.nats.url,
      LBAAS_HEALTH_PORT: String(await freePort()),
      LBAAS_NODE_SILENCE_MS: '1500',
      LBAAS_SCHEDULER_SEED: '3',
    });
    scheduler.start();
    services.push(scheduler);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    await stack?.stop();
  }, 60_000);

  describe('quotas', () => {
    it(`creates exactly the limit of ${PARALLEL} parallel load balancers and refuses the rest with Octavia's 403`, async () => {
      const set = await ok(
        admin.put<{ quota: Record<string, number> }>(`/v2/lbaas/quotas/${projectId}`, { quota: { loadbalancer: LIMIT } }),
        202,
      );
      expect(set.quota).toMatchObject({ loadbalancer: LIMIT, load_balancer: LIMIT, member: -1 });
      const replies = await Promise.all(
        Array.from({ length: PARALLEL }, () => v2.post<{ loadbalancer?: Obj }>('/v2/lbaas/loadbalancers', lbBody())),
      );
      const statuses = replies.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 201)).toHaveLength(LIMIT);
      expect(statuses.filter((s) => s === 403)).toHaveLength(PARALLEL - LIMIT);
      for (const r of replies.filter((r) => r.status === 403))
        expect(r.body).toEqual({ faultcode: 'Client', faultstring: 'Quota has been met for resources: Load Balancer', debuginfo: null });
      const live = (await ok(v2.get<{ loadbalancers: Obj[] }>('/v2/lbaas/loadbalancers'))).loadbalancers;
      expect(live).toHaveLength(LIMIT);

      // Usage is the live objects: two deletes free exactly two units.
      for (const lb of live.slice(0, 2)) await ok(v2.delete(`/v2/lbaas/loadbalancers/${lb.id}`), 204);
      const again = await Promise.all(Array.from({ length: 4 }, () => v2.post('/v2/lbaas/loadbalancers', lbBody())));
      expect(again.map((r) => r.status).sort()).toEqual([201, 201, 403, 403]);
      const after = (await ok(v2.get<{ loadbalancers: Obj[] }>('/v2/lbaas/loadbalancers'))).loadbalancers;
      expect(after).toHaveLength(LIMIT);
      for (const lb of after) await ok(v2.delete(`/v2/lbaas/loadbalancers/${lb.id}?cascade=true`), 204);
    }, 120_000);

    it('counts the members of a single-call create and of a batch replace', async () => {
      await ok(admin.put(`/v2/lbaas/quotas/${projectId}`, { quota: { loadbalancer: -1, member: 3 } }), 202);
      const members = (n: number, from = 1) =>
        Array.from({ length: n }, (_, i) => ({ address: `198.18.45.${from + i}`, protocol_port: 80 }));
      const pools = (n: number) => [{ name: 'p', protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN', members: members(n) }];
      const first = (await ok(v2.post<{ loadbalancer: Obj }>('/v2/lbaas/loadbalancers', lbBody({ pools: pools(2) })), 201)).loadbalancer;
      const refused = await v2.post('/v2/lbaas/loadbalancers', lbBody({ pools: pools(2) }));
      expect({ status: refused.status, body: refused.body }).toMatchObject({
        status: 403,
        body: { faultstring: 'Quota has been met for resources: Member' },
      });
      const pool = (first.pools as { id: string }[])[0];
      const batch = await v2.put(`/v2/lbaas/pools/${pool.id}/members`, { members: members(2, 10) });
      expect(batch.status).toBe(403);
      await ok(v2.put(`/v2/lbaas/pools/${pool.id}/members?additive_only=true`, { members: members(1, 10) }), 202);
      expect((await ok(v2.get<{ members: Obj[] }>(`/v2/lbaas/pools/${pool.id}/members`))).members).toHaveLength(3);
      await ok(v2.delete(`/v2/lbaas/loadbalancers/${first.id}?cascade=true`), 204);
    }, 60_000);

    it('counts the L7 policies and rules of a single-call create and of a listener create', async () => {
      await ok(admin.put(`/v2/lbaas/quotas/${projectId}`, { quota: { l7policy: 2, l7rule: 2 } }), 202);
      const rule = (value: string) => ({ type: 'PATH', compare_type: 'STARTS_WITH', value });
      const listener = (port: number, rules: number) => ({
        protocol: 'HTTP',
        protocol_port: port,
        l7policies: [{ action: 'REJECT', rules: Array.from({ length: rules }, (_, i) => rule(`/r${i}`)) }],
      });
      const refusedWith = (resource: string) => ({ status: 403, body: { faultstring: `Quota has been met for resources: ${resource}` } });
      const tooMany = await v2.post('/v2/lbaas/loadbalancers', lbBody({ listeners: [listener(80, 3)] }));
      expect({ status: tooMany.status, body: tooMany.body }).toMatchObject(refusedWith('L7 Rule'));
      const lb = (await ok(v2.post<{ loadbalancer: Obj }>('/v2/lbaas/loadbalancers', lbBody({ listeners: [listener(80, 2)] })), 201))
        .loadbalancer;
      const more = await v2.post('/v2/lbaas/listeners', { listener: { loadbalancer_id: lb.id, ...listener(81, 0) } });
      expect({ status: more.status }).toEqual({ status: 201 });
      const third = await v2.post('/v2/lbaas/listeners', { listener: { loadbalancer_id: lb.id, ...listener(82, 0) } });
      expect({ status: third.status, body: third.body }).toMatchObject(refusedWith('L7 Policy'));
      // The refused listener took nothing: deleting the second frees one policy for it.
      await ok(v2.delete(`/v2/lbaas/listeners/${(more.body as { listener: Obj }).listener.id}`), 204);
      await ok(v2.post('/v2/lbaas/listeners', { listener: { loadbalancer_id: lb.id, ...listener(82, 0) } }), 201);
      await ok(v2.delete(`/v2/lbaas/loadbalancers/${lb.id}?cascade=true`), 204);
      await ok(admin.put(`/v2/lbaas/quotas/${projectId}`, { quota: { l7policy: -1, l7rule: -1 } }), 202);
    }, 60_000);

    it('shows, lists and resets quotas; the defaults are the deployment’s', async () => {
      expect((await ok(v2.get<{ quota: Record<string, number> }>(`/v2/lbaas/quotas/${projectId}`))).quota).toMatchObject({ member: 3 });
      expect((await ok(v2.get<{ quota: Record<string, number> }>('/v2/lbaas/quotas/defaults'))).quota).toMatchObject({ loadbalancer: -1 });
      const mine = (await ok(v2.get<{ quotas: Obj[] }>('/v2/lbaas/quotas'))).quotas;
      expect(mine).toEqual([expect.objectContaining({ project_id: projectId, member: 3 })]);
      expect((await v2.put(`/v2/lbaas/quotas/${projectId}`, { quota: { member: 9 } })).status).toBe(403);
      await ok(admin.delete(`/v2/lbaas/quotas/${projectId}`), 202);
      expect((await ok(v2.get<{ quota: Record<string, number> }>(`/v2/lbaas/quotas/${projectId}`))).quota).toMatchObject({ member: -1 });
    });
  });

  describe('flavors and availability zones', () => {
    let single: Obj;
    let zone: string;

    it('lists the provider’s capabilities and refuses profile data outside them, naming the key', async () => {
      const caps = await ok(admin.get<{ flavor_capabilities: Obj[] }>('/v2/lbaas/providers/lbaas/flavor_capabilities'));
      expect(caps.flavor_capabilities.map((c) => c.name)).toEqual(['loadbalancer_topology']);
      const azCaps = await ok(
        admin.get<{ availability_zone_capabilities: Obj[] }>('/v2/lbaas/providers/lbaas/availability_zone_capabilities'),
      );
      expect(azCaps.availability_zone_capabilities.map((c) => c.name)).toEqual(['compute_zone']);
      const bad = await admin.post('/v2/lbaas/flavorprofiles', {
        flavorprofile: { name: 'bad', provider_name: 'lbaas', flavor_data: '{"amp_image_tag": "x"}' },
      });
      expect(bad.status).toBe(400);
      expect(bad.text).toContain("'amp_image_tag'");
    });

    it('lets an admin create flavors and zones, which members read when enabled', async () => {
      const profile = (
        await ok(
          admin.post<{ flavorprofile: Obj }>('/v2/lbaas/flavorprofiles', {
            flavorprofile: { name: 'single', provider_name: 'lbaas', flavor_data: '{"loadbalancer_topology": "SINGLE"}' },
          }),
          201,
        )
      ).flavorprofile;
      expect(
        (await v2.post('/v2/lbaas/flavorprofiles', { flavorprofile: { name: 'x', provider_name: 'lbaas', flavor_data: '{}' } })).status,
      ).toBe(403);
      single = (
        await ok(admin.post<{ flavor: Obj }>('/v2/lbaas/flavors', { flavor: { name: 'single', flavor_profile_id: profile.id } }), 201)
      ).flavor;
      expect(single).toMatchObject({ name: 'single', enabled: true, description: '' });
      const hidden = (
        await ok(
          admin.post<{ flavor: Obj }>('/v2/lbaas/flavors', { flavor: { name: 'off', flavor_profile_id: profile.id, enabled: false } }),
          201,
        )
      ).flavor;
      expect((await ok(v2.get<{ flavors: Obj[] }>('/v2/lbaas/flavors'))).flavors.map((f) => f.name)).toEqual(['single']);
      expect((await ok(admin.get<{ flavors: Obj[] }>('/v2/lbaas/flavors'))).flavors.map((f) => f.name)).toEqual(['off', 'single']);
      expect((await admin.delete(`/v2/lbaas/flavorprofiles/${profile.id}`)).status).toBe(409);
      await ok(admin.delete(`/v2/lbaas/flavors/${hidden.id}`), 204);

      const azp = (
        await ok(
          admin.post<{ availability_zone_profile: Obj }>('/v2/lbaas/availabilityzoneprofiles', {
            availability_zone_profile: { name: 'a', provider_name: 'lbaas', availability_zone_data: '{"compute_zone": "zone-a"}' },
          }),
          201,
        )
      ).availability_zone_profile;
      zone = 'az-a';
      const az = (
        await ok(
          admin.post<{ availability_zone: Record<string, unknown> }>('/v2/lbaas/availabilityzones', {
            availability_zone: { name: zone, availability_zone_profile_id: azp.id },
          }),
          201,
        )
      ).availability_zone;
      expect(az).toEqual({ name: zone, description: '', availability_zone_profile_id: azp.id, enabled: true });
      expect((await ok(v2.get<{ availability_zone: Obj }>(`/v2/lbaas/availabilityzones/${zone}`))).availability_zone).toMatchObject({
        name: zone,
      });
      const updated = await ok(
        admin.put<{ availability_zone: Obj }>(`/v2/lbaas/availabilityzones/${zone}`, { availability_zone: { description: 'A' } }),
      );
      expect(updated.availability_zone).toMatchObject({ description: 'A' });
    });

    it('gives a load balancer of a SINGLE flavor one amphora, and one in a zone amphorae on that zone’s nodes only', async () => {
      nodes('za', 'zone-a');
      nodes('zb', 'zone-b');
      await waitFor(
        'four live nodes',
        async () => {
          const reply = await new NeutronApi(stack.apiUrl, stack.tokens.admin.token).get<{ nodes: Obj[] }>('/v2.0/lb/nodes');
          return reply.status === 200 && reply.body.nodes.filter((n) => n.status === 'UP').length === 4;
        },
        60_000,
        200,
      );
      const one = (await ok(v2.post<{ loadbalancer: Obj }>('/v2/lbaas/loadbalancers', lbBody({ flavor_id: single.id })), 201)).loadbalancer;
      expect(one.flavor_id).toBe(single.id);
      const zoned = (await ok(v2.post<{ loadbalancer: Obj }>('/v2/lbaas/loadbalancers', lbBody({ availability_zone: zone })), 201))
        .loadbalancer;
      await waitFor(
        'placements',
        async () => (await amphoraeOf(one.id)).length === 1 && (await amphoraeOf(zoned.id)).length === 2,
        30_000,
        200,
      );
      // Placement settles: the SINGLE one is never given a standby.
      expect(await amphoraeOf(one.id)).toHaveLength(1);
      expect((await amphoraeOf(zoned.id)).map((a) => a.compute_id).sort()).toEqual(['za-1', 'za-2']);
      const refused = await v2.post('/v2/lbaas/loadbalancers', lbBody({ availability_zone: 'nowhere' }));
      expect({ status: refused.status, faultstring: (refused.body as Obj).faultstring }).toEqual({
        status: 400,
        faultstring: 'Validation failure: Invalid availability zone name.',
      });
    }, 120_000);

    it('puts a zone’s load balancer in ERROR with the reason when the zone’s only nodes die, not onto another zone', async () => {
      const zoned = (await ok(v2.get<{ loadbalancers: Obj[] }>(`/v2/lbaas/loadbalancers?availability_zone=${zone}`))).loadbalancers[0];
      await services.find((s) => s.name === 'nodes-za')?.kill();
      await waitFor(
        'the load balancer in ERROR',
        async () =>
          (await ok(v2.get<{ loadbalancer: Obj }>(`/v2/lbaas/loadbalancers/${zoned.id}`))).loadbalancer.provisioning_status === 'ERROR',
        30_000,
        200,
      );
      expect(await amphoraeOf(zoned.id)).toEqual([]);
      const instances = (
        await new NeutronApi(stack.apiUrl, stack.tokens.admin.token).get<{ service_instances: Obj[] }>(
          `/v2.0/lb/service_instances?loadbalancer_id=${zoned.id}`,
        )
      ).body.service_instances;
      expect(instances[0]).toMatchObject({
        status: 'ERROR',
        status_description: "no live compute node in compute zone 'zone-a' to place the instance on",
      });
    }, 60_000);

    it('refuses to delete a flavor or zone a live load balancer uses, in Octavia’s words (409), and deletes them once none does', async () => {
      const users = [
        ...(await ok(admin.get<{ loadbalancers: Obj[] }>(`/v2/lbaas/loadbalancers?flavor_id=${single.id}`))).loadbalancers,
        ...(await ok(admin.get<{ loadbalancers: Obj[] }>(`/v2/lbaas/loadbalancers?availability_zone=${zone}`))).loadbalancers,
      ];
      expect(users).toHaveLength(2);
      const inUse = async (path: string, faultstring: string) => {
        const reply = await admin.delete(path);
        expect({ status: reply.status, body: reply.body }).toEqual({
          status: 409,
          body: { faultcode: 'Client', faultstring, debuginfo: null },
        });
      };
      await inUse(`/v2/lbaas/flavors/${single.id}`, `Flavor ${single.id} is in use and cannot be modified.`);
      await inUse(`/v2/lbaas/availabilityzones/${zone}`, `Availability Zone ${zone} is in use and cannot be modified.`);
      // A create refused after its use was recorded (an address outside the subnet) leaves no use behind.
      const refused = await v2.post('/v2/lbaas/loadbalancers', lbBody({ flavor_id: single.id, vip_address: '198.19.99.1' }));
      expect(refused.status).toBeGreaterThanOrEqual(400);
      await ok(v2.delete(`/v2/lbaas/loadbalancers/${users[0].id}`), 204);
      await inUse(`/v2/lbaas/availabilityzones/${zone}`, `Availability Zone ${zone} is in use and cannot be modified.`);
      await ok(admin.delete(`/v2/lbaas/flavors/${single.id}`), 204);
      await ok(v2.delete(`/v2/lbaas/loadbalancers/${users[1].id}`), 204);
      await ok(admin.delete(`/v2/lbaas/availabilityzones/${zone}`), 204);
    }, 60_000);
  });
});
