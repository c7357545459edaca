import { AGGREGATE_KIND } from '../envelope';
import { Conflict, NotFound, ValidationError } from '../errors';
import { live } from '../lifecycle';
import type {
  AssociatePool,
  CreateHealthMonitor,
  DeleteHealthMonitor,
  DisassociatePool,
  HealthMonitorCommand,
  UpdateHealthMonitor,
} from './commands';
import type {
  HealthMonitorAssociated,
  HealthMonitorCreated,
  HealthMonitorDeleted,
  HealthMonitorDisassociated,
  HealthMonitorEvent,
  HealthMonitorUpdated,
  MonitorSettings,
} from './events';
import type { HealthMonitorState } from './state';

const KIND = AGGREGATE_KIND.healthmonitor;
export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE', 'CONNECT'] as const;
export const MONITOR_DEFAULTS = { httpMethod: 'GET', urlPath: '/', expectedCodes: '200', adminStateUp: true } as const;
/** `200`, `200,202`, `200-204`: what Neutron accepts and what the renderer can turn into an rstatus regex. */
const EXPECTED_CODES = /^([1-5]\d\d)(\s*,\s*[1-5]\d\d)*$|^([1-5]\d\d)-([1-5]\d\d)$/;
/** url_path reaches haproxy.cfg: an absolute path of visible ASCII, without spaces or quotes. */
const URL_PATH = /^\/[A-Za-z0-9\-._~!$&()*+,;=:@%/?]{0,254}$/;

const bad = (field: string, reason: string): ValidationError =>
  new ValidationError(`Invalid input for ${field}. Reason: ${reason}.`, 'HTTPBadRequest');

/** The rules every stored monitor satisfies; the HTTP fields are checked for every type because they are always shown. */
export function checkMonitorSettings(s: MonitorSettings): void {
  for (const [field, value] of [
    ['delay', s.delay],
    ['timeout', s.timeout],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) throw bad(field, `'${value}' must be a positive integer`);
  }
  if (!Number.isInteger(s.maxRetries) || s.maxRetries < 1 || s.maxRetries > 10)
    throw bad('max_retries', `'${s.maxRetries}' is not in range 1 through 10`);
  if (s.delay < s.timeout) {
    throw new ValidationError(
      `Invalid input: delay (${s.delay}) must be greater than or equal to timeout (${s.timeout}).`,
      'HTTPBadRequest',
    );
  }
  if (!(HTTP_METHODS as readonly string[]).includes(s.httpMethod))
    throw bad('http_method', `'${s.httpMethod}' is not one of ${HTTP_METHODS.join(', ')}`);
  if (!URL_PATH.test(s.urlPath)) throw bad('url_path', `'${s.urlPath}' is not an absolute URL path`);
  const codes = EXPECTED_CODES.exec(s.expectedCodes);
  if (!codes || (codes[3] !== undefined && Number(codes[3]) > Number(codes[4]))) {
    throw bad('expected_codes', `'${s.expectedCodes}' is not a status code, a list like 200,202 or a range like 200-204`);
  }
}

const createHealthMonitor = ({ data }: CreateHealthMonitor, state: HealthMonitorState): [HealthMonitorCreated] => {
  if (state.kind !== 'absent') throw new Conflict('HealthMonitorExists', `Health monitor ${data.monitorId} already exists.`);
  const created: HealthMonitorCreated['data'] = {
    monitorId: data.monitorId,
    tenantId: data.tenantId,
    type: data.type,
    delay: data.delay,
    timeout: data.timeout,
    maxRetries: data.maxRetries,
    httpMethod: data.httpMethod ?? MONITOR_DEFAULTS.httpMethod,
    urlPath: data.urlPath ?? MONITOR_DEFAULTS.urlPath,
    expectedCodes: data.expectedCodes ?? MONITOR_DEFAULTS.expectedCodes,
    adminStateUp: data.adminStateUp ?? MONITOR_DEFAULTS.adminStateUp,
  };
  checkMonitorSettings(created);
  return [{ type: 'HealthMonitorCreated', version: 1, data: created }];
};

const updateHealthMonitor = ({ data }: UpdateHealthMonitor, state: HealthMonitorState): [HealthMonitorUpdated] => {
  const hm = live(state, KIND, data.monitorId);
  const updated: HealthMonitorUpdated['data'] = {
    monitorId: hm.id,
    delay: data.delay ?? hm.delay,
    timeout: data.timeout ?? hm.timeout,
    maxRetries: data.maxRetries ?? hm.maxRetries,
    httpMethod: data.httpMethod ?? hm.httpMethod,
    urlPath: data.urlPath ?? hm.urlPath,
    expectedCodes: data.expectedCodes ?? hm.expectedCodes,
    adminStateUp: data.adminStateUp ?? hm.adminStateUp,
  };
  checkMonitorSettings(updated);
  return [{ type: 'HealthMonitorUpdated', version: 1, data: updated }];
};

const associatePool = ({ data }: AssociatePool, state: HealthMonitorState): [HealthMonitorAssociated] => {
  const hm = live(state, KIND, data.monitorId);
  if (hm.poolIds.includes(data.poolId)) {
    throw new Conflict('PoolMonitorAssociationExists', `health_monitor ${hm.id} is already associated with pool ${data.poolId}`);
  }
  return [{ type: 'HealthMonitorAssociated', version: 1, data }];
};

const disassociatePool = ({ data }: DisassociatePool, state: HealthMonitorState): [HealthMonitorDisassociated] => {
  const hm = live(state, KIND, data.monitorId);
  if (!hm.poolIds.includes(data.poolId)) {
    throw new NotFound('PoolMonitorAssociation', hm.id, `Monitor ${hm.id} is not associated with Pool ${data.poolId}`);
  }
  return [{ type: 'HealthMonitorDisassociated', version: 1, data }];
};

const deleteHealthMonitor = ({ data }: DeleteHealthMonitor, state: HealthMonitorState): [HealthMonitorDeleted] => {
  const hm = live(state, KIND, data.monitorId);
  if (hm.poolIds.length > 0) {
    throw new Conflict(
      'HealthMonitorInUse',
      `Health monitor ${hm.id} is associated with pools ${hm.poolIds.join(', ')}; disassociate it first.`,
    );
  }
  return [{ type: 'HealthMonitorDeleted', version: 1, data }];
};

export function decideHealthMonitor(command: HealthMonitorCommand, state: HealthMonitorState): HealthMonitorEvent[] {
  switch (command.type) {
    case 'CreateHealthMonitor':
      return createHealthMonitor(command, state);
    case 'UpdateHealthMonitor':
      return updateHealthMonitor(command, state);
    case 'AssociatePool':
      return associatePool(command, state);
    case 'DisassociatePool':
      return disassociatePool(command, state);
    case 'DeleteHealthMonitor':
      return deleteHealthMonitor(command, state);
    default: {
      const unhandled: never = command;
      throw new Error(`unknown command ${JSON.stringify(unhandled)}`);
    }
  }
}
