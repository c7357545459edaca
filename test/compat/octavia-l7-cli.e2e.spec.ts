import { builtService, freePort, type ServiceProcess, spawnService, waitFor, cleanEnv } from '@lbaas/testing';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type KeystoneStack, startKeystoneStack } from '../keystone/keystone-stack';

/** Debian's openstack CLI (python3-openstackclient with python3-octaviaclient), not whatever is first on PATH. */
const OPENSTACK = '/usr/bin/openstack';
const run = promisify(execFile);
/** A bound for a loaded machine: `--wait` polls every 3 s, and the fake data plane applies in well under one. */
const CLI_WITHIN_MS = 120_000;
const MEMBER = 'lbaas-lb-member';

type Row = Record<string, unknown>;
interface PolicyRow {
  id: string;
  name: string;
  action: string;
  position: number;
}
interface RuleRow {
  id: string;
  type: string;
  compare_type: string;
  value: string;
  provisioning_status: string;
}

/**
 * A tenant's L7 workflow with the real `openstack loadbalancer l7policy` and `l7rule` commands
 * against the real Keystone: policies of every redirecting kind placed by position and moved,
 * rules of several types changed and deleted, each `--wait` ending ACTIVE because the scheduler,
 * the config renderer and two fake-driver node agents apply every revision; the refusals as the
 * client prints them; and the project's l7policy and l7rule quotas.
 */
