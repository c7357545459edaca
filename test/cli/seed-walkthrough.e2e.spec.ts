import { type IssuedCertificate, makeTestCa, type Stack, startStack } from '@lbaas/testing';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  Certificate,
  FloatingIp,
  HealthMonitor,
  Member,
  Network,
  Pool,
  PoolStats,
  Port,
  Subnet,
  Vip,
} from '../acceptance/neutron-api';

const CLI = join(__dirname, '..', '..', 'apps', 'cli', 'dist', 'main.js');
/** A bound for one command on a loaded machine, not an expectation. */
const COMMAND_WITHIN_MS = 60_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}
type Env = Record<string, string | undefined>;

/** Settings of the developer's shell that would change which API or token the CLI uses. */
const SHELL_SETTINGS = ['OS_TOKEN', 'LBAAS_TOKEN', 'LBAAS_TOKENS_FILE', 'LBAAS_API_URL'];

/**
 * The seed's walk-through ("Load Balancer as a Service in Contrail", 2015, sections 1-3) typed
 * into the built `lbaas` command with `neutron` replaced by `lbaas`, against the built services:
 * each command's exit status and output (`-f json` parsed, tables read as text), then the
 * errors a user meets. The steps share state and run in order.
 */
describe('the seed walk-through with the lbaas CLI', () => {
  let stack: Stack;
  let demoTenant: string;
  let adminTenant: string;
  let baseEnv: Record<string, string>;

  let vipNet: Network;
  let vipSubnet: Subnet;
  let poolNet: Network;
  let poolSubnet: Subnet;
  let pool: Pool;
  let members: Member[];
  let vip: Vip;
  let publicNet: Network;
  let floatingIp: FloatingIp;
  let monitor: HealthMonitor;

  beforeAll(async () => {
    stack = await startStack();
    demoTenant = stack.tokens.demo.tenant_id;
    adminTenant = stack.tokens.admin.tenant_id;
    const inherited = Object.entries(process.env).filter(
      (e): e is [string, string] => e[1] !== undefined && !SHELL_SETTINGS.includes(e[0]),
    );
    baseEnv = { ...Object.fromEntries(inherited), LBAAS_API_URL: stack.apiUrl, OS_TOKEN: stack.tokens.demo.token };
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  /** `lbaas ARGS` as the demo tenant unless `env` says otherwise (an undefined value removes a variable). */
  function lbaas(args: readonly string[], env: Env = {}): Promise<Run> {
    const merged = Object.entries({ ...baseEnv, ...env }).filter((e): e is [string, string] => e[1] !== undefined);
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, ...args], { env: Object.fromEntries(merged), stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const bound = setTimeout(() => child.kill('SIGKILL'), COMMAND_WITHIN_MS);
      child.on('error', (error) => {
        clearTimeout(bound);
        reject(error);
      });
      child.on('close', (code) => {
        clearTimeout(bound);
        resolve({ code, stdout, stderr });
      });
    });
  }

  /** `lbaas ARGS -f json`, which must succeed, parsed. */
  async function json<T>(args: readonly string[], env: Env = {}): Promise<T> {
    const run = await lbaas([...args, '-f', 'json'], env);
    expect({ args, code: run.code, stderr: run.stderr }).toEqual({ args, code: 0, stderr: '' });
    return JSON.parse(run.stdout) as T;
  }

  /** A command that must fail with exit status 1 and exactly `message` on stderr, nothing on stdout. */
  async function expectFailure(args: readonly string[], message: string, env: Env = {}): Promise<void> {
    const run = await lbaas(args, env);
    expect({ args, code: run.code, stdout: run.stdout, stderr: run.stderr }).toEqual({ args, code: 1, stdout: '', stderr: `${message}\n` });
  }

  /** The Field | Value row of a table. */
  const row = (field: string, value: string) => new RegExp(`^\\| ${field.replace(/[.:]/g, '\\$&')} +\\| ${value} +\\|$`, 'm');
  const tokensFile = () => join(stack.dir, 'tokens.json');

  it('prints the help, listing the verbs, and the options of one verb', async () => {
    const help = await lbaas(['--help']);
    expect(help.code).toBe(0);
    for (const verb of [
      'net-create',
      'subnet-create',
      'lb-pool-create',
      'lb-member-create',
      'lb-vip-create',
      'lb-healthmonitor-associate',
      'floatingip-associate',
    ]) {
      expect(help.stdout).toContain(verb);
    }
    const verbHelp = await lbaas(['lb-pool-create', '--help']);
    expect(verbHelp.code).toBe(0);
    expect(verbHelp.stdout).toContain('usage: lbaas lb-pool-create --lb-method');
    expect(verbHelp.stdout).toContain('--wait');
  });

  describe('1. create the load balancer', () => {
    it('creates the VIP network and subnet (net-create vipnet; subnet-create --name vipsubnet vipnet 198.18.1.0/24)', async () => {
      vipNet = await json<Network>(['net-create', 'vipnet']);
      expect(vipNet).toEqual({
        id: expect.stringMatching(UUID),
        tenant_id: demoTenant,
        name: 'vipnet',
        admin_state_up: true,
        status: 'ACTIVE',
        subnets: [],
        shared: false,
        'router:external': false,
      });
      vipSubnet = await json<Subnet>(['subnet-create', '--name', 'vipsubnet', 'vipnet', '198.18.1.0/24']);
      expect(vipSubnet).toMatchObject({
        name: 'vipsubnet',
        network_id: vipNet.id,
        cidr: '198.18.1.0/24',
        gateway_ip: '198.18.1.1',
        tenant_id: demoTenant,
        allocation_pools: [{ start: '198.18.1.2', end: '198.18.1.254' }],
      });
    });

    it('creates the pool network and subnet, shown in a table by default', async () => {
      poolNet = await json<Network>(['net-create', 'poolnet']);
      const created = await lbaas(['subnet-create', '--name', 'poolsubnet', 'poolnet', '198.18.2.0/24']);
      expect({ code: created.code, stderr: created.stderr }).toEqual({ code: 0, stderr: '' });
      expect(created.stdout).toMatch(/^Created a new subnet:\n\+-+\+-+\+\n\| Field +\| Value +\|\n/);
      expect(created.stdout).toMatch(row('cidr', '198\\.18\\.2\\.0/24'));
      expect(created.stdout).toMatch(row('network_id', poolNet.id));
      poolSubnet = await json<Subnet>(['subnet-show', 'poolsubnet']);
      expect(created.stdout).toMatch(row('id', poolSubnet.id));

      const shown = await lbaas(['net-show', 'poolnet']);
      expect(shown.code).toBe(0);
      expect(shown.stdout).toMatch(row('name', 'poolnet'));
      expect(shown.stdout).toMatch(row('subnets', poolSubnet.id));
      expect(shown.stdout).toMatch(row('admin_state_up', 'True'));

      const listed = await json<{ id: string; name: string; subnets: string[] }[]>(['net-list']);
      expect(listed.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
        { id: poolNet.id, name: 'poolnet', subnets: [poolSubnet.id] },
        { id: vipNet.id, name: 'vipnet', subnets: [vipSubnet.id] },
      ]);
      const table = await lbaas(['net-list']);
      expect(table.stdout).toContain(`| ${vipSubnet.id} 198.18.1.0/24 |`);
    });

    it('creates an HTTP pool with ROUND_ROBIN on poolsubnet (lb-pool-create)', async () => {
      pool = await json<Pool>([
        'lb-pool-create',
        '--lb-method',
        'ROUND_ROBIN',
        '--name',
        'mypool',
        '--protocol',
        'HTTP',
        '--subnet-id',
        'poolsubnet',
      ]);
      expect(pool).toEqual({
        id: expect.stringMatching(UUID),
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
      });
    });

    it('adds two members on port 80 (lb-member-create --address A --protocol-port 80 mypool)', async () => {
      const first = await lbaas(['lb-member-create', '--address', '198.18.2.11', '--protocol-port', '80', 'mypool']);
      expect({ code: first.code, stderr: first.stderr }).toEqual({ code: 0, stderr: '' });
      expect(first.stdout).toMatch(/^Created a new member:\n/);
      expect(first.stdout).toMatch(row('pool_id', pool.id));
      expect(first.stdout).toMatch(row('weight', '1'));
      await json<Member>(['lb-member-create', '--address', '198.18.2.12', '--protocol-port', '80', 'mypool']);

      members = (await json<Member[]>(['lb-member-list', '-c', 'id', '-c', 'address', '-c', 'protocol_port', '-c', 'pool_id'])).sort(
        (a, b) => a.address.localeCompare(b.address),
      );
      expect(members).toEqual([
        { id: expect.stringMatching(UUID), address: '198.18.2.11', protocol_port: 80, pool_id: pool.id },
        { id: expect.stringMatching(UUID), address: '198.18.2.12', protocol_port: 80, pool_id: pool.id },
      ]);
      const ofPool = await lbaas(['lb-member-list', '--pool-id', 'mypool', '-f', 'value', '-c', 'address']);
      expect(ofPool.stdout.trim().split('\n').sort()).toEqual(['198.18.2.11', '198.18.2.12']);
    });

    it('creates the VIP on vipsubnet in front of mypool (lb-vip-create --name myvip --protocol-port 80 --protocol HTTP --subnet-id vipsubnet mypool)', async () => {
      vip = await json<Vip>([
        'lb-vip-create',
        '--name',
        'myvip',
        '--protocol-port',
        '80',
        '--protocol',
        'HTTP',
        '--subnet-id',
        'vipsubnet',
        'mypool',
      ]);
      expect(vip).toEqual({
        id: expect.stringMatching(UUID),
        tenant_id: demoTenant,
        name: 'myvip',
        description: '',
        subnet_id: vipSubnet.id,
        address: '198.18.1.2',
        port_id: expect.stringMatching(UUID),
        protocol_port: 80,
        protocol: 'HTTP',
        pool_id: pool.id,
        session_persistence: null,
        connection_limit: -1,
        tls_certificate_id: null,
        admin_state_up: true,
        status: 'PENDING_CREATE',
        status_description: null,
      });
      expect((await json<Pool>(['lb-pool-show', 'mypool'])).vip_id).toBe(vip.id);

      const ports = await json<Port[]>(['port-list']);
      expect(ports).toEqual([
        {
          id: vip.port_id,
          name: `vip-${vip.id}`,
          mac_address: expect.any(String),
          fixed_ips: [{ subnet_id: vipSubnet.id, ip_address: vip.address }],
        },
      ]);
      expect(await json<Port>(['port-show', `vip-${vip.id}`])).toMatchObject({
        id: vip.port_id,
        device_id: vip.id,
        device_owner: 'neutron:LOADBALANCER',
      });
    });

    it('lets the admin create the external network Public and its subnet (--os-tenant, --os-token)', async () => {
      publicNet = await json<Network>(['net-create', 'Public', '--router:external', '--os-tenant', 'admin'], {
        LBAAS_TOKENS_FILE: tokensFile(),
      });
      expect(publicNet).toMatchObject({ name: 'Public', tenant_id: adminTenant, 'router:external': true });
      const subnet = await json<Subnet>([
        'subnet-create',
        '--name',
        'public-subnet',
        'Public',
        '198.19.0.0/24',
        '--disable-dhcp',
        '--os-token',
        stack.tokens.admin.token,
      ]);
      expect(subnet).toMatchObject({ network_id: publicNet.id, cidr: '198.19.0.0/24', enable_dhcp: false, tenant_id: adminTenant });
    });

    it('allocates a floating IP on Public (floatingip-create Public)', async () => {
      floatingIp = await json<FloatingIp>(['floatingip-create', 'Public']);
      expect(floatingIp).toEqual({
        id: expect.stringMatching(UUID),
        tenant_id: demoTenant,
        floating_network_id: publicNet.id,
        floating_ip_address: '198.19.0.2',
        port_id: null,
        fixed_ip_address: null,
        router_id: null,
        status: 'DOWN',
      });
    });

    it("associates it with the VIP's port (floatingip-associate FIP PORT), and by address and port name", async () => {
      const associated = await lbaas(['floatingip-associate', floatingIp.id, vip.port_id]);
      expect({ code: associated.code, stderr: associated.stderr }).toEqual({ code: 0, stderr: '' });
      expect(associated.stdout).toMatch(new RegExp(`^Associated floating IP ${floatingIp.id}\n`));
      expect(await json<FloatingIp>(['floatingip-show', floatingIp.id])).toMatchObject({
        port_id: vip.port_id,
        fixed_ip_address: vip.address,
      });

      expect(await json<FloatingIp>(['floatingip-disassociate', floatingIp.id])).toMatchObject({ port_id: null, fixed_ip_address: null });
      floatingIp = await json<FloatingIp>(['floatingip-associate', '198.19.0.2', `vip-${vip.id}`]);
      expect(floatingIp).toMatchObject({ port_id: vip.port_id, fixed_ip_address: vip.address });
      expect(await json<unknown[]>(['floatingip-list'])).toEqual([
        { id: floatingIp.id, fixed_ip_address: vip.address, floating_ip_address: '198.19.0.2', port_id: vip.port_id },
      ]);
    });
  });

  describe('3. associate and disassociate a health monitor', () => {
    it('creates an HTTP monitor (lb-healthmonitor-create --delay 20 --timeout 10 --max-retries 3 --type HTTP)', async () => {
      monitor = await json<HealthMonitor>([
        'lb-healthmonitor-create',
        '--delay',
        '20',
        '--timeout',
        '10',
        '--max-retries',
        '3',
        '--type',
        'HTTP',
      ]);
      expect(monitor).toEqual({
        id: expect.stringMatching(UUID),
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
        status: 'ACTIVE',
        status_description: null,
      });
    });

    it('associates it with mypool (lb-healthmonitor-associate HM mypool)', async () => {
      const run = await lbaas(['lb-healthmonitor-associate', monitor.id, 'mypool']);
      expect(run).toEqual({ code: 0, stdout: `Associated health monitor ${monitor.id}\n`, stderr: '' });
      expect((await json<Pool>(['lb-pool-show', 'mypool'])).health_monitors).toEqual([monitor.id]);
    });

    it('disassociates it (lb-healthmonitor-disassociate HM mypool)', async () => {
      const run = await lbaas(['lb-healthmonitor-disassociate', monitor.id, 'mypool']);
      expect(run).toEqual({ code: 0, stdout: `Disassociated health monitor ${monitor.id}\n`, stderr: '' });
      expect((await json<Pool>(['lb-pool-show', 'mypool'])).health_monitors).toEqual([]);
    });
  });

  describe('on the running load balancer', () => {
    it('shows zero statistics for the pool (lb-pool-stats)', async () => {
      expect(await json<PoolStats>(['lb-pool-stats', 'mypool'])).toEqual({
        bytes_in: 0,
        bytes_out: 0,
        active_connections: 0,
        total_connections: 0,
      });
    });

    it('updates pools, members, VIPs, monitors and subnets by name or id', async () => {
      expect(await json<Pool>(['lb-pool-update', 'mypool', '--lb-method', 'LEAST_CONNECTIONS', '--description', 'web'])).toMatchObject({
        id: pool.id,
        lb_method: 'LEAST_CONNECTIONS',
        description: 'web',
      });
      expect(await json<Member>(['lb-member-update', members[0].id, '--weight', '3', '--admin-state-up', 'false'])).toMatchObject({
        id: members[0].id,
        weight: 3,
        admin_state_up: false,
      });
      expect(
        await json<Vip>([
          'lb-vip-update',
          'myvip',
          '--connection-limit',
          '1000',
          '--session-persistence',
          'type=APP_COOKIE,cookie_name=sid',
        ]),
      ).toMatchObject({
        id: vip.id,
        connection_limit: 1000,
        session_persistence: { type: 'APP_COOKIE', cookie_name: 'sid' },
      });
      expect(await json<HealthMonitor>(['lb-healthmonitor-update', monitor.id, '--max-retries', '5'])).toMatchObject({
        id: monitor.id,
        max_retries: 5,
      });
      expect(await json<Subnet>(['subnet-update', 'vipsubnet', '--dns-nameserver', '198.18.0.53'])).toMatchObject({
        id: vipSubnet.id,
        dns_nameservers: ['198.18.0.53'],
      });
      const table = await lbaas(['lb-pool-update', pool.id, '--admin-state-up', 'true']);
      expect(table.stdout).toMatch(new RegExp(`^Updated pool: ${pool.id}\n`));
    });

    it('gives up --wait cleanly after a short --timeout while the pool stays PENDING_CREATE (no data plane yet)', async () => {
      const run = await lbaas(['lb-pool-update', 'mypool', '--description', 'waited', '--wait', '--timeout', '1', '-f', 'json']);
      expect(run.code).toBe(1);
      expect(JSON.parse(run.stdout)).toMatchObject({ id: pool.id, description: 'waited', status: 'PENDING_CREATE' });
      expect(run.stderr).toContain(`Waiting for pool ${pool.id}: PENDING_CREATE`);
      expect(run.stderr).toContain(
        `Timed out after 1 s waiting for pool ${pool.id} to become ACTIVE or ERROR: its status is still PENDING_CREATE.\n`,
      );
    });

    it("picks a free /24 of 198.18.0.0/15 for a subnet without a CIDR, pasted with the seed's typographic dash", async () => {
      await json<Network>(['net-create', 'autonet']);
      const run = await lbaas(['subnet-create', '\u2013-name', 'autosubnet', 'autonet', '-f', 'json']);
      expect(run.code).toBe(0);
      expect(run.stderr).toBe('No CIDR given: using 198.18.0.0/24, the first /24 of 198.18.0.0/15 that no subnet you can see uses.\n');
      expect(JSON.parse(run.stdout)).toMatchObject({ name: 'autosubnet', cidr: '198.18.0.0/24' });
      expect(await lbaas(['subnet-delete', 'autosubnet'])).toEqual({ code: 0, stdout: 'Deleted subnet: autosubnet\n', stderr: '' });
      expect(await lbaas(['net-delete', 'autonet'])).toEqual({ code: 0, stdout: 'Deleted network: autonet\n', stderr: '' });
    });

    it('uses the demo token of the tokens file when no token is given', async () => {
      const pools = await json<{ id: string }[]>(['lb-pool-list', '-c', 'id'], { OS_TOKEN: undefined, LBAAS_TOKENS_FILE: tokensFile() });
      expect(pools).toEqual([{ id: pool.id }]);
    });
  });

  describe('TLS certificates (an extension: the seed has none)', () => {
    const caDir = mkdtempSync(join(tmpdir(), 'lbt-cli-certificates-'));
    let site: IssuedCertificate;
    let renewed: IssuedCertificate;
    let certificate: Certificate;
    const adminEnv = () => ({ LBAAS_TOKENS_FILE: tokensFile() });

    beforeAll(async () => {
      const ca = await makeTestCa(caDir);
      [site, renewed] = await Promise.all([ca.issue(['www.example.test']), ca.issue(['www.example.test'])]);
    }, 60_000);

    afterAll(() => rmSync(caDir, { recursive: true, force: true }));

    /** `lbaas ARGS`, whose output must hold neither private key. */
    async function keyless(args: readonly string[], env: Env = {}): Promise<Run> {
      const run = await lbaas(args, env);
      for (const { privateKeyPem } of [site, renewed]) {
        for (const line of privateKeyPem.split('\n').filter((l) => l && !l.startsWith('-----')))
          expect(`${run.stdout}${run.stderr}`).not.toContain(line);
      }
      return run;
    }
    const keylessJson = async <T>(args: readonly string[], env: Env = {}): Promise<T> => {
      const run = await keyless([...args, '-f', 'json'], env);
      expect({ args, code: run.code, stderr: run.stderr }).toEqual({ args, code: 0, stderr: '' });
      return JSON.parse(run.stdout) as T;
    };

    it('uploads a chain and key from their files and shows it by name, never the key (lb-certificate-create, -show, -list)', async () => {
      const created = await keyless([
        'lb-certificate-create',
        'www',
        '--certificate-file',
        site.certPath,
        '--private-key-file',
        site.keyPath,
      ]);
      expect({ code: created.code, stderr: created.stderr }).toEqual({ code: 0, stderr: '' });
      expect(created.stdout).toMatch(/^Created a new certificate:\n/);
      expect(created.stdout).toMatch(row('fingerprint', site.fingerprint));
      certificate = await keylessJson<Certificate>(['lb-certificate-show', 'www']);
      expect(certificate).toMatchObject({
        id: expect.stringMatching(UUID),
        tenant_id: demoTenant,
        name: 'www',
        fingerprint: site.fingerprint,
        hostnames: ['www.example.test'],
        vip_ids: [],
      });
      expect(await keylessJson<unknown[]>(['lb-certificate-list'])).toEqual([
        { id: certificate.id, name: 'www', hostnames: ['www.example.test'], not_after: certificate.not_after },
      ]);
    });

    it('names the file it cannot read, and sends nothing', async () => {
      const absent = join(caDir, 'absent.key');
      await expectFailure(
        ['lb-certificate-create', 'nokey', '--certificate-file', site.certPath, '--private-key-file', absent],
        `--private-key-file ${absent} cannot be read: ENOENT: no such file or directory, open '${absent}'`,
      );
      expect(await keylessJson<{ name: string }[]>(['lb-certificate-list', '-c', 'name'])).toEqual([{ name: 'www' }]);
    });

    it('terminates TLS on the VIP with it, by name, and keeps it while the VIP uses it (lb-vip-update --tls-certificate)', async () => {
      expect(await keylessJson<Vip>(['lb-vip-update', 'myvip', '--tls-certificate', 'www'])).toMatchObject({
        id: vip.id,
        tls_certificate_id: certificate.id,
      });
      expect((await keylessJson<Certificate>(['lb-certificate-show', certificate.id])).vip_ids).toEqual([vip.id]);
      const inUse = await keyless(['lb-certificate-delete', 'www']);
      expect({ code: inUse.code, stdout: inUse.stdout }).toEqual({ code: 1, stdout: '' });
      expect(inUse.stderr).toContain(vip.id);
    });

    it('replaces the chain and key in place, then an admin reseals it (lb-certificate-update, lb-certificate-reseal)', async () => {
      const replaced = await keylessJson<Certificate>([
        'lb-certificate-update',
        'www',
        '--certificate-file',
        renewed.certPath,
        '--private-key-file',
        renewed.keyPath,
        '--description',
        'renewed',
      ]);
      expect(replaced).toMatchObject({ id: certificate.id, fingerprint: renewed.fingerprint, description: 'renewed', vip_ids: [vip.id] });
      const refused = await keyless(['lb-certificate-reseal', 'www']);
      expect({ code: refused.code, stdout: refused.stdout }).toEqual({ code: 1, stdout: '' });
      expect(await keylessJson<Certificate>(['lb-certificate-reseal', 'www', '--os-tenant', 'admin'], adminEnv())).toMatchObject({
        id: certificate.id,
        fingerprint: renewed.fingerprint,
      });
    });

    it('takes it off the VIP and deletes it (lb-vip-update --no-tls-certificate, lb-certificate-delete)', async () => {
      expect(await keylessJson<Vip>(['lb-vip-update', 'myvip', '--no-tls-certificate'])).toMatchObject({
        id: vip.id,
        tls_certificate_id: null,
      });
      expect(await keyless(['lb-certificate-delete', 'www'])).toEqual({ code: 0, stdout: 'Deleted certificate: www\n', stderr: '' });
      expect(await keylessJson<unknown[]>(['lb-certificate-list'])).toEqual([]);
    });
  });

  describe('errors', () => {
    it("answers an unknown name with the neutron CLI's words and exit status 1", async () => {
      await expectFailure(['lb-pool-show', 'nosuchpool'], "Unable to find pool with name 'nosuchpool'");
      await expectFailure(
        ['lb-member-create', '--address', '198.18.2.13', '--protocol-port', '80', 'nosuchpool'],
        "Unable to find pool with name 'nosuchpool'",
      );
      await expectFailure(['floatingip-create', 'NoSuchNet'], "Unable to find network with name 'NoSuchNet'");
      await expectFailure(['lb-healthmonitor-delete', 'mymonitor'], "Unable to find health_monitor with id 'mymonitor'");
      expect((await json<Pool[]>(['lb-member-list', '-c', 'address'])).length).toBe(2);
    });

    it('asks for an id when a name matches several objects', async () => {
      const twins = [await json<Network>(['net-create', 'twinnet']), await json<Network>(['net-create', 'twinnet'])];
      await expectFailure(['net-show', 'twinnet'], "Multiple network matches found for name 'twinnet', use an ID to be more specific.");
      for (const twin of twins) expect((await lbaas(['net-delete', twin.id])).code).toBe(0);
    });

    it("hides another tenant's objects by name as the API does by id", async () => {
      await expectFailure(['lb-pool-show', 'mypool', '--os-tenant', 'other'], "Unable to find pool with name 'mypool'", {
        LBAAS_TOKENS_FILE: tokensFile(),
      });
    });

    it("prints the API's NeutronError message and exits 1", async () => {
      const body = { member: { pool_id: pool.id, address: '198.18.2.11', protocol_port: 80 } };
      const direct = await fetch(`${stack.apiUrl}/v2.0/lb/members`, {
        method: 'POST',
        headers: { 'X-Auth-Token': stack.tokens.demo.token, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      const { NeutronError } = (await direct.json()) as { NeutronError: { message: string } };
      expect(direct.status).toBe(409);
      await expectFailure(['lb-member-create', '--address', '198.18.2.11', '--protocol-port', '80', 'mypool'], NeutronError.message);

      const unauthorized = await lbaas(['lb-pool-list'], { OS_TOKEN: 'not-a-token' });
      expect(unauthorized.code).toBe(1);
      expect(unauthorized.stderr).toMatch(/token/i);
    });

    it('rejects a wrong command line with the usage and exit status 2', async () => {
      const missing = await lbaas(['lb-pool-create', '--name', 'x']);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain(
        'lbaas lb-pool-create: error: the following arguments are required: --lb-method, --protocol, --subnet-id',
      );
      const unknown = await lbaas(['lb-frobnicate']);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain("unknown command 'lb-frobnicate'");
      const badValue = await lbaas(['lb-vip-update', 'myvip', '--session-persistence', 'type=APP_COOKIE']);
      expect(badValue.code).toBe(2);
      expect(badValue.stderr).toContain('type=APP_COOKIE needs cookie_name=NAME');
    });

    it('says when there is no token at all', async () => {
      await expectFailure(
        ['net-list'],
        `LBAAS_TOKENS_FILE=${join(stack.dir, 'absent.json')} cannot be read: ENOENT: no such file or directory, open '${join(stack.dir, 'absent.json')}'`,
        {
          OS_TOKEN: undefined,
          LBAAS_TOKENS_FILE: join(stack.dir, 'absent.json'),
        },
      );
    });
  });

  describe('2. delete the load balancer, in the seed order', () => {
    it('deletes the VIP (lb-vip-delete): its port goes and the floating IP is disassociated', async () => {
      expect(await lbaas(['lb-vip-delete', 'myvip'])).toEqual({ code: 0, stdout: 'Deleted vip: myvip\n', stderr: '' });
      expect(await json<unknown[]>(['lb-vip-list'])).toEqual([]);
      expect(await json<unknown[]>(['port-list'])).toEqual([]);
      expect(await json<FloatingIp>(['floatingip-show', floatingIp.id])).toMatchObject({ port_id: null, fixed_ip_address: null });
    });

    it('deletes the members (lb-member-delete)', async () => {
      for (const member of members) {
        expect(await lbaas(['lb-member-delete', member.id])).toEqual({ code: 0, stdout: `Deleted member: ${member.id}\n`, stderr: '' });
      }
      expect(await json<unknown[]>(['lb-member-list'])).toEqual([]);
    });

    it('deletes the pool (lb-pool-delete)', async () => {
      expect(await lbaas(['lb-pool-delete', 'mypool'])).toEqual({ code: 0, stdout: 'Deleted pool: mypool\n', stderr: '' });
      expect(await json<unknown[]>(['lb-pool-list'])).toEqual([]);
      await expectFailure(['lb-pool-show', pool.id], `Unable to find pool with name '${pool.id}'`);
    });

    it('deletes the health monitor (lb-healthmonitor-delete)', async () => {
      expect(await lbaas(['lb-healthmonitor-delete', monitor.id])).toEqual({
        code: 0,
        stdout: `Deleted health_monitor: ${monitor.id}\n`,
        stderr: '',
      });
      expect(await json<unknown[]>(['lb-healthmonitor-list'])).toEqual([]);
    });

    it('releases the floating IP', async () => {
      expect(await lbaas(['floatingip-delete', floatingIp.id])).toEqual({
        code: 0,
        stdout: `Deleted floatingip: ${floatingIp.id}\n`,
        stderr: '',
      });
      expect(await json<unknown[]>(['floatingip-list'])).toEqual([]);
    });
  });
});
