import type { OptionSpec, OptionSpecs } from './command-line';
import { DEFAULT_API_URL } from './credentials';
import type { VerbGroup } from './verbs/catalogue';
import type { Verb } from './verbs/verb';

/** Options every Neutron-style verb takes: output and authentication. */
export const GLOBAL_OPTIONS: OptionSpecs = {
  format: { type: 'string', short: 'f', metavar: '{table,json,value}', help: 'Output format (default table; json for scripts).' },
  column: { type: 'string', short: 'c', multiple: true, metavar: 'COLUMN', help: 'Show only this field or column (repeatable).' },
  'os-cloud': { type: 'string', metavar: 'CLOUD', help: 'Authenticate with Keystone as this cloud of clouds.yaml (default: $OS_CLOUD).' },
  'os-token': {
    type: 'string',
    metavar: 'TOKEN',
    help: 'Auth token (default: $OS_TOKEN, $LBAAS_TOKEN, a Keystone token, else the demo token of .lbaas/dev-tokens.json).',
  },
  'os-tenant': { type: 'string', metavar: '{admin,demo,other}', help: 'Use this entry of .lbaas/dev-tokens.json (or $LBAAS_TOKENS_FILE).' },
  'os-url': {
    type: 'string',
    metavar: 'URL',
    help: `API endpoint (default: $LBAAS_API_URL, else the catalog's network endpoint with Keystone, else ${DEFAULT_API_URL}).`,
  },
  help: { type: 'boolean', short: 'h', help: 'Show this help.' },
};

function optionLabel(name: string, spec: OptionSpec): string {
  const long = `--${name}${spec.type === 'string' ? ` ${spec.metavar ?? 'VALUE'}` : ''}`;
  return spec.short ? `-${spec.short}, ${long}` : long;
}

function describe(entries: readonly (readonly [string, string])[]): string[] {
  const width = Math.min(40, Math.max(...entries.map(([label]) => label.length)));
  return entries.map(([label, text]) =>
    label.length > width ? `  ${label}\n  ${' '.repeat(width)}  ${text}` : `  ${label.padEnd(width)}  ${text}`,
  );
}

/** The options of a command that is no Neutron verb (`lbaas events tail`), a line each. */
export const optionLines = (specs: OptionSpecs): string[] =>
  describe(Object.entries(specs).map(([name, spec]) => [optionLabel(name, spec), spec.help]));

/** `usage: lbaas VERB --required X ... [options] POSITIONAL [OPTIONAL]`. */
export function verbUsage(verb: Verb): string {
  const required = Object.entries(verb.options)
    .filter(([, spec]) => spec.required)
    .map(([name, spec]) => optionLabel(name, spec));
  const positionals = verb.positionals.map((p) => (p.required ? p.name : `[${p.name}]`));
  return ['usage: lbaas', verb.name, ...required, '[options]', ...positionals].join(' ');
}

/** `lbaas VERB --help`. */
export function verbHelp(verb: Verb): string {
  const lines = [verbUsage(verb), '', verb.summary];
  if (verb.positionals.length > 0) lines.push('', 'positional arguments:', ...describe(verb.positionals.map((p) => [p.name, p.help])));
  const own = Object.entries(verb.options);
  if (own.length > 0)
    lines.push(
      '',
      'options:',
      ...describe(own.map(([name, spec]) => [optionLabel(name, spec), spec.required ? `${spec.help} Required.` : spec.help])),
    );
  lines.push(
    '',
    'output and authentication:',
    ...describe(Object.entries(GLOBAL_OPTIONS).map(([name, spec]) => [optionLabel(name, spec), spec.help])),
  );
  return lines.join('\n');
}

