import { CommandError } from '../cli-errors';
import type { OptionSpecs, ParsedArgs } from '../command-line';
import { DEFAULT_RANGE, firstFreeSlash24 } from '../free-cidr';
import { booleanValue, choiceValue, keyValues } from '../option-values';
import type { Row } from '../output';
import { NETWORK, PORT, SUBNET } from '../resources';
import {
  ADMIN_STATE_DOWN_OPTION,
  ADMIN_STATE_UP_OPTION,
  TENANT_OPTION,
  adminStateUp,
  createAndShow,
  deleteVerb,
  given,
  listVerb,
  showVerb,
  updateAndShow,
} from './crud';
import type { Verb, VerbContext } from './verb';

const netCreate: Verb = {
  name: 'net-create',
  summary: 'Create a network.',
  positionals: [{ name: 'NAME', required: true, help: 'Name of the network.' }],
  options: {
    ...TENANT_OPTION,
    ...ADMIN_STATE_DOWN_OPTION,
    'router:external': { type: 'boolean', help: 'An external network, where floating IPs come from (admin only).' },
    shared: { type: 'boolean', help: 'Every tenant may use it (admin only).' },
  },
  run: (ctx, args) =>
    createAndShow(
      ctx,
      NETWORK,
      given({
        name: args.required('NAME'),
        tenant_id: args.string('tenant-id'),
        admin_state_up: args.flag('admin-state-down') ? false : undefined,
        'router:external': args.has('router:external') ? args.flag('router:external') : undefined,
        shared: args.has('shared') ? args.flag('shared') : undefined,
      }),
    ),
};

/** net-list shows each subnet as "<id> <cidr>", as the neutron CLI does. */
const netList: Verb = {
  name: 'net-list',
  summary: 'List the networks you can see.',
  positionals: [],
  options: {},
  async run(ctx) {
    const networks = await ctx.api.list(NETWORK);
    const cidrs = new Map<string, string>();
    if (ctx.out.format !== 'json' && networks.some((n) => Array.isArray(n.subnets) && n.subnets.length > 0)) {
      for (const s of await ctx.api.list(SUBNET, [
        ['fields', 'id'],
        ['fields', 'cidr'],
      ]))
        cidrs.set(String(s.id), String(s.cidr));
    }
    ctx.out.list(networks, NETWORK.listColumns, (row, column) => {
      if (column !== 'subnets' || !Array.isArray(row.subnets)) return row[column];
      return row.subnets.map((id) => (cidrs.has(String(id)) ? `${String(id)} ${cidrs.get(String(id))}` : id));
    });
    return 0;
  },
};

const netUpdate: Verb = {
  name: 'net-update',
  summary: 'Update a network.',
  positionals: [{ name: 'NETWORK', required: true, help: 'ID or name of the network.' }],
  options: {
    name: { type: 'string', metavar: 'NAME', help: 'New name.' },
    ...ADMIN_STATE_UP_OPTION,
    shared: { type: 'string', metavar: 'true|false', help: 'Share it with every tenant or not (admin only).' },
  },
  run: (ctx, args) => {
    const shared = args.string('shared');
    return updateAndShow(
      ctx,
      NETWORK,
      args.required('NETWORK'),
      given({
        name: args.string('name'),
        admin_state_up: adminStateUp(args),
        shared: shared === undefined ? undefined : booleanValue('shared', shared),
      }),
    );
  },
};

const SUBNET_SHAPE_OPTIONS: OptionSpecs = {
  name: { type: 'string', metavar: 'NAME', help: 'Name of the subnet.' },
  gateway: { type: 'string', metavar: 'GATEWAY_IP', help: 'Gateway address (default: the first address of the CIDR).' },
  'no-gateway': { type: 'boolean', help: 'No gateway.' },
  'enable-dhcp': { type: 'boolean', help: 'Enable DHCP.' },
  'disable-dhcp': { type: 'boolean', help: 'Disable DHCP.' },
  'dns-nameserver': { type: 'string', multiple: true, metavar: 'DNS_NAMESERVER', help: 'A DNS server (repeatable).' },
  'host-route': { type: 'string', multiple: true, metavar: 'destination=CIDR,nexthop=IP_ADDR', help: 'A static route (repeatable).' },
};

