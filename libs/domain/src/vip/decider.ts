import { type Decider, singleRowViews } from '../decider';
import { Conflict, ValidationError } from '../errors';
import { ABSENT, DELETED, type Lifecycle, live } from '../lifecycle';
import type { LbStatus, SessionPersistence, VipResource } from '../resources';
import type { VipCreated, VipEvent, VipSettings } from './events';

export type VipState = Lifecycle<Omit<VipCreated['data'], 'vipId'> & { id: string; status: LbStatus; statusDescription: string | null }>;

export type VipCommand =
  | { type: 'CreateVip'; data: VipCreated['data'] }
  | { type: 'UpdateVip'; data: Partial<VipSettings> & { vipId: string } }
  | { type: 'ChangeVipPool'; data: { vipId: string; poolId: string } }
  | { type: 'DeleteVip'; data: { vipId: string } };

const KIND = 'Vip';
/** Cookie names reach haproxy.cfg: RFC 6265 token characters only. */
const COOKIE_NAME = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]{1,64}$/;

export function checkSessionPersistence(sp: SessionPersistence | null): void {
  if (sp === null) return;
  if (sp.type === 'APP_COOKIE') {
    if (sp.cookie_name === undefined || sp.cookie_name === '') {
      throw new ValidationError('Invalid input for session_persistence. Reason: cookie_name is required for APP_COOKIE persistence.', 'HTTPBadRequest');
    }
    if (!COOKIE_NAME.test(sp.cookie_name)) {
      throw new ValidationError(`Invalid input for session_persistence. Reason: '${sp.cookie_name}' is not a valid cookie name.`, 'HTTPBadRequest');
    }
  } else if (sp.cookie_name !== undefined) {
    throw new ValidationError(`Invalid input for session_persistence. Reason: cookie_name is only allowed with APP_COOKIE, not ${sp.type}.`, 'HTTPBadRequest');
  }
}

function checkSettings(s: { connectionLimit: number; sessionPersistence: SessionPersistence | null }): void {
  if (!Number.isInteger(s.connectionLimit) || s.connectionLimit < -1) {
    throw new ValidationError(`Invalid input for connection_limit. Reason: '${s.connectionLimit}' must be -1 (unlimited) or a non-negative integer.`, 'HTTPBadRequest');
  }
  checkSessionPersistence(s.sessionPersistence);
}

export function decideVip(command: VipCommand, state: VipState): VipEvent[] {
  switch (command.type) {
    case 'CreateVip':
      if (state.kind !== 'absent') throw new Conflict('VipExists', `Vip ${command.data.vipId} already exists.`);
      checkSettings(command.data);
      return [{ type: 'VipCreated', version: 1, data: command.data }];
    case 'UpdateVip': {
      const vip = live(state, KIND, command.data.vipId);
      const data = {
        vipId: vip.id, name: command.data.name ?? vip.name, description: command.data.description ?? vip.description,
        sessionPersistence: command.data.sessionPersistence === undefined ? vip.sessionPersistence : command.data.sessionPersistence,
        connectionLimit: command.data.connectionLimit ?? vip.connectionLimit, adminStateUp: command.data.adminStateUp ?? vip.adminStateUp,
      };
      checkSettings(data);
      return [{ type: 'VipUpdated', version: 1, data }];
    }
    case 'ChangeVipPool': {
      const vip = live(state, KIND, command.data.vipId);
      return vip.poolId === command.data.poolId
        ? []
        : [{ type: 'VipPoolChanged', version: 1, data: { vipId: vip.id, poolId: command.data.poolId, previousPoolId: vip.poolId } }];
    }
    case 'DeleteVip':
      live(state, KIND, command.data.vipId);
      return [{ type: 'VipDeleted', version: 1, data: command.data }];
    default: {
      const unhandled: never = command;
      throw new Error(`unknown command ${JSON.stringify(unhandled)}`);
    }
  }
}

export function evolveVip(state: VipState, event: VipEvent): VipState {
  switch (event.type) {
    case 'VipCreated': {
      const { vipId, ...rest } = event.data;
      return { kind: 'live', id: vipId, ...rest, status: 'PENDING_CREATE', statusDescription: null };
    }
    case 'VipUpdated': {
      if (state.kind !== 'live') return state;
      const { vipId: _id, ...settings } = event.data;
      return { ...state, ...settings };
    }
    case 'VipPoolChanged':
      return state.kind === 'live' ? { ...state, poolId: event.data.poolId } : state;
    case 'VipStatusChanged':
      return state.kind === 'live' ? { ...state, status: event.data.status, statusDescription: event.data.statusDescription } : state;
    case 'VipDeleted':
      return DELETED;
    default:
      return state;
  }
}

export function vipView(state: VipState): VipResource | null {
  if (state.kind !== 'live') return null;
  return {
    id: state.id, tenant_id: state.tenantId, name: state.name, description: state.description, subnet_id: state.subnetId,
    address: state.address, port_id: state.portId, protocol_port: state.protocolPort, protocol: state.protocol,
    pool_id: state.poolId, session_persistence: state.sessionPersistence, connection_limit: state.connectionLimit,
    admin_state_up: state.adminStateUp, status: state.status, status_description: state.statusDescription,
  };
}

export const vipDecider: Decider<VipCommand, VipState, VipEvent> = {
  aggregate: 'vip',
  initialState: ABSENT,
  decide: decideVip,
  evolve: evolveVip,
  views: singleRowViews('vips', vipView),
};
