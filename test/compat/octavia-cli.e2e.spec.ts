import { builtService, freePort, type ServiceProcess, spawnService, waitFor, cleanEnv } from '@lbaas/testing';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type KeystoneStack, startKeystoneStack } from '../keystone/keystone-stack';

/** Debian's openstack CLI (python3-openstackclient with python3-octaviaclient) and python3, not whatever is first on PATH. */
const OPENSTACK = '/usr/bin/openstack';
const PYTHON = '/usr/bin/python3';
const CLIENT_CALLS = join(__dirname, 'octavia_client_calls.py');
const run = promisify(execFile);
/** A bound for a loaded machine: `--wait` polls every 3 s, and the fake data plane applies in well under one. */
const CLI_WITHIN_MS = 120_000;

type Row = Record<string, unknown>;
interface ClientCall {
  readonly status?: number;
  readonly body?: Row | null;
  readonly code?: number;
  readonly message?: string;
}
interface StatusTree {
  loadbalancer: {
    id: string;
    provisioning_status: string;
    operating_status: string;
    listeners: { id: string; name: string; pools: { id: string; members: { id: string; address: string }[]; health_monitor?: Row }[] }[];
  };
}
interface Amphora {
  id: string;
  loadbalancer_id: string;
  status: string;
  role: string;
}

/**
 * The real `openstack loadbalancer` CLI against the real Keystone, its catalog naming the stack's
 * v2 port as `load-balancer`, with the scheduler, the config renderer and three node agents of
 * the fake driver behind it, so that every `--wait` ends on ACTIVE as Octavia's would. Clouds are
 * Keystone's personas: lbaas-lb-member (load-balancer_member on demo), lbaas-other-lb-member (on
 * another project), lbaas-demo (member only), lbaas-admin.
 */
