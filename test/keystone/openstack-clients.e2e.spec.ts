import { builtService, freePort, type ServiceProcess, spawnService, waitFor, cleanEnv } from '@lbaas/testing';
import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Browser, chromium } from 'playwright-core';
import { authEnv, type KeystoneStack, startKeystoneStack } from './keystone-stack';

/** Debian's python3 and openstack CLI (python3-neutronclient, python3-openstackclient), not whatever is first on PATH. */
const PYTHON = '/usr/bin/python3';
const OPENSTACK = '/usr/bin/openstack';
const CHROMIUM = '/usr/bin/chromium';
const CLI = join(__dirname, '..', '..', 'apps', 'cli', 'dist', 'main.js');
const run = promisify(execFile);

type Row = Record<string, unknown>;
interface Rejection {
  class: string;
  status: number;
  message: string;
}
interface WorkflowResult {
  associate: Row;
  vip: Row;
  fip_associated: Row;
  list_subnets: string[];
  update_pool: Row;
  rejections: Record<string, Rejection | null>;
  left_after_deletes: Record<string, number>;
}
interface AuditRow {
  event_type: string;
  aggregate_id: string;
  tenant_id: string;
  actor: string;
}

/**
 * The OpenStack clients people already use, against the real Keystone of `startKeystone()` and
 * the api validating its tokens: python-neutronclient with a keystoneauth1 session, the
 * `openstack` CLI, `bin/lbaas` with OS_CLOUD, and the dashboard's sign-in with a password.
 */