/** `lbaas --help`. */
export function mainHelp(groups: readonly VerbGroup[]): string {
  const lines = [
    "lbaas: the LBaaS command line, with the neutron CLI's LBaaS v1 verbs",
    '',
    'Usage:',
    '  lbaas VERB [options] [arguments]     `lbaas VERB --help` (or `lbaas help VERB`) for the options of one verb',
    '',
    'Operations:',
    ...describe([
      [
        'status',
        "health of every service, how far each consumer is behind the event log, the compute nodes' heartbeats, each NATS server (up, version, cluster, leader or follower of the event log) and the streams, KV buckets and object stores (size, replicas, leader)",
      ],
      [
        'events tail',
        'follow the event log live, a line per event (--aggregate ID, --type EVENT_TYPE, --from-start, -f json) until Ctrl-C',
      ],
      ['projections rebuild', 'drop the read models and replay the whole event log, showing progress'],
      ['audit [verify]', 'the audit trail: verify its hash chain, or list events by --object ID, --tenant ID, --since TIME'],
      ['dev fabric up|down', 'make or remove the local fabric of make up: lb-fabric, backends lb-be-1..3, client lb-client (root)'],
      ['dev kill-node NODE', "kill a compute node as a power cut would: its agent, its placements' links and processes (root for netns)"],
      ['dev nodes --count N', 'run N simulated compute nodes (sim-node-1...; --prefix NAME, --heartbeat-ms MS, --zone ZONE) until Ctrl-C'],
    ]),
  ];
  for (const group of groups) lines.push('', `${group.title}:`, ...describe(group.verbs.map((v) => [v.name, v.summary])));
  lines.push(
    '',
    'Every name of a network, subnet, port, pool, VIP or certificate may be given instead of its id.',
    'Creating or updating a pool or a VIP with --wait waits (--timeout SECONDS, default 60) until its status leaves PENDING_*.',
    '',
    'Output and authentication (every verb above):',
    ...describe(Object.entries(GLOBAL_OPTIONS).map(([name, spec]) => [optionLabel(name, spec), spec.help])),
    '',
    'Environment:',
    ...describe([
      ['LBAAS_API_URL', `API base URL (default ${DEFAULT_API_URL})`],
      ['OS_TOKEN, LBAAS_TOKEN', 'auth token, when --os-token, --os-tenant and --os-cloud are not given'],
      [
        'OS_CLOUD',
        'Keystone: a cloud of clouds.yaml ($OS_CLIENT_CONFIG_FILE, ./clouds.yaml, ~/.config/openstack/clouds.yaml, /etc/openstack/clouds.yaml)',
      ],
      [
        'OS_AUTH_URL, OS_USERNAME, OS_PASSWORD, OS_PROJECT_NAME',
        'Keystone without clouds.yaml (and OS_USER_DOMAIN_NAME, OS_PROJECT_DOMAIN_NAME, OS_REGION_NAME, OS_INTERFACE)',
      ],
      ['LBAAS_TOKENS_FILE', 'the dev tokens file (default .lbaas/dev-tokens.json, written by `make up`)'],
      [
        'LBAAS_NATS_URL',
        'NATS server for status, events tail and projections rebuild (default nats://127.0.0.1:4222; bin/lbaas reads .lbaas/nats.url)',
      ],
    ]),
    '',
    'The seed\'s walk-through ("Load Balancer as a Service in Contrail", 2015), with `neutron` replaced by `lbaas`:',
    '  lbaas net-create vipnet',
    '  lbaas subnet-create --name vipsubnet vipnet 198.18.1.0/24',
    '  lbaas net-create poolnet',
    '  lbaas subnet-create --name poolsubnet poolnet 198.18.2.0/24',
    '  lbaas lb-pool-create --lb-method ROUND_ROBIN --name mypool --protocol HTTP --subnet-id poolsubnet',
    '  lbaas lb-member-create --address 198.18.2.11 --protocol-port 80 mypool',
    '  lbaas lb-member-create --address 198.18.2.12 --protocol-port 80 mypool',
    '  lbaas lb-vip-create --name myvip --protocol-port 80 --protocol HTTP --subnet-id vipsubnet mypool',
    '  lbaas net-create Public --router:external --os-tenant admin     # once, by the admin',
    '  lbaas subnet-create --name public-subnet Public 198.19.0.0/24 --os-tenant admin',
    '  lbaas floatingip-create Public',
    '  lbaas floatingip-associate FLOATINGIP_ID "$(lbaas lb-vip-show myvip -f value -c port_id)"',
    '  lbaas lb-healthmonitor-create --delay 20 --timeout 10 --max-retries 3 --type HTTP',
    '  lbaas lb-healthmonitor-associate HEALTH_MONITOR_ID mypool',
  );
  return lines.join('\n');
}