describe('the openstack loadbalancer CLI against Keystone and the v2 API', () => {
  let ks: KeystoneStack;
  const services: ServiceProcess[] = [];
  let subnetId = '';
  let lb: Row;
  let httpListener: Row;
  let tcpListener: Row;
  let httpPool: Row;
  let tcpPool: Row;
  const members: Row[] = [];

  const env = () => cleanEnv({ OS_CLIENT_CONFIG_FILE: ks.keystone.cloudsYaml });
  /** The CLI as `cloud`, `line` split on spaces (names and ids have none): its stdout. */
  const cli = async (cloud: string, line: string): Promise<string> =>
    (await run(OPENSTACK, ['--os-cloud', cloud, ...line.split(' ')], { env: env(), timeout: CLI_WITHIN_MS })).stdout;
  /** A show, list or create: its `-f json` output (`status show` prints JSON of its own). */
  const json = async <T = Row>(cloud: string, line: string): Promise<T> =>
    JSON.parse(await cli(cloud, line.startsWith('loadbalancer status show') ? line : `${line} -f json`)) as T;
  const asMember = <T = Row>(line: string) => json<T>('lbaas-lb-member', line);
  /** The CLI expecting a refusal: what it printed on stderr (it exits non-zero). */
  const refused = async (cloud: string, line: string): Promise<string> => {
    const outcome = await cli(cloud, line).then(
      (stdout) => new Error(`expected a refusal, the CLI printed: ${stdout}`),
      (error: { code?: number; stderr?: string }) => error,
    );
    if (outcome instanceof Error || typeof outcome.code !== 'number' || outcome.code === 0) throw outcome;
    return outcome.stderr ?? '';
  };
  const clientCall = async (cloud: string, args: string[]): Promise<ClientCall> => {
    const { stdout } = await run(PYTHON, [CLIENT_CALLS, ks.keystone.cloudsYaml, cloud, ...args], {
      env: cleanEnv({}),
      timeout: CLI_WITHIN_MS,
    });
    return JSON.parse(stdout) as ClientCall;
  };
  const lbId = () => String(lb.id);

  beforeAll(async () => {
    ks = await startKeystoneStack();
    await ks.keystone.setCatalog({ octaviaUrl: ks.stack.octaviaUrl });
    // The CLI looks the VIP subnet up in the network API, which needs `member`: a tenant's user has it beside load-balancer_member.
    await cli('lbaas-admin', 'role add --user lb-member --project demo member');
    const common = {
      LBAAS_NATS_URL: ks.stack.nats.url,
      LBAAS_RUN_DIR: join(ks.stack.dir, 'run'),
      LBAAS_SECRET_KEY_FILE: join(ks.stack.dir, 'secret.key'),
      LBAAS_NODE_SILENCE_MS: '2000',
    };
    services.push(spawnService('scheduler', builtService('scheduler'), { ...common, LBAAS_HEALTH_PORT: String(await freePort()) }));
    services.push(
      spawnService('config-renderer', builtService('config-renderer'), { ...common, LBAAS_HEALTH_PORT: String(await freePort()) }),
    );
    for (const n of [1, 2, 3]) {
      services.push(
        spawnService(
          `node-${n}`,
          builtService('node-agent'),
          { ...common, LBAAS_HEALTH_PORT: String(await freePort()), LBAAS_NODE_DRIVER: 'fake', LBAAS_HEARTBEAT_MS: '300' },
          [`lbcompat-node-${n}`],
        ),
      );
    }
    for (const s of services) s.start();
  }, 240_000);

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    await ks?.stop();
  }, 60_000);

  it('finds the load-balancer service in the catalog, and refuses a caller with only `member` as the client reports it', async () => {
    const catalog = await json<{ Type: string; Endpoints: unknown }[]>('lbaas-lb-member', 'catalog list');
    expect(JSON.stringify(catalog.find((s) => s.Type === 'load-balancer')?.Endpoints)).toContain(ks.stack.octaviaUrl);
    expect(await refused('lbaas-demo', 'loadbalancer list')).toContain('Policy does not allow this request to be performed. (HTTP 403)');
  });

  it('creates the network and subnet, then a load balancer with --wait that ends ACTIVE with its VIP from the subnet', async () => {
    await json('lbaas-demo', 'network create octavia-cli-net');
    const subnet = await json('lbaas-demo', 'subnet create --network octavia-cli-net --subnet-range 198.18.60.0/24 octavia-cli-subnet');
    subnetId = String(subnet.id);
    lb = await asMember(`loadbalancer create --name web --vip-subnet-id ${subnetId} --wait`);
    expect(lb).toMatchObject({
      name: 'web',
      provisioning_status: 'ACTIVE',
      operating_status: 'ONLINE',
      vip_subnet_id: subnetId,
      project_id: ks.keystone.projects.demo,
      provider: 'lbaas',
    });
    expect(String(lb.vip_address)).toMatch(/^198\.18\.60\.\d+$/);
  });

  it('adds an HTTP and a TCP listener, their pools, members and a health monitor, each --wait ending ACTIVE', async () => {
    httpListener = await asMember(`loadbalancer listener create --name http --protocol HTTP --protocol-port 80 --wait ${lbId()}`);
    tcpListener = await asMember(`loadbalancer listener create --name tcp --protocol TCP --protocol-port 8080 --wait ${lbId()}`);
    expect([httpListener.provisioning_status, tcpListener.provisioning_status]).toEqual(['ACTIVE', 'ACTIVE']);
    const pool = (name: string, listener: Row, protocol: string, algorithm: string) =>
      asMember(
        `loadbalancer pool create --name ${name} --listener ${listener.id} --protocol ${protocol} --lb-algorithm ${algorithm} --wait`,
      );
    httpPool = await pool('http-pool', httpListener, 'HTTP', 'ROUND_ROBIN');
    tcpPool = await pool('tcp-pool', tcpListener, 'TCP', 'LEAST_CONNECTIONS');
    for (const [owner, address, port] of [
      [httpPool, '198.18.61.11', 80],
      [httpPool, '198.18.61.12', 80],
      [tcpPool, '198.18.61.11', 8080],
    ] as const) {
      members.push(
        await asMember(
          `loadbalancer member create --address ${address} --protocol-port ${port} --subnet-id ${subnetId} --wait ${owner.id}`,
        ),
      );
    }
    const monitor = await asMember(
      `loadbalancer healthmonitor create --name http-check --delay 5 --timeout 3 --max-retries 3 --type HTTP --url-path /healthz --wait ${httpPool.id}`,
    );
    expect(monitor).toMatchObject({ type: 'HTTP', url_path: '/healthz', provisioning_status: 'ACTIVE' });
    const shown = await asMember(`loadbalancer show ${lbId()}`);
    expect(shown).toMatchObject({ provisioning_status: 'ACTIVE' });
    expect(String(shown.listeners).split('\n').sort()).toEqual([String(httpListener.id), String(tcpListener.id)].sort());
    const listed = await asMember<{ address: string; provisioning_status: string }[]>(`loadbalancer member list ${httpPool.id}`);
    expect(listed.map((m) => [m.address, m.provisioning_status]).sort()).toEqual([
      ['198.18.61.11', 'ACTIVE'],
      ['198.18.61.12', 'ACTIVE'],
    ]);
  });

  it('shows the status tree and the stats', async () => {
    const tree = await asMember<StatusTree>(`loadbalancer status show ${lbId()}`);
    expect(tree.loadbalancer).toMatchObject({ id: lbId(), provisioning_status: 'ACTIVE' });
    const byName = Object.fromEntries(tree.loadbalancer.listeners.map((l) => [l.name, l]));
    expect(byName.http.pools[0]).toMatchObject({ id: httpPool.id, health_monitor: expect.objectContaining({ type: 'HTTP' }) });
    expect(byName.http.pools[0].members.map((m) => m.address).sort()).toEqual(['198.18.61.11', '198.18.61.12']);
    expect(byName.tcp.pools[0].members.map((m) => m.address)).toEqual(['198.18.61.11']);
    const stats = await asMember(`loadbalancer stats show ${lbId()}`);
    expect(Object.keys(stats).sort()).toEqual(['active_connections', 'bytes_in', 'bytes_out', 'request_errors', 'total_connections']);
    expect(await asMember(`loadbalancer listener stats show ${httpListener.id}`)).toMatchObject({ request_errors: expect.any(Number) });
  });

  it('refuses, as the client reports them, a duplicate protocol_port (409) and an algorithm the provider lacks (400)', async () => {
    expect(await refused('lbaas-lb-member', `loadbalancer listener create --protocol HTTP --protocol-port 80 ${lbId()}`)).toContain(
      'Another Listener on this Load Balancer is already using protocol HTTP and protocol_port 80 (HTTP 409)',
    );
    expect(
      await refused('lbaas-lb-member', `loadbalancer pool create --loadbalancer ${lbId()} --protocol HTTP --lb-algorithm SOURCE_IP_PORT`),
    ).toMatch(/Provider 'lbaas' does not support a requested option: .*\(HTTP 400\)/);
    // A refused change leaves the load balancer as it was.
    expect(await asMember(`loadbalancer show ${lbId()}`)).toMatchObject({ provisioning_status: 'ACTIVE' });
  });

  it("keeps another project's objects from a member of that project: absent from its lists, 403 when asked by id", async () => {
    const listed = await json<{ id: string }[]>('lbaas-other-lb-member', 'loadbalancer list');
    expect(listed.map((l) => l.id)).not.toContain(lbId());
    // `loadbalancer show` with an id asks for the object itself: Octavia's 403, as the client prints it.
    expect(await refused('lbaas-other-lb-member', `loadbalancer show ${lbId()}`)).toContain(
      'Policy does not allow this request to be performed. (HTTP 403)',
    );
    // The same through octaviaclient's API, as a program would see it.
    expect(await clientCall('lbaas-other-lb-member', ['show-loadbalancer', lbId()])).toEqual({
      code: 403,
      message: 'Policy does not allow this request to be performed.',
    });
    expect(await refused('lbaas-demo', `loadbalancer show ${lbId()}`)).toContain('(HTTP 403)');
  });

  it('sets a member with --wait, then replaces the members of a pool in one batch', async () => {
    await cli('lbaas-lb-member', `loadbalancer member set --weight 5 --name heavy --wait ${httpPool.id} ${members[0].id}`);
    expect(await asMember(`loadbalancer member show ${httpPool.id} ${members[0].id}`)).toMatchObject({
      weight: 5,
      name: 'heavy',
      provisioning_status: 'ACTIVE',
    });
    // The first member stays (same address and port, new weight), the second goes, a third comes.
    const batch = [
      { address: '198.18.61.11', protocol_port: 80, weight: 2 },
      { address: '198.18.61.13', protocol_port: 80, subnet_id: subnetId },
    ];
    expect(await clientCall('lbaas-lb-member', ['batch-members', String(httpPool.id), JSON.stringify(batch)])).toEqual({
      status: 202,
      body: null,
    });
    await waitFor(
      'the load balancer ACTIVE again',
      async () => (await asMember(`loadbalancer show ${lbId()}`)).provisioning_status === 'ACTIVE',
      60_000,
      500,
    );
    const after = await asMember<{ id: string; address: string; weight: number; provisioning_status: string }[]>(
      `loadbalancer member list ${httpPool.id}`,
    );
    expect(after.map((m) => [m.address, m.weight, m.provisioning_status]).sort()).toEqual([
      ['198.18.61.11', 2, 'ACTIVE'],
      ['198.18.61.13', 1, 'ACTIVE'],
    ]);
    expect(after.find((m) => m.address === '198.18.61.11')?.id).toBe(members[0].id);
  });

  it('lists the amphorae (admin), fails the load balancer over with --wait, and shows the roles moved', async () => {
    const amphorae = () => json<Amphora[]>('lbaas-admin', `loadbalancer amphora list --loadbalancer ${lbId()}`);
    const before = await amphorae();
    expect(before.map((a) => a.role).sort()).toEqual(['BACKUP', 'MASTER']);
    const standby = before.find((a) => a.role === 'BACKUP');
    expect(await refused('lbaas-lb-member', `loadbalancer failover ${lbId()}`)).toContain(
      'Policy does not allow this request to be performed. (HTTP 403)',
    );
    await cli('lbaas-admin', `loadbalancer failover --wait ${lbId()}`);
    expect(await json('lbaas-admin', `loadbalancer show ${lbId()}`)).toMatchObject({ provisioning_status: 'ACTIVE' });
    // The standby took over, and a new standby was placed in the old active's stead.
    let after: Amphora[] = [];
    await waitFor(
      'the standby MASTER and a new BACKUP',
      async () => {
        after = await amphorae();
        return after.length === 2 && after.find((a) => a.role === 'MASTER')?.id === standby?.id && after.some((a) => a.role === 'BACKUP');
      },
      60_000,
      500,
    );
    expect(after.find((a) => a.role === 'BACKUP')?.id).not.toBe(before.find((a) => a.role === 'MASTER')?.id);
  });

  it('deletes the load balancer with --cascade --wait: every object gone', async () => {
    await cli('lbaas-lb-member', `loadbalancer delete --cascade --wait ${lbId()}`);
    for (const kind of ['', 'listener ', 'pool ', 'healthmonitor ']) expect(await asMember(`loadbalancer ${kind}list`)).toEqual([]);
    expect((await clientCall('lbaas-lb-member', ['show-loadbalancer', lbId()])).code).toBe(404);
    await waitFor(
      'its amphorae gone',
      // `--loadbalancer` looks the load balancer up first, and it is gone: the whole list, filtered here.
      async () => !(await json<Amphora[]>('lbaas-admin', 'loadbalancer amphora list')).some((a) => a.loadbalancer_id === lbId()),
      60_000,
      500,
    );
  });
});