/** The fields create and update share: gateway, DHCP, DNS servers, host routes. */
function subnetShape(args: ParsedArgs): Row {
  if (args.flag('no-gateway') && args.has('gateway')) throw new CommandError('--gateway and --no-gateway cannot go together.');
  if (args.flag('enable-dhcp') && args.flag('disable-dhcp')) throw new CommandError('--enable-dhcp and --disable-dhcp cannot go together.');
  const routes = args
    .strings('host-route')
    .map((text) => keyValues('host-route', text, ['destination', 'nexthop'], ['destination', 'nexthop']));
  const dns = args.strings('dns-nameserver');
  return given({
    name: args.string('name'),
    gateway_ip: args.flag('no-gateway') ? null : args.string('gateway'),
    enable_dhcp: args.flag('enable-dhcp') ? true : args.flag('disable-dhcp') ? false : undefined,
    dns_nameservers: dns.length > 0 ? dns : undefined,
    host_routes: routes.length > 0 ? routes : undefined,
  });
}

/** Without a CIDR, the first /24 of 198.18.0.0/15 that no subnet the caller sees overlaps. */
async function cidrFor(ctx: VerbContext, cidr: string | undefined): Promise<string> {
  if (cidr !== undefined) return cidr;
  const used = (await ctx.api.list(SUBNET, [['fields', 'cidr']])).map((s) => String(s.cidr));
  const free = firstFreeSlash24(used);
  if (free === null) throw new CommandError(`No CIDR given and every /24 of ${DEFAULT_RANGE} overlaps a subnet you can see; give one.`);
  ctx.out.note(`No CIDR given: using ${free}, the first /24 of ${DEFAULT_RANGE} that no subnet you can see uses.`);
  return free;
}

const subnetCreate: Verb = {
  name: 'subnet-create',
  summary: 'Create a subnet on a network; without a CIDR, picks a free /24 of 198.18.0.0/15.',
  positionals: [
    { name: 'NETWORK', required: true, help: 'ID or name of the network.' },
    { name: 'CIDR', required: false, help: `CIDR of the subnet (default: a free /24 of ${DEFAULT_RANGE}).` },
  ],
  options: {
    ...TENANT_OPTION,
    ...SUBNET_SHAPE_OPTIONS,
    'allocation-pool': {
      type: 'string',
      multiple: true,
      metavar: 'start=IP_ADDR,end=IP_ADDR',
      help: 'A range to allocate addresses from (repeatable).',
    },
    'ip-version': { type: 'string', metavar: '4', help: 'IP version; only 4.' },
  },
  async run(ctx, args) {
    const version = args.string('ip-version');
    if (version !== undefined) choiceValue('ip-version', version, ['4']);
    const pools = args.strings('allocation-pool').map((text) => keyValues('allocation-pool', text, ['start', 'end'], ['start', 'end']));
    const networkId = await ctx.resolve(NETWORK, args.required('NETWORK'));
    return createAndShow(
      ctx,
      SUBNET,
      given({
        ...subnetShape(args),
        network_id: networkId,
        cidr: await cidrFor(ctx, args.positional('CIDR')),
        ip_version: 4,
        tenant_id: args.string('tenant-id'),
        allocation_pools: pools.length > 0 ? pools : undefined,
      }),
    );
  },
};

const subnetUpdate: Verb = {
  name: 'subnet-update',
  summary: 'Update a subnet.',
  positionals: [{ name: 'SUBNET', required: true, help: 'ID or name of the subnet.' }],
  options: {
    ...SUBNET_SHAPE_OPTIONS,
    'no-dns-nameservers': { type: 'boolean', help: 'Remove every DNS server.' },
    'no-host-routes': { type: 'boolean', help: 'Remove every host route.' },
  },
  run: (ctx, args) =>
    updateAndShow(
      ctx,
      SUBNET,
      args.required('SUBNET'),
      given({
        ...(args.flag('no-dns-nameservers') ? { dns_nameservers: [] } : {}),
        ...(args.flag('no-host-routes') ? { host_routes: [] } : {}),
        ...subnetShape(args),
      }),
    ),
};

export const NETWORK_VERBS: readonly Verb[] = [
  netCreate,
  netList,
  showVerb('net-show', NETWORK, 'NETWORK', 'Show a network.'),
  netUpdate,
  deleteVerb('net-delete', NETWORK, 'NETWORK', 'Delete a network.'),
  subnetCreate,
  listVerb('subnet-list', SUBNET, 'List the subnets you can see.'),
  showVerb('subnet-show', SUBNET, 'SUBNET', 'Show a subnet.'),
  subnetUpdate,
  deleteVerb('subnet-delete', SUBNET, 'SUBNET', 'Delete a subnet.'),
  listVerb('port-list', PORT, 'List the ports you can see (each VIP has one).'),
  showVerb('port-show', PORT, 'PORT', 'Show a port.'),
];
