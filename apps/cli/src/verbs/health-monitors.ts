import type { OptionSpecs, ParsedArgs } from '../command-line';
import { MONITOR_TYPES } from '@lbaas/domain';
import { choiceValue, choicesMetavar, integerValue } from '../option-values';
import { HEALTH_MONITOR, POOL } from '../resources';
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
import type { Verb } from './verb';

const PROBE_OPTIONS: OptionSpecs = {
  'http-method': { type: 'string', metavar: 'HTTP_METHOD', help: 'HTTP method of the probe (default GET).' },
  'url-path': { type: 'string', metavar: 'URL_PATH', help: 'Path the probe requests (default /).' },
  'expected-codes': {
    type: 'string',
    metavar: 'EXPECTED_CODES',
    help: 'Statuses that mean healthy: 200, 200,202 or 200-204 (default 200).',
  },
};

function integerOption(args: ParsedArgs, option: string): number | undefined {
  const text = args.string(option);
  return text === undefined ? undefined : integerValue(option, text);
}

function probeFields(args: ParsedArgs): Record<string, unknown> {
  return {
    delay: integerOption(args, 'delay'),
    timeout: integerOption(args, 'timeout'),
    max_retries: integerOption(args, 'max-retries'),
    http_method: args.string('http-method'),
    url_path: args.string('url-path'),
    expected_codes: args.string('expected-codes'),
  };
}

const monitorCreate: Verb = {
  name: 'lb-healthmonitor-create',
  summary: 'Create a health monitor.',
  positionals: [],
  options: {
    ...TENANT_OPTION,
    ...ADMIN_STATE_DOWN_OPTION,
    delay: { type: 'string', required: true, metavar: 'DELAY', help: 'Seconds between probes.' },
    timeout: { type: 'string', required: true, metavar: 'TIMEOUT', help: 'Seconds a probe may take.' },
    'max-retries': { type: 'string', required: true, metavar: 'MAX_RETRIES', help: 'Failed probes, 1-10, before a member is marked down.' },
    type: { type: 'string', required: true, metavar: choicesMetavar(MONITOR_TYPES), help: 'Kind of probe.' },
    ...PROBE_OPTIONS,
  },
  run: (ctx, args) =>
    createAndShow(
      ctx,
      HEALTH_MONITOR,
      given({
        type: choiceValue('type', args.requiredOption('type'), MONITOR_TYPES),
        ...probeFields(args),
        admin_state_up: args.flag('admin-state-down') ? false : undefined,
        tenant_id: args.string('tenant-id'),
      }),
    ),
};

const monitorUpdate: Verb = {
  name: 'lb-healthmonitor-update',
  summary: 'Update a health monitor.',
  positionals: [{ name: 'HEALTH_MONITOR', required: true, help: 'ID of the health monitor.' }],
  options: {
    delay: { type: 'string', metavar: 'DELAY', help: 'Seconds between probes.' },
    timeout: { type: 'string', metavar: 'TIMEOUT', help: 'Seconds a probe may take.' },
    'max-retries': { type: 'string', metavar: 'MAX_RETRIES', help: 'Failed probes, 1-10, before a member is marked down.' },
    ...PROBE_OPTIONS,
    ...ADMIN_STATE_UP_OPTION,
  },
  run: (ctx, args) =>
    updateAndShow(
      ctx,
      HEALTH_MONITOR,
      args.required('HEALTH_MONITOR'),
      given({ ...probeFields(args), admin_state_up: adminStateUp(args) }),
    ),
};

const PAIR = [
  { name: 'HEALTH_MONITOR', required: true, help: 'ID of the health monitor.' },
  { name: 'POOL', required: true, help: 'ID or name of the pool.' },
] as const;

const monitorAssociate: Verb = {
  name: 'lb-healthmonitor-associate',
  summary: 'Make a pool use a health monitor.',
  positionals: PAIR,
  options: {},
  async run(ctx, args) {
    const monitorId = await ctx.resolve(HEALTH_MONITOR, args.required('HEALTH_MONITOR'));
    const poolId = await ctx.resolve(POOL, args.required('POOL'));
    await ctx.api.call('POST', `${POOL.path}/${encodeURIComponent(poolId)}/health_monitors`, null, { health_monitor: { id: monitorId } });
    ctx.out.message(`Associated health monitor ${args.required('HEALTH_MONITOR')}`);
    return 0;
  },
};

const monitorDisassociate: Verb = {
  name: 'lb-healthmonitor-disassociate',
  summary: 'Stop a pool using a health monitor.',
  positionals: PAIR,
  options: {},
  async run(ctx, args) {
    const monitorId = await ctx.resolve(HEALTH_MONITOR, args.required('HEALTH_MONITOR'));
    const poolId = await ctx.resolve(POOL, args.required('POOL'));
    await ctx.api.call('DELETE', `${POOL.path}/${encodeURIComponent(poolId)}/health_monitors/${encodeURIComponent(monitorId)}`, null);
    ctx.out.message(`Disassociated health monitor ${args.required('HEALTH_MONITOR')}`);
    return 0;
  },
};

export const HEALTH_MONITOR_VERBS: readonly Verb[] = [
  monitorCreate,
  listVerb('lb-healthmonitor-list', HEALTH_MONITOR, 'List the health monitors you can see.'),
  showVerb('lb-healthmonitor-show', HEALTH_MONITOR, 'HEALTH_MONITOR', 'Show a health monitor.'),
  monitorUpdate,
  deleteVerb('lb-healthmonitor-delete', HEALTH_MONITOR, 'HEALTH_MONITOR', 'Delete a health monitor.'),
  monitorAssociate,
  monitorDisassociate,
];
