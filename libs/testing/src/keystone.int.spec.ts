import { execFile, spawn, spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { promisify } from 'node:util';
import { type KeystoneHandle, startKeystone } from './keystone';
import { sweepOrphanedKeystones } from './keystone-process';

const run = promisify(execFile);

interface ValidatedToken {
  readonly status: number;
  readonly token?: {
    readonly expires_at: string;
    readonly issued_at: string;
    readonly project: { readonly id: string; readonly name: string };
    readonly user: { readonly id: string; readonly name: string };
    readonly roles: readonly { readonly name: string }[];
    readonly catalog: readonly {
      readonly type: string;
      readonly endpoints: readonly { readonly interface: string; readonly url: string }[];
    }[];
  };
}

/** What the lbaas service does with a token it is given: GET /v3/auth/tokens as itself. */
async function validate(keystone: KeystoneHandle, serviceToken: string, subject: string): Promise<ValidatedToken> {
  const response = await fetch(`${keystone.url}/v3/auth/tokens`, { headers: { 'X-Auth-Token': serviceToken, 'X-Subject-Token': subject } });
  const body = (await response.json()) as { token?: ValidatedToken['token'] };
  return { status: response.status, token: body.token };
}

const mode = (path: string): number => statSync(path).mode & 0o777;
const API_URL = 'http://127.0.0.1:9696';
const OCTAVIA_URL = 'http://127.0.0.1:9876';

describe('startKeystone', () => {
  let keystone: KeystoneHandle;
  let serviceToken: string;

  beforeAll(async () => {
    keystone = await startKeystone({ apiUrl: API_URL });
    serviceToken = await keystone.token('lbaas');
  });
  afterAll(async () => {
    await keystone?.stop();
  });

  it('serves Keystone on a loopback port from a temporary directory of this run, secrets readable by their owner only', async () => {
    expect(keystone.url).toBe(`http://127.0.0.1:${keystone.port}`);
    expect(basename(keystone.dir)).toMatch(new RegExp(`^lbt-keystone-${process.pid}-`));
    const version = (await (await fetch(`${keystone.url}/v3`)).json()) as { version: { id: string } };
    expect(version.version.id).toMatch(/^v3\./);
    for (const file of [keystone.passwordFile, keystone.cloudsYaml, `${keystone.dir}/passwords.json`]) expect(mode(file)).toBe(0o600);
    expect(Object.keys(keystone.passwords).sort()).toEqual([
      'admin',
      'demo',
      'demo-reader',
      'lb-admin',
      'lb-global-observer',
      'lb-member',
      'lb-observer',
      'lbaas',
      'other',
      'other-lb-member',
    ]);
  });

  it('lets the openstack CLI issue a token with the clouds.yaml it wrote', async () => {
    const { stdout } = await run('/usr/bin/openstack', ['--os-cloud', 'lbaas-demo', 'token', 'issue', '-f', 'json'], {
      env: { ...process.env, OS_CLIENT_CONFIG_FILE: keystone.cloudsYaml },
    });
    const issued = JSON.parse(stdout) as { project_id: string; user_id: string };
    expect(issued.project_id).toBe(keystone.projects.demo);
    expect(issued.user_id).toBe(keystone.users.demo);
  });

  it('lets the service user validate a demo token, with the implied roles and the catalog naming the api', async () => {
    const demo = await keystone.token('demo');
    const { status, token } = await validate(keystone, serviceToken, demo);
    expect(status).toBe(200);
    expect(token?.project).toMatchObject({ id: keystone.projects.demo, name: 'demo' });
    expect(token?.user).toMatchObject({ id: keystone.users.demo, name: 'demo' });
    expect(token?.roles.map((r) => r.name).sort()).toEqual(['member', 'reader']);
    const network = token?.catalog.find((s) => s.type === 'network');
    expect(network?.endpoints.map((e) => [e.interface, e.url]).sort()).toEqual([
      ['admin', API_URL],
      ['internal', API_URL],
      ['public', API_URL],
    ]);
    expect(
      token?.catalog
        .find((s) => s.type === 'load-balancer')
        ?.endpoints.map((e) => [e.interface, e.url])
        .sort(),
    ).toEqual([
      ['admin', OCTAVIA_URL],
      ['internal', OCTAVIA_URL],
      ['public', OCTAVIA_URL],
    ]);
  });

  it('lists the load-balancer service octavia in the catalog through the openstack CLI', async () => {
    const { stdout } = await run('/usr/bin/openstack', ['--os-cloud', 'lbaas-admin', 'catalog', 'list', '-f', 'json'], {
      env: { ...process.env, OS_CLIENT_CONFIG_FILE: keystone.cloudsYaml },
    });
    const catalog = JSON.parse(stdout) as { Name: string; Type: string; Endpoints: { interface: string; url: string }[] }[];
    const octavia = catalog.find((service) => service.Type === 'load-balancer');
    expect(octavia?.Name).toBe('octavia');
    expect(octavia?.Endpoints.map((e) => [e.interface, e.url]).sort()).toEqual([
      ['admin', OCTAVIA_URL],
      ['internal', OCTAVIA_URL],
      ['public', OCTAVIA_URL],
    ]);
  });

  it.each([
    ['lb-member', 'demo', 'load-balancer_member'],
    ['lb-observer', 'demo', 'load-balancer_observer'],
    ['lb-global-observer', 'demo', 'load-balancer_global_observer'],
    ['lb-admin', 'demo', 'load-balancer_admin'],
    ['other-lb-member', 'other', 'load-balancer_member'],
  ] as const)("gives Octavia's persona %s on %s the role %s alone, and a cloud for it", async (user, project, role) => {
    const { token } = await validate(keystone, serviceToken, await keystone.token(user));
    expect(token?.project.id).toBe(keystone.projects[project]);
    expect(token?.roles.map((r) => r.name)).toEqual([role]);
    expect(readFileSync(keystone.cloudsYaml, 'utf8')).toContain(`  lbaas-${user}:\n    auth:\n`);
  });

  it('gives demo-reader only the reader role on demo, and other its own project', async () => {
    const reader = await validate(keystone, serviceToken, await keystone.token('demo-reader'));
    expect(reader.token?.project.id).toBe(keystone.projects.demo);
    expect(reader.token?.roles.map((r) => r.name)).toEqual(['reader']);
    const other = await validate(keystone, serviceToken, await keystone.token('other'));
    expect(other.token?.project.id).toBe(keystone.projects.other);
  });

  it('stops validating a token once it is revoked', async () => {
    const demo = await keystone.token('demo');
    expect((await validate(keystone, serviceToken, demo)).status).toBe(200);
    await keystone.revoke(demo);
    expect((await validate(keystone, serviceToken, demo)).status).toBe(404);
  });

  it('moves the catalog when asked', async () => {
    await keystone.setCatalog({ octaviaUrl: 'http://127.0.0.1:19876' });
    const { token } = await validate(keystone, serviceToken, await keystone.token('demo'));
    expect(token?.catalog.find((s) => s.type === 'load-balancer')?.endpoints.map((e) => e.url)).toEqual(
      Array(3).fill('http://127.0.0.1:19876'),
    );
    expect(token?.catalog.find((s) => s.type === 'network')?.endpoints[0].url).toBe(API_URL);
  });

  it('counts the requests it served', async () => {
    const before = await keystone.requestCount();
    for (let i = 0; i < 3; i++) await (await fetch(`${keystone.url}/v3`)).text();
    expect((await keystone.requestCount()) - before).toBe(3);
  });

  it('marks its processes with this run, and sweeps those of a run that died', async () => {
    const environ = readFileSync(`/proc/${keystone.pid()}/environ`, 'latin1').split('\0');
    expect(environ).toContain(`LBAAS_TESTING_KEYSTONE_OWNER=${process.pid}`);
    const deadRun = spawnSync(process.execPath, ['-e', '']).pid;
    const orphan = spawn('sleep', ['60'], { env: { ...process.env, LBAAS_TESTING_KEYSTONE_OWNER: String(deadRun) } });
    const ended = new Promise((resolve) => orphan.once('exit', (_code, signal) => resolve(signal)));
    sweepOrphanedKeystones();
    expect(await ended).toBe('SIGKILL');
    expect((await fetch(`${keystone.url}/v3`)).status).toBe(200);
  });

  it('comes back after kill() on the same port with the same users and keys', async () => {
    const demo = await keystone.token('demo');
    const pid = keystone.pid();
    await keystone.kill();
    await expect(fetch(`${keystone.url}/v3`)).rejects.toThrow();
    await keystone.start();
    expect(keystone.pid()).not.toBe(pid);
    expect((await validate(keystone, serviceToken, demo)).status).toBe(200);
    expect(await keystone.token('demo')).toEqual(expect.any(String));
  });
});

describe('startKeystone with tokenExpirationS', () => {
  let keystone: KeystoneHandle;

  beforeAll(async () => {
    keystone = await startKeystone({ tokenExpirationS: 5 });
  });
  afterAll(async () => {
    await keystone?.stop();
  });

  it('issues tokens that expire after that many seconds, and refuses them once they have', async () => {
    const serviceToken = await keystone.token('lbaas');
    const demo = await keystone.token('demo');
    const first = await validate(keystone, serviceToken, demo);
    const lifetimeMs = Date.parse(first.token!.expires_at) - Date.parse(first.token!.issued_at);
    expect(lifetimeMs).toBe(5000);
    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(first.token!.expires_at) - Date.now()) + 1000));
    const fresh = await keystone.token('lbaas');
    expect((await validate(keystone, fresh, demo)).status).toBe(404);
  });
});
