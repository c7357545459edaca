import { integerValue } from '../option-values';
import { MEMBER, POOL } from '../resources';
import {
  ADMIN_STATE_DOWN_OPTION,
  ADMIN_STATE_UP_OPTION,
  TENANT_OPTION,
  adminStateUp,
  createAndShow,
  deleteVerb,
  given,
  resolved,
  showVerb,
  updateAndShow,
} from './crud';
import type { Verb } from './verb';

const memberCreate: Verb = {
  name: 'lb-member-create',
  summary: 'Add a member to a pool.',
  positionals: [{ name: 'POOL', required: true, help: 'ID or name of the pool the member joins.' }],
  options: {
    ...TENANT_OPTION,
    ...ADMIN_STATE_DOWN_OPTION,
    address: { type: 'string', required: true, metavar: 'ADDRESS', help: 'IP address of the member.' },
    'protocol-port': { type: 'string', required: true, metavar: 'PROTOCOL_PORT', help: 'Port the member listens on.' },
    weight: { type: 'string', metavar: 'WEIGHT', help: 'Share of the load, 0-256 (default 1).' },
  },
  async run(ctx, args) {
    const port = integerValue('protocol-port', args.requiredOption('protocol-port'));
    const weight = args.string('weight');
    const poolId = await ctx.resolve(POOL, args.required('POOL'));
    return createAndShow(
      ctx,
      MEMBER,
      given({
        pool_id: poolId,
        address: args.requiredOption('address'),
        protocol_port: port,
        weight: weight === undefined ? undefined : integerValue('weight', weight),
        admin_state_up: args.flag('admin-state-down') ? false : undefined,
        tenant_id: args.string('tenant-id'),
      }),
    );
  },
};

const memberList: Verb = {
  name: 'lb-member-list',
  summary: 'List the members you can see, or those of one pool.',
  positionals: [],
  options: { 'pool-id': { type: 'string', metavar: 'POOL', help: 'Only the members of this pool (ID or name).' } },
  async run(ctx, args) {
    const poolId = await resolved(ctx, POOL, args.string('pool-id'));
    ctx.out.list(await ctx.api.list(MEMBER, poolId === undefined ? [] : [['pool_id', poolId]]), MEMBER.listColumns);
    return 0;
  },
};

const memberUpdate: Verb = {
  name: 'lb-member-update',
  summary: 'Update a member.',
  positionals: [{ name: 'MEMBER', required: true, help: 'ID of the member.' }],
  options: {
    weight: { type: 'string', metavar: 'WEIGHT', help: 'New weight, 0-256.' },
    'pool-id': { type: 'string', metavar: 'POOL', help: 'Move the member to this pool (ID or name).' },
    ...ADMIN_STATE_UP_OPTION,
  },
  async run(ctx, args) {
    const weight = args.string('weight');
    return updateAndShow(
      ctx,
      MEMBER,
      args.required('MEMBER'),
      given({
        weight: weight === undefined ? undefined : integerValue('weight', weight),
        admin_state_up: adminStateUp(args),
        pool_id: await resolved(ctx, POOL, args.string('pool-id')),
      }),
    );
  },
};

export const MEMBER_VERBS: readonly Verb[] = [
  memberCreate,
  memberList,
  showVerb('lb-member-show', MEMBER, 'MEMBER', 'Show a member.'),
  memberUpdate,
  deleteVerb('lb-member-delete', MEMBER, 'MEMBER', 'Delete a member.'),
];
