import { GLOBAL_OPTIONS, mainHelp, verbHelp, verbUsage } from './help';
import { VERB_GROUPS, findVerb } from './verbs/catalogue';

const verbs = VERB_GROUPS.flatMap((g) => g.verbs);

describe('help', () => {
  it('lists every verb once in the main help, with the operations', () => {
    const help = mainHelp(VERB_GROUPS);
    for (const verb of verbs) expect(help).toContain(`  ${verb.name}  `);
    expect(help).toContain('projections rebuild');
    expect(new Set(verbs.map((v) => v.name)).size).toBe(verbs.length);
  });

  it("offers the neutron CLI's verbs of the seed's walk-through", () => {
    const seed = [
      'net-create',
      'net-list',
      'net-show',
      'net-update',
      'net-delete',
      'subnet-create',
      'subnet-list',
      'subnet-show',
      'subnet-update',
      'subnet-delete',
      'lb-pool-create',
      'lb-pool-list',
      'lb-pool-show',
      'lb-pool-update',
      'lb-pool-delete',
      'lb-pool-stats',
      'lb-member-create',
      'lb-member-list',
      'lb-member-show',
      'lb-member-update',
      'lb-member-delete',
      'lb-vip-create',
      'lb-vip-list',
      'lb-vip-show',
      'lb-vip-update',
      'lb-vip-delete',
      'lb-healthmonitor-create',
      'lb-healthmonitor-associate',
      'lb-healthmonitor-disassociate',
      'lb-healthmonitor-list',
      'lb-healthmonitor-show',
      'lb-healthmonitor-update',
      'lb-healthmonitor-delete',
      'floatingip-create',
      'floatingip-associate',
      'floatingip-disassociate',
      'floatingip-list',
      'floatingip-show',
      'floatingip-delete',
      'port-list',
      'port-show',
    ];
    expect(seed.filter((name) => findVerb(name) === undefined)).toEqual([]);
  });

  it('gives no verb an option that a global option already names', () => {
    const clashes = verbs.flatMap((v) =>
      Object.keys(v.options)
        .filter((o) => o in GLOBAL_OPTIONS)
        .map((o) => `${v.name} --${o}`),
    );
    expect(clashes).toEqual([]);
  });

  it('shows the required options and positionals in the usage line', () => {
    const create = findVerb('lb-vip-create');
    expect(create && verbUsage(create)).toBe(
      'usage: lbaas lb-vip-create --name NAME --protocol-port PROTOCOL_PORT --protocol {HTTP,HTTPS,TCP} --subnet-id SUBNET [options] POOL',
    );
    const certificate = findVerb('lb-certificate-create');
    expect(certificate && verbUsage(certificate)).toBe('usage: lbaas lb-certificate-create --certificate-file FILE [options] NAME');
    const subnet = findVerb('subnet-create');
    expect(subnet && verbUsage(subnet)).toBe('usage: lbaas subnet-create [options] NETWORK [CIDR]');
  });

  it('offers the certificate verbs and the VIP options that use them', () => {
    const help = mainHelp(VERB_GROUPS);
    for (const name of ['create', 'list', 'show', 'update', 'delete', 'reseal']) expect(help).toContain(`  lb-certificate-${name}  `);
    const update = findVerb('lb-vip-update');
    const updateHelp = update ? verbHelp(update) : '';
    expect(updateHelp).toContain('--tls-certificate CERTIFICATE');
    expect(updateHelp).toContain('--no-tls-certificate');
  });

  it('says how to authenticate with Keystone', () => {
    const help = mainHelp(VERB_GROUPS);
    for (const text of ['--os-cloud CLOUD', 'OS_CLOUD', 'OS_CLIENT_CONFIG_FILE', 'OS_AUTH_URL, OS_USERNAME, OS_PASSWORD, OS_PROJECT_NAME'])
      expect(help).toContain(text);
  });

  it('describes every option of a verb and the global ones', () => {
    const create = findVerb('lb-pool-create');
    const help = create ? verbHelp(create) : '';
    for (const option of [
      '--lb-method',
      '--name',
      '--protocol',
      '--subnet-id',
      '--description',
      '--admin-state-down',
      '--wait',
      '--timeout SECONDS',
      '-f, --format',
      '--os-token',
    ]) {
      expect(help).toContain(option);
    }
  });
});
