import { type Decider, singleRowViews } from '../decider';
import { Conflict, NotFound, ValidationError } from '../errors';
import { ABSENT, DELETED, type Lifecycle, live } from '../lifecycle';
import type { HealthMonitorResource, MonitorType } from '../resources';
import type { HealthMonitorCreated, HealthMonitorEvent, MonitorSettings } from './events';

export type HealthMonitorState = Lifecycle<Omit<HealthMonitorCreated['data'], 'monitorId'> & { id: string; poolIds: string[] }>;

export type HealthMonitorCommand =
  | { type: 'CreateHealthMonitor'; data: Partial<MonitorSettings> & Pick<MonitorSettings, 'delay' | 'timeout' | 'maxRetries'> & { monitorId: string; tenantId: string; type: MonitorType } }
  | { type: 'UpdateHealthMonitor'; data: Partial<MonitorSettings> & { monitorId: string } }
  | { type: 'AssociatePool'; data: { monitorId: string; poolId: string } }
  | { type: 'DisassociatePool'; data: { monitorId: string; poolId: string } }
  | { type: 'DeleteHealthMonitor'; data: { monitorId: string } };

const KIND = 'HealthMonitor';
export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE', 'CONNECT'] as const;
/** `200`, `200,202`, `200-204`: what Neutron accepts and what the renderer can turn into an rstatus regex. */
const EXPECTED_CODES = /^([1-5]\d\d)(\s*,\s*[1-5]\d\d)*$|^([1-5]\d\d)-([1-5]\d\d)$/;
/** url_path reaches haproxy.cfg: an absolute path of visible ASCII, without spaces or quotes. */
const URL_PATH = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]{0,254}$/;

const bad = (field: string, reason: string): ValidationError =>
  new ValidationError(`Invalid input for ${field}. Reason: ${reason}.`, 'HTTPBadRequest');

export function checkMonitorSettings(s: MonitorSettings): void {
  for (const [field, value] of [['delay', s.delay], ['timeout', s.timeout]] as const) {
    if (!Number.isInteger(value) || value < 1) throw bad(field, `'${value}' must be a positive integer`);
  }
  if (!Number.isInteger(s.maxRetries) || s.maxRetries < 1 || s.maxRetries > 10) throw bad('max_retries', `'${s.maxRetries}' is not in range 1 through 10`);
  if (s.delay < s.timeout) {
    throw new ValidationError(`Invalid input: delay (${s.delay}) must be greater than or equal to timeout (${s.timeout}).`, 'HTTPBadRequest');
  }
  if (!(HTTP_METHODS as readonly string[]).includes(s.httpMethod)) throw bad('http_method', `'${s.httpMethod}' is not one of ${HTTP_METHODS.join(', ')}`);
  if (!URL_PATH.test(s.urlPath)) throw bad('url_path', `'${s.urlPath}' is not an absolute URL path`);
  const codes = EXPECTED_CODES.exec(s.expectedCodes);
  if (!codes || (codes[3] !== undefined && Number(codes[3]) > Number(codes[4]))) {
    throw bad('expected_codes', `'${s.expectedCodes}' is not a status code, a list like 200,202 or a range like 200-204`);
  }
}

