import { CommandError } from '../cli-errors';
import type { ParsedArgs } from '../command-line';
import { PROTOCOLS, type SessionPersistence } from '@lbaas/domain';
import { choiceValue, choicesMetavar, integerValue, sessionPersistenceValue } from '../option-values';
import { CERTIFICATE, POOL, SUBNET, VIP } from '../resources';
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
  resolved,
  showVerb,
  updateAndShow,
  waitSeconds,
} from './crud';
import type { Verb } from './verb';

const PERSISTENCE_HELP = 'type=SOURCE_IP, type=HTTP_COOKIE or type=APP_COOKIE,cookie_name=NAME.';
const TLS_HELP = 'Terminate TLS with this certificate (ID or name; see lb-certificate-create): HTTP VIPs only, usually on port 443.';

function sessionPersistenceOf(args: ParsedArgs): SessionPersistence | undefined {
  const text = args.string('session-persistence');
  return text === undefined ? undefined : sessionPersistenceValue(text);
}

function connectionLimit(args: ParsedArgs): number | undefined {
  const text = args.string('connection-limit');
  return text === undefined ? undefined : integerValue('connection-limit', text);
}

const vipCreate: Verb = {
  name: 'lb-vip-create',
  summary: 'Create a VIP in front of a pool.',
  positionals: [{ name: 'POOL', required: true, help: 'ID or name of the pool the VIP sends to.' }],
  options: {
    ...TENANT_OPTION,
    ...ADMIN_STATE_DOWN_OPTION,
    address: { type: 'string', metavar: 'ADDRESS', help: 'IP address of the VIP (default: the first free one of the subnet).' },
    'connection-limit': { type: 'string', metavar: 'CONNECTION_LIMIT', help: 'Most connections at once; -1 for no limit (default).' },
    description: { type: 'string', metavar: 'DESCRIPTION', help: 'Description of the VIP.' },
    name: { type: 'string', required: true, metavar: 'NAME', help: 'Name of the VIP.' },
    'protocol-port': { type: 'string', required: true, metavar: 'PROTOCOL_PORT', help: 'Port the VIP listens on.' },
    protocol: { type: 'string', required: true, metavar: choicesMetavar(PROTOCOLS), help: 'Protocol the VIP speaks.' },
    'subnet-id': { type: 'string', required: true, metavar: 'SUBNET', help: 'ID or name of the subnet the VIP address comes from.' },
    'session-persistence': { type: 'string', metavar: 'type=TYPE[,cookie_name=NAME]', help: PERSISTENCE_HELP },
    'tls-certificate': { type: 'string', metavar: 'CERTIFICATE', help: TLS_HELP },
    ...WAIT_OPTIONS,
  },
  async run(ctx, args) {
    const waitFor = waitSeconds(args);
    const port = integerValue('protocol-port', args.requiredOption('protocol-port'));
    const protocol = choiceValue('protocol', args.requiredOption('protocol'), PROTOCOLS);
    const persistence = sessionPersistenceOf(args);
    const limit = connectionLimit(args);
    const subnetId = await ctx.resolve(SUBNET, args.requiredOption('subnet-id'));
    const poolId = await ctx.resolve(POOL, args.required('POOL'));
    return createAndShow(
      ctx,
      VIP,
      given({
        name: args.requiredOption('name'),
        protocol_port: port,
        protocol,
        subnet_id: subnetId,
        pool_id: poolId,
        address: args.string('address'),
        description: args.string('description'),
        connection_limit: limit,
        session_persistence: persistence,
        tls_certificate_id: await resolved(ctx, CERTIFICATE, args.string('tls-certificate')),
        admin_state_up: args.flag('admin-state-down') ? false : undefined,
        tenant_id: args.string('tenant-id'),
      }),
      waitFor,
    );
  },
};

const vipUpdate: Verb = {
  name: 'lb-vip-update',
  summary: 'Update a VIP.',
  positionals: [{ name: 'VIP', required: true, help: 'ID or name of the VIP.' }],
  options: {
    name: { type: 'string', metavar: 'NAME', help: 'New name.' },
    description: { type: 'string', metavar: 'DESCRIPTION', help: 'New description.' },
    'pool-id': { type: 'string', metavar: 'POOL', help: 'Send to this pool instead (ID or name).' },
    'connection-limit': { type: 'string', metavar: 'CONNECTION_LIMIT', help: 'Most connections at once; -1 for no limit.' },
    'session-persistence': { type: 'string', metavar: 'type=TYPE[,cookie_name=NAME]', help: PERSISTENCE_HELP },
    'no-session-persistence': { type: 'boolean', help: 'Remove session persistence.' },
    'tls-certificate': {
      type: 'string',
      metavar: 'CERTIFICATE',
      help: 'Terminate TLS with this certificate instead (ID or name; HTTP VIPs only).',
    },
    'no-tls-certificate': { type: 'boolean', help: 'Stop terminating TLS: serve plain HTTP.' },
    ...ADMIN_STATE_UP_OPTION,
    ...WAIT_OPTIONS,
  },
  async run(ctx, args) {
    const waitFor = waitSeconds(args);
    const persistence = sessionPersistenceOf(args);
    if (persistence !== undefined && args.flag('no-session-persistence')) {
      throw new CommandError('--session-persistence and --no-session-persistence cannot go together.');
    }
    const certificate = args.string('tls-certificate');
    if (certificate !== undefined && args.flag('no-tls-certificate')) {
      throw new CommandError('--tls-certificate and --no-tls-certificate cannot go together.');
    }
    const limit = connectionLimit(args);
    return updateAndShow(
      ctx,
      VIP,
      args.required('VIP'),
      given({
        name: args.string('name'),
        description: args.string('description'),
        connection_limit: limit,
        session_persistence: args.flag('no-session-persistence') ? null : persistence,
        admin_state_up: adminStateUp(args),
        pool_id: await resolved(ctx, POOL, args.string('pool-id')),
        tls_certificate_id: args.flag('no-tls-certificate') ? null : await resolved(ctx, CERTIFICATE, certificate),
      }),
      waitFor,
    );
  },
};

export const VIP_VERBS: readonly Verb[] = [
  vipCreate,
  listVerb('lb-vip-list', VIP, 'List the VIPs you can see.'),
  showVerb('lb-vip-show', VIP, 'VIP', 'Show a VIP.'),
  vipUpdate,
  deleteVerb('lb-vip-delete', VIP, 'VIP', 'Delete a VIP.'),
];