describe('the openstack loadbalancer l7policy and l7rule commands against Keystone and the v2 API', () => {
  let ks: KeystoneStack;
  const services: ServiceProcess[] = [];
  let project = '';
  let lb: Row;
  let listener: Row;
  let poolA: Row;
  let poolB: Row;
  let otherPool: Row;
  const policies = {} as Record<'toPool' | 'reject' | 'prefix', Row>;
  const rules = {} as Record<'path' | 'host' | 'header', Row>;

  const env = () => cleanEnv({ OS_CLIENT_CONFIG_FILE: ks.keystone.cloudsYaml });
  /** The CLI as `cloud` with `args` as they are (a regex with spaces or backslashes stays one argument): its stdout. */
  const cliArgs = async (cloud: string, args: readonly string[]): Promise<string> =>
    (await run(OPENSTACK, ['--os-cloud', cloud, ...args], { env: env(), timeout: CLI_WITHIN_MS })).stdout;
  /** `line` split on spaces (names and ids have none). */
  const cli = (cloud: string, line: string): Promise<string> => cliArgs(cloud, line.split(' '));
  const asMember = async <T = Row>(line: string): Promise<T> => JSON.parse(await cli(MEMBER, `${line} -f json`)) as T;
  const argsAsMember = async <T = Row>(args: readonly string[]): Promise<T> =>
    JSON.parse(await cliArgs(MEMBER, [...args, '-f', 'json'])) as T;
  /** The CLI expecting a refusal: what it printed on stderr (it exits non-zero). */
  const refused = async (args: readonly string[], cloud = MEMBER): Promise<string> => {
    const outcome = await cliArgs(cloud, args).then(
      (stdout) => new Error(`expected a refusal, the CLI printed: ${stdout}`),
      (error: { code?: number; stderr?: string }) => error,
    );
    if (outcome instanceof Error || typeof outcome.code !== 'number' || outcome.code === 0) throw outcome;
    return outcome.stderr ?? '';
  };
  /** The listener's policies in evaluation order, as `[name, position]`. */
  const order = async (): Promise<[string, number][]> => {
    const listed = await asMember<PolicyRow[]>(`loadbalancer l7policy list --listener ${listener.id}`);
    const shown = await Promise.all(listed.map((p) => asMember<PolicyRow>(`loadbalancer l7policy show ${p.id}`)));
    return shown.map((p): [string, number] => [p.name, p.position]).sort((a, b) => a[1] - b[1]);
  };
  /** What `l7rule create --wait` would do if it could: the rule, once ACTIVE. */
  const ruleActive = async (policy: Row, rule: Row): Promise<Row> => {
    let shown: Row = {};
    await waitFor(
      `rule ${rule.id} ACTIVE`,
      async () => (shown = await asMember(`loadbalancer l7rule show ${policy.id} ${rule.id}`)).provisioning_status === 'ACTIVE',
      CLI_WITHIN_MS,
      1_000,
    );
    return shown;
  };
  const lbStatus = async () => (await asMember(`loadbalancer show ${lb.id}`)).provisioning_status;

  beforeAll(async () => {
    ks = await startKeystoneStack();
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
    for (const node of ['lbl7cli-node-1', 'lbl7cli-node-2']) {
      const agentEnv = { LBAAS_HEALTH_PORT: String(await freePort()), LBAAS_NODE_DRIVER: 'fake', LBAAS_HEARTBEAT_MS: '300' };
      services.push(spawnService(node, builtService('node-agent'), { ...common, ...agentEnv }, [node]));
    }
    for (const s of services) s.start();
    await cli('lbaas-demo', 'network create l7cli-net -f json');
    const subnet = JSON.parse(
      await cli('lbaas-demo', 'subnet create --network l7cli-net --subnet-range 198.18.63.0/24 l7cli-subnet -f json'),
    ) as Row;
    const subnetId = String(subnet.id);
    lb = await asMember(`loadbalancer create --name l7 --vip-subnet-id ${subnetId} --wait`);
    listener = await asMember(`loadbalancer listener create --name web --protocol HTTP --protocol-port 80 --wait ${lb.id}`);
    poolA = await asMember(
      `loadbalancer pool create --name pool-a --listener ${listener.id} --protocol HTTP --lb-algorithm ROUND_ROBIN --wait`,
    );
    poolB = await asMember(
      `loadbalancer pool create --name pool-b --loadbalancer ${lb.id} --protocol HTTP --lb-algorithm ROUND_ROBIN --wait`,
    );
    const other = await asMember(`loadbalancer create --name other --vip-subnet-id ${subnetId} --wait`);
    otherPool = await asMember(
      `loadbalancer pool create --name other-pool --loadbalancer ${other.id} --protocol HTTP --lb-algorithm ROUND_ROBIN --wait`,
    );
  }, 360_000);

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    await ks?.stop();
  }, 60_000);

  it('creates REDIRECT_TO_POOL, REJECT and, at position 1, REDIRECT_PREFIX policies, each --wait ending ACTIVE', async () => {
    policies.toPool = await asMember(
      `loadbalancer l7policy create --name to-pool-b --action REDIRECT_TO_POOL --redirect-pool pool-b --wait ${listener.id}`,
    );
    expect(policies.toPool).toMatchObject({
      action: 'REDIRECT_TO_POOL',
      redirect_pool_id: poolB.id,
      position: 1,
      provisioning_status: 'ACTIVE',
    });
    policies.reject = await asMember(`loadbalancer l7policy create --name reject --action REJECT --wait ${listener.id}`);
    expect(policies.reject).toMatchObject({ action: 'REJECT', redirect_pool_id: null, position: 2, provisioning_status: 'ACTIVE' });
    policies.prefix = await asMember(
      `loadbalancer l7policy create --name prefix --action REDIRECT_PREFIX --redirect-prefix https://www.lbaas.test --redirect-http-code 301 --position 1 --wait ${listener.id}`,
    );
    expect(policies.prefix).toMatchObject({
      action: 'REDIRECT_PREFIX',
      redirect_prefix: 'https://www.lbaas.test',
      redirect_http_code: 301,
      position: 1,
      listener_id: listener.id,
      project_id: project,
      provisioning_status: 'ACTIVE',
    });
    // The insert moved the others down one.
    expect(await order()).toEqual([
      ['prefix', 1],
      ['to-pool-b', 2],
      ['reject', 3],
    ]);
    expect(await asMember(`loadbalancer l7policy show to-pool-b`)).toMatchObject({ id: policies.toPool.id, position: 2 });
    expect(String((await asMember(`loadbalancer listener show ${listener.id}`)).l7policies)).toContain(policies.prefix.id);
    expect(await lbStatus()).toBe('ACTIVE');
  });

  it('creates PATH STARTS_WITH, HOST_NAME REGEX and an inverted HEADER rule, shown and listed under their policy', async () => {
    // octaviaclient 3.1's `l7rule create --wait` waits for the load balancer, then asks for
    // /l7policies/<rule>/rules/<policy> (it passes l7rule_show its two ids the wrong way round), so
    // it prints that 404 for a rule it created: the rule is there, ACTIVE. Real Octavia answers that
    // path with the same 404.
    const path = ['loadbalancer', 'l7rule', 'create', '--type', 'PATH', '--compare-type', 'STARTS_WITH', '--value', '/api'];
    expect(await refused([...path, '--wait', String(policies.toPool.id)])).toContain(`${policies.toPool.id} not found (HTTP 404)`);
    [rules.path] = await asMember<Row[]>(`loadbalancer l7rule list ${policies.toPool.id}`);
    expect(rules.path).toMatchObject({
      type: 'PATH',
      compare_type: 'STARTS_WITH',
      value: '/api',
      invert: false,
      provisioning_status: 'ACTIVE',
    });
    // Without --wait the client prints the created rule; the spec waits as --wait would have.
    const host = ['loadbalancer', 'l7rule', 'create', '--type', 'HOST_NAME', '--compare-type', 'REGEX', '--value'];
    rules.host = await argsAsMember([...host, '^beta[0-9]*\\.lbaas\\.test$', String(policies.toPool.id)]);
    expect(rules.host).toMatchObject({ type: 'HOST_NAME', compare_type: 'REGEX', value: '^beta[0-9]*\\.lbaas\\.test$' });
    await ruleActive(policies.toPool, rules.host);
    rules.header = await asMember(
      `loadbalancer l7rule create --type HEADER --key X-Block --compare-type EQUAL_TO --value yes --invert ${policies.reject.id}`,
    );
    expect(rules.header).toMatchObject({ type: 'HEADER', key: 'X-Block', value: 'yes', invert: true });
    await ruleActive(policies.reject, rules.header);
    expect(await asMember(`loadbalancer l7rule show ${policies.toPool.id} ${rules.host.id}`)).toMatchObject({
      id: rules.host.id,
      project_id: project,
      admin_state_up: true,
    });
    const listed = await asMember<RuleRow[]>(`loadbalancer l7rule list ${policies.toPool.id}`);
    expect(listed.map((r) => [r.type, r.compare_type, r.value]).sort()).toEqual([
      ['HOST_NAME', 'REGEX', '^beta[0-9]*\\.lbaas\\.test$'],
      ['PATH', 'STARTS_WITH', '/api'],
    ]);
    expect((await asMember<RuleRow[]>(`loadbalancer l7rule list ${policies.reject.id}`)).map((r) => r.id)).toEqual([rules.header.id]);
    expect(
      String((await asMember(`loadbalancer l7policy show ${policies.toPool.id}`)).rules)
        .split('\n')
        .sort(),
    ).toEqual([String(rules.path.id), String(rules.host.id)].sort());
  });

  it('changes a rule, disables one and deletes one with --wait', async () => {
    await cli(MEMBER, `loadbalancer l7rule set --compare-type EQUAL_TO --value /api/v2 --wait ${policies.toPool.id} ${rules.path.id}`);
    expect(await asMember(`loadbalancer l7rule show ${policies.toPool.id} ${rules.path.id}`)).toMatchObject({
      compare_type: 'EQUAL_TO',
      value: '/api/v2',
      provisioning_status: 'ACTIVE',
    });
    await cli(MEMBER, `loadbalancer l7rule set --disable --wait ${policies.reject.id} ${rules.header.id}`);
    expect(await asMember(`loadbalancer l7rule show ${policies.reject.id} ${rules.header.id}`)).toMatchObject({
      admin_state_up: false,
      invert: true,
      operating_status: 'OFFLINE',
    });
    await cli(MEMBER, `loadbalancer l7rule delete --wait ${policies.toPool.id} ${rules.host.id}`);
    expect((await asMember<RuleRow[]>(`loadbalancer l7rule list ${policies.toPool.id}`)).map((r) => r.id)).toEqual([rules.path.id]);
    // The client looks a rule up by id, then by name; a rule has no name, which the v2 API says.
    expect(await refused(['loadbalancer', 'l7rule', 'show', String(policies.toPool.id), String(rules.host.id)])).toContain(
      "One or more arguments are either duplicate or invalid: 'name' is not a field of l7rules. (HTTP 400)",
    );
    expect(await lbStatus()).toBe('ACTIVE');
  });

  it("refuses, as the client prints them, a regex HAProxy cannot compile (400) and another load balancer's pool (404)", async () => {
    const regex = ['loadbalancer', 'l7rule', 'create', '--type', 'PATH', '--compare-type', 'REGEX', '--value'];
    expect(await refused([...regex, '(abc', String(policies.toPool.id)])).toContain(
      'Error parsing L7Rule: Unable to parse regular expression: missing closing parenthesis (at offset 4) (HTTP 400)',
    );
    expect(await refused([...regex, '(?<=a+)b', String(policies.toPool.id)])).toMatch(
      /lookbehind assertion is not fixed length.*\(HTTP 400\)/,
    );
    const create = ['loadbalancer', 'l7policy', 'create', '--action', 'REDIRECT_TO_POOL', '--redirect-pool'];
    expect(await refused([...create, String(otherPool.id), String(listener.id)])).toContain(`Pool ${otherPool.id} not found. (HTTP 404)`);
    // A refusal changes nothing.
    expect((await order()).map(([name]) => name)).toEqual(['prefix', 'to-pool-b', 'reject']);
    expect(await lbStatus()).toBe('ACTIVE');
  });

  it('refuses to delete a pool a policy redirects to (409), and deletes it once the policy redirects no more', async () => {
    expect(await refused(['loadbalancer', 'pool', 'delete', String(poolB.id)])).toContain(
      `Pool ${poolB.id} is in use by L7 Policy ${policies.toPool.id}; change its redirect_pool_id first. (HTTP 409)`,
    );
    // Moving the REJECT first and making the pool policy a REJECT too: the pool is free.
    await cli(MEMBER, `loadbalancer l7policy set --position 1 --wait ${policies.reject.id}`);
    expect(await order()).toEqual([
      ['reject', 1],
      ['prefix', 2],
      ['to-pool-b', 3],
    ]);
    await cli(MEMBER, `loadbalancer l7policy set --action REJECT --name rejected --wait ${policies.toPool.id}`);
    expect(await asMember(`loadbalancer l7policy show ${policies.toPool.id}`)).toMatchObject({
      action: 'REJECT',
      name: 'rejected',
      redirect_pool_id: null,
      position: 3,
      provisioning_status: 'ACTIVE',
    });
    await cli(MEMBER, `loadbalancer pool delete --wait ${poolB.id}`);
    expect((await asMember<Row[]>(`loadbalancer pool list --loadbalancer ${lb.id}`)).map((p) => p.id)).toEqual([poolA.id]);
    // And back to a pool by changing the action with the pool named.
    await cli(MEMBER, `loadbalancer l7policy set --action REDIRECT_TO_POOL --redirect-pool pool-a --wait ${policies.toPool.id}`);
    expect(await asMember(`loadbalancer l7policy show ${policies.toPool.id}`)).toMatchObject({
      action: 'REDIRECT_TO_POOL',
      redirect_pool_id: poolA.id,
    });
  });

  it('deletes policies with --wait, the later ones moving up', async () => {
    await cli(MEMBER, `loadbalancer l7policy delete --wait ${policies.reject.id}`);
    expect(await order()).toEqual([
      ['prefix', 1],
      ['rejected', 2],
    ]);
    await cli(MEMBER, `loadbalancer l7policy delete --wait ${policies.prefix.id}`);
    expect(await order()).toEqual([['rejected', 1]]);
    expect(await refused(['loadbalancer', 'l7policy', 'show', String(policies.prefix.id)])).toContain('Unable to locate');
    expect(await lbStatus()).toBe('ACTIVE');
  });

  it("enforces the project's l7policy and l7rule quotas with Octavia's 403", async () => {
    // One policy (with its one rule) is left: a limit of 1 refuses the second.
    const set = JSON.parse(await cli('lbaas-admin', `loadbalancer quota set --l7policy 1 --l7rule 1 ${project} -f json`)) as Row;
    expect(set).toMatchObject({ l7policy: 1, l7rule: 1 });
    expect(await refused(['loadbalancer', 'l7policy', 'create', '--action', 'REJECT', String(listener.id)])).toContain(
      'Quota has been met for resources: L7 Policy (HTTP 403)',
    );
    const rule = ['loadbalancer', 'l7rule', 'create', '--type', 'PATH', '--compare-type', 'STARTS_WITH', '--value', '/more'];
    expect(await refused([...rule, String(policies.toPool.id)])).toContain('Quota has been met for resources: L7 Rule (HTTP 403)');
    expect((await order()).map(([name]) => name)).toEqual(['rejected']);
    // Deleting the policy frees both units.
    await cli(MEMBER, `loadbalancer l7policy delete --wait ${policies.toPool.id}`);
    const again = await asMember(`loadbalancer l7policy create --name again --action REJECT --wait ${listener.id}`);
    expect(
      await ruleActive(
        again,
        await asMember(`loadbalancer l7rule create --type PATH --compare-type STARTS_WITH --value /more ${again.id}`),
      ),
    ).toMatchObject({
      provisioning_status: 'ACTIVE',
    });
    await cli('lbaas-admin', `loadbalancer quota reset ${project}`);
    expect(await asMember(`loadbalancer l7policy create --name after-reset --action REJECT --wait ${listener.id}`)).toMatchObject({
      position: 2,
    });
  });
});
