import { builtService, freePort, type ServiceProcess, spawnService, cleanEnv } from '@lbaas/testing';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type KeystoneStack, startKeystoneStack } from '../keystone/keystone-stack';

/** Debian's openstack CLI (python3-openstackclient with python3-octaviaclient), not whatever is first on PATH. */
const OPENSTACK = '/usr/bin/openstack';
const run = promisify(execFile);
/** A bound for a loaded machine: `--wait` polls every 3 s, and the fake data plane applies in well under one. */
const CLI_WITHIN_MS = 120_000;
/** Each node agent's compute zone: two in az-1, one in az-2. */
const NODE_ZONES = [
  ['lbopcli-node-1', 'az-1'],
  ['lbopcli-node-2', 'az-1'],
  ['lbopcli-node-3', 'az-2'],
] as const;
const ZONE_ONE_NODES = NODE_ZONES.filter(([, zone]) => zone === 'az-1').map(([node]) => node);
/** The deployment's default health monitor quota (LBAAS_QUOTA_HEALTHMONITOR); every other default is -1. */
const DEFAULT_HEALTHMONITOR_QUOTA = 50;

type Row = Record<string, unknown>;
interface Amphora {
  id: string;
  loadbalancer_id: string;
  compute_id: string;
  role: string;
}

/**
 * An operator's `openstack loadbalancer` commands (quotas, flavors and their profiles,
 * availability zones and their profiles, the provider's capabilities) with the real CLI against
 * the real Keystone, and what they mean for a tenant's load balancer: a SINGLE flavor's one
 * amphora, a zone's amphorae only on that zone's nodes. The scheduler, the config renderer and
 * three fake-driver node agents (two declaring zone az-1, one az-2) stand behind the v2 API.
 */