describe('OpenStack clients authenticated by Keystone', () => {
  let ks: KeystoneStack;
  let audit: ServiceProcess;
  let dashboard: ServiceProcess;
  let dashboardUrl: string;
  let auditDb: string;
  let networkId: string;

  const openstack = async (args: string[]): Promise<unknown> => {
    const { stdout } = await run(OPENSTACK, ['--os-cloud', 'lbaas-demo', ...args, '-f', 'json'], {
      env: cleanEnv({ OS_CLIENT_CONFIG_FILE: ks.keystone.cloudsYaml }),
      timeout: 120_000,
    });
    return JSON.parse(stdout) as unknown;
  };
  const lbaas = (args: string[], env: Record<string, string>) =>
    spawnSync(process.execPath, [CLI, ...args], { env: cleanEnv({ LBAAS_AUDIT_DB: auditDb, ...env }), encoding: 'utf8', timeout: 60_000 });
  const asDemo = { OS_CLIENT_CONFIG_FILE: '', OS_CLOUD: 'lbaas-demo' };

  beforeAll(async () => {
    ks = await startKeystoneStack();
    asDemo.OS_CLIENT_CONFIG_FILE = ks.keystone.cloudsYaml;
    auditDb = join(ks.stack.dir, 'audit.sqlite');
    audit = spawnService('audit', builtService('audit'), {
      LBAAS_NATS_URL: ks.stack.nats.url,
      LBAAS_HEALTH_PORT: String(await freePort()),
      LBAAS_AUDIT_DB: auditDb,
    });
    const port = await freePort();
    dashboardUrl = `http://127.0.0.1:${port}`;
    dashboard = spawnService('dashboard', builtService('dashboard'), {
      ...authEnv(ks, join(ks.stack.dir, 'tokens.json')),
      LBAAS_NATS_URL: ks.stack.nats.url,
      LBAAS_HEALTH_HOST: '127.0.0.1',
      LBAAS_HEALTH_PORT: String(port),
    });
    await waitFor(
      'the dashboard to be ready',
      async () => (await fetch(`${dashboardUrl}/readyz`).catch(() => null))?.ok === true,
      60_000,
      100,
    );
  }, 240_000);

  afterAll(async () => {
    await Promise.all([audit, dashboard].filter(Boolean).map((s) => s.stop()));
    await ks?.stop();
  }, 60_000);

  it('runs the seed workflow through python-neutronclient with a keystoneauth1 session, the API found in the catalog', async () => {
    const { stdout } = await run(
      PYTHON,
      [join(__dirname, 'neutron_workflow_keystone.py'), ks.keystone.cloudsYaml, 'lbaas-demo', 'lbaas-admin'],
      {
        env: cleanEnv({}),
        timeout: 180_000,
      },
    );
    const result = JSON.parse(stdout) as WorkflowResult;
    expect(result.associate).toEqual({ health_monitor: {} });
    expect(result.fip_associated.port_id).toBe(result.vip.port_id);
    expect(result.vip.tenant_id).toBe(ks.keystone.projects.demo);
    // The admin's shared Public subnet is seen by the demo project too.
    expect(result.list_subnets).toEqual(['198.18.1.0/24', '198.18.2.0/24', '198.19.0.0/24']);
    expect(result.update_pool.lb_method).toBe('LEAST_CONNECTIONS');
    expect(result.rejections.pool_in_use).toMatchObject({ class: 'Conflict', status: 409 });
    expect(result.rejections.missing_pool).toMatchObject({ class: 'NotFound', status: 404 });
    expect(result.left_after_deletes).toEqual({ pools: 0, members: 0, vips: 0, health_monitors: 0, floatingips: 0, ports: 0, subnets: 0 });
  });

  it('creates with bin/lbaas as the OS_CLOUD user, the endpoint taken from the catalog', () => {
    const created = lbaas(['net-create', 'ks-cli-net', '-f', 'json'], asDemo);
    expect(created.stderr).toBe('');
    const network = JSON.parse(created.stdout) as { id: string; tenant_id: string };
    expect(network.tenant_id).toBe(ks.keystone.projects.demo);
    networkId = network.id;
    const listed = lbaas(['net-list', '-f', 'json'], { ...asDemo, OS_CLOUD: 'lbaas-other' });
    // Another project sees the admin's shared Public network of the workflow, not the demo project's.
    expect((JSON.parse(listed.stdout) as { name: string }[]).map((n) => n.name)).toEqual(['Public']);
  });

  it('lists the catalog with the openstack CLI, and reaches this API with `openstack network list` and `network show`', async () => {
    const catalog = (await openstack(['catalog', 'list'])) as { Name: string; Type: string; Endpoints: unknown }[];
    const network = catalog.find((service) => service.Type === 'network');
    expect(network?.Name).toBe('neutron');
    expect(JSON.stringify(network?.Endpoints)).toContain(ks.stack.apiUrl);
    const networks = (await openstack(['network', 'list'])) as { ID: string; Name: string }[];
    expect(networks).toContainEqual(expect.objectContaining({ ID: networkId, Name: 'ks-cli-net' }));
    // Neutron v1's objects carry tenant_id only, so the CLI's project_id column stays empty.
    const shown = (await openstack(['network', 'show', 'ks-cli-net'])) as { id: string; name: string };
    expect(shown).toMatchObject({ id: networkId, name: 'ks-cli-net' });
  });

  it("answers the openstack CLI's security group and subnet pool calls: the project's derived default group, no pools", async () => {
    const groups = (await openstack(['security', 'group', 'list'])) as { ID: string; Name: string; Description: string; Project: string }[];
    expect(groups).toEqual([
      expect.objectContaining({ Name: 'default', Description: 'Default security group', Project: ks.keystone.projects.demo }),
    ]);
    const shown = (await openstack(['security', 'group', 'show', groups[0].ID])) as { id: string; name: string; project_id: string };
    expect(shown).toMatchObject({ id: groups[0].ID, name: 'default', project_id: ks.keystone.projects.demo });
    expect(await openstack(['subnet', 'pool', 'list'])).toEqual([]);
    const refused = await run(OPENSTACK, ['--os-cloud', 'lbaas-demo', 'security', 'group', 'delete', groups[0].ID], {
      env: cleanEnv({ OS_CLIENT_CONFIG_FILE: ks.keystone.cloudsYaml }),
      timeout: 120_000,
    }).then(
      () => '',
      (error: { stderr?: string }) => error.stderr ?? '',
    );
    expect(refused).toContain('Insufficient rights for removing default security group');
  });

  it('records the Keystone user as the actor in the audit trail, and `lbaas audit` prints it', async () => {
    const actor = `keystone:${ks.keystone.users.demo}:demo`;
    const recorded = (): AuditRow[] => {
      const listed = lbaas(['audit', '--object', networkId, '-f', 'json'], {});
      return listed.status === 0 ? (JSON.parse(listed.stdout) as AuditRow[]) : [];
    };
    await waitFor('the network in the audit trail', () => recorded().some((r) => r.event_type === 'NetworkCreated'), 30_000, 200);
    expect(recorded().find((r) => r.event_type === 'NetworkCreated')).toMatchObject({
      aggregate_id: networkId,
      tenant_id: ks.keystone.projects.demo,
      actor,
    });
    const table = lbaas(['audit', '--object', networkId], {});
    expect(table.stdout).toContain(`| ${actor} |`);
  });

  it("says why it cannot authenticate: a wrong password in Keystone's words, an unreachable Keystone, and never the password", async () => {
    const wrong = 'not-the-password-0123';
    const env = { OS_AUTH_URL: `${ks.keystone.url}/v3`, OS_USERNAME: 'demo', OS_PASSWORD: wrong, OS_PROJECT_NAME: 'demo' };
    const refused = lbaas(['net-list'], env);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(
      /^Keystone refused to authenticate user 'demo' \(the OS_\* environment\): 401 Unauthorized: The request you have made requires authentication\./,
    );
    const unreachable = lbaas(['net-list'], { ...env, OS_AUTH_URL: `http://127.0.0.1:${await freePort()}/v3` });
    expect(unreachable.status).toBe(1);
    expect(unreachable.stderr).toMatch(
      /^Unable to reach Keystone at http:\/\/127\.0\.0\.1:\d+\/v3\/auth\/tokens \(the OS_\* environment\): /,
    );
    for (const answer of [refused, unreachable]) expect(answer.stderr + answer.stdout).not.toContain(wrong);
  });

  describe('the dashboard', () => {
    let browser: Browser;

    beforeAll(async () => {
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    });
    afterAll(() => browser?.close());

    it('signs in with a Keystone user name and password, and says why a wrong password is refused', async () => {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(error.message));
      await page.goto(dashboardUrl);
      await page.locator('#username-input').fill('demo');
      await page.locator('#password-input').fill('not-the-password-0123');
      await page.locator('#password-sign-in').click();
      await waitFor(
        "Keystone's refusal on the form",
        async () => ((await page.locator('#login-error').textContent()) ?? '').includes('requires authentication'),
        30_000,
        100,
      );

      await page.locator('#password-input').fill(ks.keystone.passwords.demo);
      await page.locator('#password-sign-in').click();
      await waitFor(
        'the live page of the demo project',
        async () => (await page.locator('#connection').textContent()) === 'live',
        30_000,
        100,
      );
      expect(await page.locator('#viewer').textContent()).toBe(`demo (tenant ${ks.keystone.projects.demo})`);
      expect(await page.locator('#tenant-filter').isVisible()).toBe(false);
      // The password left the form once it was used.
      expect(await page.locator('#password-input').inputValue()).toBe('');
      expect(problems).toEqual([]);
      await page.close();
    });

    it('shows an administrator signed in with a password every tenant', async () => {
      const page = await browser.newPage();
      await page.goto(dashboardUrl);
      await page.locator('#username-input').fill('admin');
      await page.locator('#password-input').fill(ks.keystone.passwords.admin);
      await page.locator('#project-input').fill('admin');
      await page.locator('#password-sign-in').click();
      await waitFor(
        'the live page of the administrator',
        async () => (await page.locator('#connection').textContent()) === 'live',
        30_000,
        100,
      );
      expect(await page.locator('#viewer').textContent()).toBe('admin (administrator: every tenant)');
      await page.close();
    });
  });
});
