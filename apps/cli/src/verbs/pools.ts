import { LB_METHODS, PROTOCOLS } from '@lbaas/domain';
import { choiceValue, choicesMetavar } from '../option-values';
import { POOL, SUBNET } from '../resources';
import {
  ADMIN_STATE_DOWN_OPTION,
  ADMIN_STATE_UP_OPTION,
  TENANT_OPTION,
  WAIT_OPTIONS,
  adminStateUp,
  createAndShow,
  deleteVerb,
  given,
  listVerb,
  showVerb,
  updateAndShow,
  waitSeconds,
} from './crud';
import type { Verb } from './verb';

const poolCreate: Verb = {
  name: 'lb-pool-create',
  summary: 'Create a pool.',
  positionals: [],
  options: {
    ...TENANT_OPTION,
    ...ADMIN_STATE_DOWN_OPTION,
    description: { type: 'string', metavar: 'DESCRIPTION', help: 'Description of the pool.' },
    'lb-method': { type: 'string', required: true, metavar: choicesMetavar(LB_METHODS), help: 'The algorithm that spreads the load.' },
    name: { type: 'string', required: true, metavar: 'NAME', help: 'Name of the pool.' },
    protocol: { type: 'string', required: true, metavar: choicesMetavar(PROTOCOLS), help: 'Protocol to the members.' },
    'subnet-id': { type: 'string', required: true, metavar: 'SUBNET', help: 'ID or name of the subnet of the members.' },
    provider: { type: 'string', metavar: 'PROVIDER', help: 'Provider name of the load balancer service (haproxy).' },
    ...WAIT_OPTIONS,
  },
  async run(ctx, args) {
    const waitFor = waitSeconds(args);
    const lbMethod = choiceValue('lb-method', args.requiredOption('lb-method'), LB_METHODS);
    const name = args.requiredOption('name');
    const protocol = choiceValue('protocol', args.requiredOption('protocol'), PROTOCOLS);
    const subnetId = await ctx.resolve(SUBNET, args.requiredOption('subnet-id'));
    return createAndShow(
      ctx,
      POOL,
      given({
        name,
        lb_method: lbMethod,
        protocol,
        subnet_id: subnetId,
        description: args.string('description'),
        admin_state_up: args.flag('admin-state-down') ? false : undefined,
        provider: args.string('provider'),
        tenant_id: args.string('tenant-id'),
      }),
      waitFor,
    );
  },
};

const poolUpdate: Verb = {
  name: 'lb-pool-update',
  summary: 'Update a pool.',
  positionals: [{ name: 'POOL', required: true, help: 'ID or name of the pool.' }],
  options: {
    name: { type: 'string', metavar: 'NAME', help: 'New name.' },
    description: { type: 'string', metavar: 'DESCRIPTION', help: 'New description.' },
    'lb-method': { type: 'string', metavar: choicesMetavar(LB_METHODS), help: 'New algorithm.' },
    ...ADMIN_STATE_UP_OPTION,
    ...WAIT_OPTIONS,
  },
  run: (ctx, args) => {
    const waitFor = waitSeconds(args);
    const lbMethod = args.string('lb-method');
    return updateAndShow(
      ctx,
      POOL,
      args.required('POOL'),
      given({
        name: args.string('name'),
        description: args.string('description'),
        lb_method: lbMethod === undefined ? undefined : choiceValue('lb-method', lbMethod, LB_METHODS),
        admin_state_up: adminStateUp(args),
      }),
      waitFor,
    );
  },
};

const poolStats: Verb = {
  name: 'lb-pool-stats',
  summary: "Show a pool's traffic counters.",
  positionals: [{ name: 'POOL', required: true, help: 'ID or name of the pool.' }],
  options: {},
  async run(ctx, args) {
    const id = await ctx.resolve(POOL, args.required('POOL'));
    ctx.out.resource(await ctx.api.call('GET', `${POOL.path}/${encodeURIComponent(id)}/stats`, 'stats'));
    return 0;
  },
};

export const POOL_VERBS: readonly Verb[] = [
  poolCreate,
  listVerb('lb-pool-list', POOL, 'List the pools you can see.'),
  showVerb('lb-pool-show', POOL, 'POOL', 'Show a pool.'),
  poolUpdate,
  deleteVerb('lb-pool-delete', POOL, 'POOL', 'Delete a pool.'),
  poolStats,
];