describe('the openstack loadbalancer CLI for operators: quotas, flavors and availability zones', () => {
  let ks: KeystoneStack;
  const services: ServiceProcess[] = [];
  let project = '';
  let subnetId = '';
  let flavorProfile: Row;
  let flavor: Row;
  let zoneProfile: Row;

  const env = () => cleanEnv({ OS_CLIENT_CONFIG_FILE: ks.keystone.cloudsYaml });
  /** The CLI as `cloud` with `args` as they are (JSON with spaces in it stays one argument): its stdout. */
  const cliArgs = async (cloud: string, args: readonly string[]): Promise<string> =>
    (await run(OPENSTACK, ['--os-cloud', cloud, ...args], { env: env(), timeout: CLI_WITHIN_MS })).stdout;
  /** `line` split on spaces (names and ids have none). */
  const cli = (cloud: string, line: string): Promise<string> => cliArgs(cloud, line.split(' '));
  const json = async <T = Row>(cloud: string, line: string): Promise<T> => JSON.parse(await cli(cloud, `${line} -f json`)) as T;
  const jsonArgs = async <T = Row>(cloud: string, args: readonly string[]): Promise<T> =>
    JSON.parse(await cliArgs(cloud, [...args, '-f', 'json'])) as T;
  const asAdmin = <T = Row>(line: string) => json<T>('lbaas-admin', line);
  const asMember = <T = Row>(line: string) => json<T>('lbaas-lb-member', line);
  /** The CLI expecting a refusal: what it printed on stderr (it exits non-zero). */
  const refused = async (cloud: string, args: readonly string[]): Promise<string> => {
    const outcome = await cliArgs(cloud, args).then(
      (stdout) => new Error(`expected a refusal, the CLI printed: ${stdout}`),
      (error: { code?: number; stderr?: string }) => error,
    );
    if (outcome instanceof Error || typeof outcome.code !== 'number' || outcome.code === 0) throw outcome;
    return outcome.stderr ?? '';
  };
  /** `--long` adds each amphora's compute_id: the node that runs it. */
  const amphoraeOf = (lbId: string) => asAdmin<Amphora[]>(`loadbalancer amphora list --long --loadbalancer ${lbId}`);

  beforeAll(async () => {
    ks = await startKeystoneStack({ env: { LBAAS_QUOTA_HEALTHMONITOR: String(DEFAULT_HEALTHMONITOR_QUOTA) } });
    await ks.keystone.setCatalog({ octaviaUrl: ks.stack.octaviaUrl });
    project = ks.keystone.projects.demo;
    // The CLI looks the VIP subnet up in the network API, which needs `member`: a tenant's user has it beside load-balancer_member.
    await cli('lbaas-admin', 'role add --user lb-member --project demo member');
    const common = {
      LBAAS_NATS_URL: ks.stack.nats.url,
      LBAAS_RUN_DIR: join(ks.stack.dir, 'run'),
      LBAAS_SECRET_KEY_FILE: join(ks.stack.dir, 'secret.key'),
    };
    services.push(spawnService('scheduler', builtService('scheduler'), { ...common, LBAAS_HEALTH_PORT: String(await freePort()) }));
    services.push(
      spawnService('config-renderer', builtService('config-renderer'), { ...common, LBAAS_HEALTH_PORT: String(await freePort()) }),
    );
    for (const [node, zone] of NODE_ZONES) {
      const agentEnv = { LBAAS_HEALTH_PORT: String(await freePort()), LBAAS_NODE_DRIVER: 'fake', LBAAS_HEARTBEAT_MS: '300' };
      services.push(spawnService(node, builtService('node-agent'), { ...common, ...agentEnv, LBAAS_NODE_ZONE: zone }, [node]));
    }
    for (const s of services) s.start();
    await json('lbaas-demo', 'network create opcli-net');
    subnetId = String((await json('lbaas-demo', 'subnet create --network opcli-net --subnet-range 198.18.62.0/24 opcli-subnet')).id);
  }, 240_000);

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    await ks?.stop();
  }, 60_000);

  describe('quotas', () => {
    it('shows the defaults, sets a project quota and shows and lists it (admin)', async () => {
      const defaults = await asMember('loadbalancer quota defaults show');
      expect(defaults).toEqual({
        load_balancer: -1,
        listener: -1,
        pool: -1,
        health_monitor: DEFAULT_HEALTHMONITOR_QUOTA,
        member: -1,
        l7policy: -1,
        l7rule: -1,
      });
      const set = await asAdmin(`loadbalancer quota set --loadbalancer 1 --member 5 ${project}`);
      expect(set).toMatchObject({ load_balancer: 1, member: 5, health_monitor: DEFAULT_HEALTHMONITOR_QUOTA, pool: -1 });
      // The project by name: the client finds its id in Keystone.
      expect(await asAdmin('loadbalancer quota show demo')).toMatchObject({ load_balancer: 1, member: 5, listener: -1 });
      expect(await asMember(`loadbalancer quota show ${project}`)).toMatchObject({ load_balancer: 1, member: 5 });
      const listed = await asAdmin<Row[]>('loadbalancer quota list');
      expect(listed.find((q) => q.project_id === project)).toMatchObject({ load_balancer: 1, member: 5 });
      const own = await asMember<Row[]>(`loadbalancer quota list --project ${project}`);
      expect(own.map((q) => q.project_id)).toEqual([project]);
    });

    it("refuses a load balancer past the quota with Octavia's 403, a member setting a quota, and resets", async () => {
      const lb = await asMember(`loadbalancer create --name quota-first --vip-subnet-id ${subnetId} --wait`);
      expect(lb).toMatchObject({ provisioning_status: 'ACTIVE' });
      expect(await refused('lbaas-lb-member', ['loadbalancer', 'create', '--name', 'quota-second', '--vip-subnet-id', subnetId])).toContain(
        'Quota has been met for resources: Load Balancer (HTTP 403)',
      );
      expect(await refused('lbaas-lb-member', ['loadbalancer', 'quota', 'set', '--loadbalancer', '100', project])).toContain(
        'Policy does not allow this request to be performed. (HTTP 403)',
      );
      await cli('lbaas-lb-member', `loadbalancer delete --wait ${lb.id}`);
      await cli('lbaas-admin', `loadbalancer quota reset ${project}`);
      expect(await asAdmin(`loadbalancer quota show ${project}`)).toMatchObject({
        load_balancer: -1,
        member: -1,
        health_monitor: DEFAULT_HEALTHMONITOR_QUOTA,
      });
    });
  });

  describe('flavors', () => {
    it("lists the provider's flavor and availability zone capabilities (admin, as Octavia's policy has it)", async () => {
      const capabilities = await asAdmin<{ type: string; name: string }[]>('loadbalancer provider capability list lbaas');
      expect(capabilities.map((c) => [c.type, c.name])).toEqual([
        ['flavor', 'loadbalancer_topology'],
        ['availability_zone', 'compute_zone'],
      ]);
      const zoneOnly = await asAdmin<{ type: string }[]>('loadbalancer provider capability list --availability-zone lbaas');
      expect(zoneOnly.map((c) => c.type)).toEqual(['availability_zone']);
      expect(await refused('lbaas-lb-member', ['loadbalancer', 'provider', 'capability', 'list', '--flavor', 'lbaas'])).toContain(
        'Policy does not allow this request to be performed. (HTTP 403)',
      );
    });

    it('creates, shows, lists and deletes flavor profiles, refusing a key the provider lacks (400)', async () => {
      const create = ['loadbalancer', 'flavorprofile', 'create', '--name', 'single', '--provider', 'lbaas', '--flavor-data'];
      flavorProfile = await jsonArgs('lbaas-admin', [...create, '{"loadbalancer_topology": "SINGLE"}']);
      expect(flavorProfile).toMatchObject({ name: 'single', provider_name: 'lbaas', flavor_data: '{"loadbalancer_topology": "SINGLE"}' });
      expect(await asAdmin(`loadbalancer flavorprofile show ${flavorProfile.id}`)).toEqual(flavorProfile);
      const spare = await jsonArgs('lbaas-admin', [...create.slice(0, 4), 'spare', ...create.slice(5), '{}']);
      const listed = await asAdmin<Row[]>('loadbalancer flavorprofile list');
      expect(listed.map((p) => p.name).sort()).toEqual(['single', 'spare']);
      await cli('lbaas-admin', `loadbalancer flavorprofile delete ${spare.id}`);
      expect((await asAdmin<Row[]>('loadbalancer flavorprofile list')).map((p) => p.id)).toEqual([flavorProfile.id]);
      expect(await refused('lbaas-admin', [...create, '{"compute_flavor": "m1.small"}'])).toContain(
        "Provider 'lbaas' does not support a requested option: flavor data key 'compute_flavor' is not one of its capabilities (loadbalancer_topology) (HTTP 400)",
      );
    });

    it('creates, shows, lists and sets flavors; tenants list the enabled ones and may not create one (403)', async () => {
      flavor = await asAdmin(`loadbalancer flavor create --name single --flavorprofile single --description one --enable`);
      expect(flavor).toMatchObject({ name: 'single', flavor_profile_id: flavorProfile.id, enabled: true, description: 'one' });
      expect(await asMember(`loadbalancer flavor show single`)).toMatchObject({ id: flavor.id, enabled: true });
      const hidden = await asAdmin(`loadbalancer flavor create --name hidden --flavorprofile ${flavorProfile.id} --disable`);
      expect((await asAdmin<Row[]>('loadbalancer flavor list')).map((f) => f.name).sort()).toEqual(['hidden', 'single']);
      expect((await asMember<Row[]>('loadbalancer flavor list')).map((f) => f.name)).toEqual(['single']);
      await cli('lbaas-admin', `loadbalancer flavor set --name shown --enable ${hidden.id}`);
      expect(await asAdmin(`loadbalancer flavor show ${hidden.id}`)).toMatchObject({ name: 'shown', enabled: true });
      await cli('lbaas-admin', `loadbalancer flavor delete ${hidden.id}`);
      expect((await asAdmin<Row[]>('loadbalancer flavor list')).map((f) => f.name)).toEqual(['single']);
      expect(
        await refused('lbaas-lb-member', [
          'loadbalancer',
          'flavor',
          'create',
          '--name',
          'mine',
          '--flavorprofile',
          String(flavorProfile.id),
        ]),
      ).toContain('Policy does not allow this request to be performed. (HTTP 403)');
    });
  });

  describe('availability zones', () => {
    it('creates, shows, lists and deletes availability zone profiles and zones', async () => {
      const create = ['loadbalancer', 'availabilityzoneprofile', 'create', '--provider', 'lbaas', '--availability-zone-data'];
      zoneProfile = await jsonArgs('lbaas-admin', [...create, '{"compute_zone": "az-1"}', '--name', 'zone-one']);
      expect(zoneProfile).toMatchObject({ name: 'zone-one', provider_name: 'lbaas', availability_zone_data: '{"compute_zone": "az-1"}' });
      expect(await asAdmin(`loadbalancer availabilityzoneprofile show ${zoneProfile.id}`)).toEqual(zoneProfile);
      const two = await jsonArgs('lbaas-admin', [...create, '{"compute_zone": "az-2"}', '--name', 'zone-two']);
      expect((await asAdmin<Row[]>('loadbalancer availabilityzoneprofile list')).map((p) => p.name).sort()).toEqual([
        'zone-one',
        'zone-two',
      ]);
      const zone = await asAdmin(`loadbalancer availabilityzone create --name az-1 --availabilityzoneprofile zone-one --enable`);
      expect(zone).toMatchObject({ name: 'az-1', availability_zone_profile_id: zoneProfile.id, enabled: true });
      await asAdmin(`loadbalancer availabilityzone create --name az-2 --availabilityzoneprofile ${two.id} --description second`);
      expect(await asMember('loadbalancer availabilityzone show az-2')).toMatchObject({ name: 'az-2', description: 'second' });
      await cli('lbaas-admin', 'loadbalancer availabilityzone set --description gone --disable az-2');
      expect(await asAdmin('loadbalancer availabilityzone show az-2')).toMatchObject({ description: 'gone', enabled: false });
      expect((await asMember<Row[]>('loadbalancer availabilityzone list')).map((z) => z.name)).toEqual(['az-1']);
      await cli('lbaas-admin', 'loadbalancer availabilityzone delete az-2');
      await cli('lbaas-admin', `loadbalancer availabilityzoneprofile delete ${two.id}`);
      expect((await asAdmin<Row[]>('loadbalancer availabilityzone list')).map((z) => z.name)).toEqual(['az-1']);
      expect(
        await refused('lbaas-lb-member', [
          'loadbalancer',
          'availabilityzone',
          'create',
          '--name',
          'mine',
          '--availabilityzoneprofile',
          String(zoneProfile.id),
        ]),
      ).toContain('Policy does not allow this request to be performed. (HTTP 403)');
    });
  });

  describe('a load balancer with a flavor and a zone', () => {
    it('runs a SINGLE flavor in az-1 as one amphora on a node of az-1', async () => {
      const lb = await asMember(
        `loadbalancer create --name single-az1 --vip-subnet-id ${subnetId} --flavor single --availability-zone az-1 --wait`,
      );
      expect(lb).toMatchObject({ provisioning_status: 'ACTIVE', flavor_id: flavor.id, availability_zone: 'az-1' });
      const amphorae = await amphoraeOf(String(lb.id));
      expect(amphorae).toHaveLength(1);
      expect(ZONE_ONE_NODES).toContain(amphorae[0].compute_id);
      await cli('lbaas-lb-member', `loadbalancer delete --wait ${lb.id}`);
    });

    it("places the active/standby pair of a zone's load balancer on that zone's two nodes", async () => {
      const lb = await asMember(`loadbalancer create --name pair-az1 --vip-subnet-id ${subnetId} --availability-zone az-1 --wait`);
      expect(lb).toMatchObject({ provisioning_status: 'ACTIVE', availability_zone: 'az-1', flavor_id: null });
      const amphorae = await amphoraeOf(String(lb.id));
      expect(amphorae.map((a) => a.role).sort()).toEqual(['BACKUP', 'MASTER']);
      expect(amphorae.map((a) => a.compute_id).sort()).toEqual(ZONE_ONE_NODES);
      await cli('lbaas-lb-member', `loadbalancer delete --wait ${lb.id}`);
    });

    it('deletes the flavor, the zone and their profiles', async () => {
      await cli('lbaas-admin', `loadbalancer flavor delete ${flavor.id}`);
      await cli('lbaas-admin', `loadbalancer flavorprofile delete ${flavorProfile.id}`);
      await cli('lbaas-admin', 'loadbalancer availabilityzone delete az-1');
      await cli('lbaas-admin', `loadbalancer availabilityzoneprofile delete ${zoneProfile.id}`);
      for (const kind of ['flavor', 'flavorprofile', 'availabilityzone', 'availabilityzoneprofile'])
        expect(await asAdmin(`loadbalancer ${kind} list`)).toEqual([]);
    });
  });
});
