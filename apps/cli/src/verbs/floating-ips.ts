import { FLOATING_IP, NETWORK, PORT } from '../resources';
import { TENANT_OPTION, createAndShow, deleteVerb, given, listVerb, resolved, showVerb } from './crud';
import type { Verb } from './verb';

const FIXED_IP_OPTION = {
  'fixed-ip-address': {
    type: 'string',
    metavar: 'FIXED_IP_ADDRESS',
    help: "Which of the port's addresses to map to (default: its only one).",
  },
} as const;

const floatingIpCreate: Verb = {
  name: 'floatingip-create',
  summary: 'Allocate a floating IP on an external network.',
  positionals: [{ name: 'FLOATING_NETWORK', required: true, help: 'ID or name of the external network.' }],
  options: {
    ...TENANT_OPTION,
    ...FIXED_IP_OPTION,
    'port-id': { type: 'string', metavar: 'PORT', help: 'Associate it with this port at once (ID or name).' },
    'floating-ip-address': { type: 'string', metavar: 'FLOATING_IP_ADDRESS', help: 'This address rather than the first free one.' },
  },
  async run(ctx, args) {
    const networkId = await ctx.resolve(NETWORK, args.required('FLOATING_NETWORK'));
    return createAndShow(
      ctx,
      FLOATING_IP,
      given({
        floating_network_id: networkId,
        port_id: await resolved(ctx, PORT, args.string('port-id')),
        fixed_ip_address: args.string('fixed-ip-address'),
        floating_ip_address: args.string('floating-ip-address'),
        tenant_id: args.string('tenant-id'),
      }),
    );
  },
};

const floatingIpAssociate: Verb = {
  name: 'floatingip-associate',
  summary: "Map a floating IP to a port (a VIP's port, for a public VIP).",
  positionals: [
    { name: 'FLOATINGIP', required: true, help: 'ID or address of the floating IP.' },
    { name: 'PORT', required: true, help: 'ID or name of the port.' },
  ],
  options: FIXED_IP_OPTION,
  async run(ctx, args) {
    const floatingIpId = await ctx.resolve(FLOATING_IP, args.required('FLOATINGIP'));
    const portId = await ctx.resolve(PORT, args.required('PORT'));
    const associated = await ctx.api.update(
      FLOATING_IP,
      floatingIpId,
      given({ port_id: portId, fixed_ip_address: args.string('fixed-ip-address') }),
    );
    ctx.out.resource(associated, `Associated floating IP ${args.required('FLOATINGIP')}`);
    return 0;
  },
};

const floatingIpDisassociate: Verb = {
  name: 'floatingip-disassociate',
  summary: 'Unmap a floating IP from its port.',
  positionals: [{ name: 'FLOATINGIP', required: true, help: 'ID or address of the floating IP.' }],
  options: {},
  async run(ctx, args) {
    const floatingIpId = await ctx.resolve(FLOATING_IP, args.required('FLOATINGIP'));
    const disassociated = await ctx.api.update(FLOATING_IP, floatingIpId, { port_id: null });
    ctx.out.resource(disassociated, `Disassociated floating IP ${args.required('FLOATINGIP')}`);
    return 0;
  },
};

export const FLOATING_IP_VERBS: readonly Verb[] = [
  floatingIpCreate,
  listVerb('floatingip-list', FLOATING_IP, 'List the floating IPs you can see.'),
  showVerb('floatingip-show', FLOATING_IP, 'FLOATINGIP', 'Show a floating IP.'),
  deleteVerb('floatingip-delete', FLOATING_IP, 'FLOATINGIP', 'Release a floating IP.'),
  floatingIpAssociate,
  floatingIpDisassociate,
];