export function decideHealthMonitor(command: HealthMonitorCommand, state: HealthMonitorState): HealthMonitorEvent[] {
  switch (command.type) {
    case 'CreateHealthMonitor': {
      if (state.kind !== 'absent') throw new Conflict('HealthMonitorExists', `Health monitor ${command.data.monitorId} already exists.`);
      const d = command.data;
      const data = {
        monitorId: d.monitorId, tenantId: d.tenantId, type: d.type, delay: d.delay, timeout: d.timeout, maxRetries: d.maxRetries,
        httpMethod: d.httpMethod ?? 'GET', urlPath: d.urlPath ?? '/', expectedCodes: d.expectedCodes ?? '200', adminStateUp: d.adminStateUp ?? true,
      };
      checkMonitorSettings(data);
      return [{ type: 'HealthMonitorCreated', version: 1, data }];
    }
    case 'UpdateHealthMonitor': {
      const hm = live(state, KIND, command.data.monitorId);
      const d = command.data;
      const data = {
        monitorId: hm.id, delay: d.delay ?? hm.delay, timeout: d.timeout ?? hm.timeout, maxRetries: d.maxRetries ?? hm.maxRetries,
        httpMethod: d.httpMethod ?? hm.httpMethod, urlPath: d.urlPath ?? hm.urlPath, expectedCodes: d.expectedCodes ?? hm.expectedCodes,
        adminStateUp: d.adminStateUp ?? hm.adminStateUp,
      };
      checkMonitorSettings(data);
      return [{ type: 'HealthMonitorUpdated', version: 1, data }];
    }
    case 'AssociatePool': {
      const hm = live(state, KIND, command.data.monitorId);
      if (hm.poolIds.includes(command.data.poolId)) {
        throw new Conflict('PoolMonitorAssociationExists', `health_monitor ${hm.id} is already associated with pool ${command.data.poolId}`);
      }
      return [{ type: 'HealthMonitorAssociated', version: 1, data: command.data }];
    }
    case 'DisassociatePool': {
      const hm = live(state, KIND, command.data.monitorId);
      if (!hm.poolIds.includes(command.data.poolId)) {
        throw new NotFound('PoolMonitorAssociation', hm.id, `No association between pool ${command.data.poolId} and health_monitor ${hm.id}`);
      }
      return [{ type: 'HealthMonitorDisassociated', version: 1, data: command.data }];
    }
    case 'DeleteHealthMonitor': {
      const hm = live(state, KIND, command.data.monitorId);
      if (hm.poolIds.length > 0) {
        throw new Conflict('HealthMonitorInUse', `Health monitor ${hm.id} is associated with pools ${hm.poolIds.join(', ')}; disassociate it first.`);
      }
      return [{ type: 'HealthMonitorDeleted', version: 1, data: command.data }];
    }
    default: {
      const unhandled: never = command;
      throw new Error(`unknown command ${JSON.stringify(unhandled)}`);
    }
  }
}

export function evolveHealthMonitor(state: HealthMonitorState, event: HealthMonitorEvent): HealthMonitorState {
  switch (event.type) {
    case 'HealthMonitorCreated': {
      const { monitorId, ...rest } = event.data;
      return { kind: 'live', id: monitorId, ...rest, poolIds: [] };
    }
    case 'HealthMonitorUpdated': {
      if (state.kind !== 'live') return state;
      const { monitorId: _id, ...settings } = event.data;
      return { ...state, ...settings };
    }
    case 'HealthMonitorAssociated':
      return state.kind === 'live' && !state.poolIds.includes(event.data.poolId) ? { ...state, poolIds: [...state.poolIds, event.data.poolId] } : state;
    case 'HealthMonitorDisassociated':
      return state.kind === 'live' ? { ...state, poolIds: state.poolIds.filter((id) => id !== event.data.poolId) } : state;
    case 'HealthMonitorDeleted':
      return DELETED;
    default:
      return state;
  }
}

export function healthMonitorView(state: HealthMonitorState): HealthMonitorResource | null {
  if (state.kind !== 'live') return null;
  return {
    id: state.id, tenant_id: state.tenantId, type: state.type, delay: state.delay, timeout: state.timeout, max_retries: state.maxRetries,
    http_method: state.httpMethod, url_path: state.urlPath, expected_codes: state.expectedCodes, admin_state_up: state.adminStateUp,
    pools: state.poolIds.map((pool_id) => ({ pool_id, status: 'PENDING_CREATE', status_description: null })),
    status: 'ACTIVE', status_description: null,
  };
}

export const healthMonitorDecider: Decider<HealthMonitorCommand, HealthMonitorState, HealthMonitorEvent> = {
  aggregate: 'healthmonitor',
  initialState: ABSENT,
  decide: decideHealthMonitor,
  evolve: evolveHealthMonitor,
  views: singleRowViews('health_monitors', healthMonitorView),
};
