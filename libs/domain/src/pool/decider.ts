import type { Decider } from '../decider';
import { Conflict, NotFound, ValidationError } from '../errors';
import { isIpv4 } from '../ipv4';
import { ABSENT, DELETED, type Lifecycle, live } from '../lifecycle';
import type { LbMethod, LbStatus, MemberResource, PoolResource, Protocol } from '../resources';
import type { MemberAdded, PoolCreated, PoolEvent } from './events';

export interface MemberState {
  id: string; tenantId: string; address: string; protocolPort: number; weight: number; adminStateUp: boolean;
  status: LbStatus; statusDescription: string | null;
}

export type PoolState = Lifecycle<Omit<PoolCreated['data'], 'poolId'> & {
  id: string; status: LbStatus; statusDescription: string | null; vipId: string | null; monitorIds: string[];
  members: MemberState[];
}>;

export type PoolCommand =
  | { type: 'CreatePool'; data: PoolCreated['data'] }
  | { type: 'UpdatePool'; data: { poolId: string; name?: string; description?: string; lbMethod?: LbMethod; adminStateUp?: boolean } }
  | { type: 'DeletePool'; data: { poolId: string } }
  | { type: 'AddMember'; data: MemberAdded['data'] }
  | { type: 'UpdateMember'; data: { poolId: string; memberId: string; weight?: number; adminStateUp?: boolean } }
  | { type: 'RemoveMember'; data: { poolId: string; memberId: string } }
  | { type: 'BindVip'; data: { poolId: string; vipId: string; protocol: Protocol } }
  | { type: 'UnbindVip'; data: { poolId: string; vipId: string } }
  | { type: 'AssociateMonitor'; data: { poolId: string; monitorId: string } }
  | { type: 'DisassociateMonitor'; data: { poolId: string; monitorId: string } };

const KIND = 'Pool';
export const MAX_MEMBER_WEIGHT = 256;

function checkWeight(weight: number): void {
  if (!Number.isInteger(weight) || weight < 0 || weight > MAX_MEMBER_WEIGHT) {
    throw new ValidationError(`Invalid input for weight. Reason: '${weight}' is not in range 0 through ${MAX_MEMBER_WEIGHT}.`, 'HTTPBadRequest');
  }
}

function member(pool: Extract<PoolState, { kind: 'live' }>, memberId: string): MemberState {
  const found = pool.members.find((m) => m.id === memberId);
  if (!found) throw new NotFound('Member', memberId);
  return found;
}

function addMember(data: MemberAdded['data'], state: PoolState): PoolEvent[] {
  const pool = live(state, KIND, data.poolId);
  if (pool.members.some((m) => m.id === data.memberId)) throw new Conflict('MemberExists', `Member ${data.memberId} already exists.`);
  if (!isIpv4(data.address)) throw new ValidationError(`Invalid input for address. Reason: '${data.address}' is not a valid IP address.`, 'HTTPBadRequest');
  if (!Number.isInteger(data.protocolPort) || data.protocolPort < 1 || data.protocolPort > 65535) {
    throw new ValidationError(`Invalid input for protocol_port. Reason: '${data.protocolPort}' is not a valid port number.`, 'HTTPBadRequest');
  }
  checkWeight(data.weight);
  if (pool.members.some((m) => m.address === data.address && m.protocolPort === data.protocolPort)) {
    throw new Conflict('MemberExists', `Member with address ${data.address} and port ${data.protocolPort} already present in pool ${pool.id}`);
  }
  return [{ type: 'MemberAdded', version: 1, data }];
}

export function decidePool(command: PoolCommand, state: PoolState): PoolEvent[] {
  switch (command.type) {
    case 'CreatePool':
      if (state.kind !== 'absent') throw new Conflict('PoolExists', `Pool ${command.data.poolId} already exists.`);
      return [{ type: 'PoolCreated', version: 1, data: command.data }];
    case 'UpdatePool': {
      const pool = live(state, KIND, command.data.poolId);
      const data = {
        poolId: pool.id, name: command.data.name ?? pool.name, description: command.data.description ?? pool.description,
        lbMethod: command.data.lbMethod ?? pool.lbMethod, adminStateUp: command.data.adminStateUp ?? pool.adminStateUp,
      };
      return [{ type: 'PoolUpdated', version: 1, data }];
    }
    case 'DeletePool': {
      const pool = live(state, KIND, command.data.poolId);
      if (pool.vipId !== null) throw new Conflict('PoolInUse', `Pool ${pool.id} is still in use`, `Pool ${pool.id} is used by VIP ${pool.vipId}.`);
      return [
        ...pool.monitorIds.map((monitorId) => ({ type: 'PoolMonitorDisassociated', version: 1, data: { poolId: pool.id, monitorId } }) as const),
        ...pool.members.map((m) => ({ type: 'MemberRemoved', version: 1, data: { poolId: pool.id, memberId: m.id } }) as const),
        { type: 'PoolDeleted', version: 1, data: { poolId: pool.id } },
      ];
    }
    case 'AddMember':
      return addMember(command.data, state);
    case 'UpdateMember': {
      const pool = live(state, KIND, command.data.poolId);
      const m = member(pool, command.data.memberId);
      const weight = command.data.weight ?? m.weight;
      checkWeight(weight);
      return [{ type: 'MemberUpdated', version: 1, data: { poolId: pool.id, memberId: m.id, weight, adminStateUp: command.data.adminStateUp ?? m.adminStateUp } }];
    }
    case 'RemoveMember': {
      const pool = live(state, KIND, command.data.poolId);
      member(pool, command.data.memberId);
      return [{ type: 'MemberRemoved', version: 1, data: command.data }];
    }
    case 'BindVip': {
      const pool = live(state, KIND, command.data.poolId);
      if (pool.vipId === command.data.vipId) return [];
      if (pool.vipId !== null) throw new Conflict('VipExists', `Another Vip already exists for pool ${pool.id}`);
      if (pool.protocol !== command.data.protocol) {
        throw new ValidationError(`Protocol ${command.data.protocol} does not match pool protocol ${pool.protocol}`, 'ProtocolMismatch');
      }
      return [{ type: 'PoolVipBound', version: 1, data: { poolId: pool.id, vipId: command.data.vipId } }];
    }
    case 'UnbindVip': {
      if (state.kind !== 'live' || state.vipId !== command.data.vipId) return [];
      return [{ type: 'PoolVipUnbound', version: 1, data: command.data }];
    }
    case 'AssociateMonitor': {
      const pool = live(state, KIND, command.data.poolId);
      if (pool.monitorIds.includes(command.data.monitorId)) {
        throw new Conflict('PoolMonitorAssociationExists', `health_monitor ${command.data.monitorId} is already associated with pool ${pool.id}`);
      }
      return [{ type: 'PoolMonitorAssociated', version: 1, data: command.data }];
    }
    case 'DisassociateMonitor': {
      const pool = live(state, KIND, command.data.poolId);
      if (!pool.monitorIds.includes(command.data.monitorId)) {
        throw new NotFound('PoolMonitorAssociation', command.data.monitorId,
          `No association between pool ${pool.id} and health_monitor ${command.data.monitorId}`);
      }
      return [{ type: 'PoolMonitorDisassociated', version: 1, data: command.data }];
    }
    default: {
      const unhandled: never = command;
      throw new Error(`unknown command ${JSON.stringify(unhandled)}`);
    }
  }
}

const mapMembers = (state: PoolState, f: (m: MemberState) => MemberState): PoolState =>
  state.kind === 'live' ? { ...state, members: state.members.map(f) } : state;

export function evolvePool(state: PoolState, event: PoolEvent): PoolState {
  switch (event.type) {
    case 'PoolCreated': {
      const { poolId, ...rest } = event.data;
      return { kind: 'live', id: poolId, ...rest, status: 'PENDING_CREATE', statusDescription: null, vipId: null, monitorIds: [], members: [] };
    }
    case 'PoolUpdated': {
      if (state.kind !== 'live') return state;
      const { poolId: _id, ...changes } = event.data;
      return { ...state, ...changes };
    }
    case 'PoolStatusChanged':
      return state.kind === 'live' ? { ...state, status: event.data.status, statusDescription: event.data.statusDescription } : state;
    case 'MemberAdded': {
      if (state.kind !== 'live' || state.members.some((m) => m.id === event.data.memberId)) return state;
      const { poolId: _p, memberId, ...rest } = event.data;
      return { ...state, members: [...state.members, { id: memberId, ...rest, status: 'PENDING_CREATE', statusDescription: null }] };
    }
    case 'MemberUpdated':
      return mapMembers(state, (m) => (m.id === event.data.memberId ? { ...m, weight: event.data.weight, adminStateUp: event.data.adminStateUp } : m));
    case 'MemberStatusChanged':
      return mapMembers(state, (m) => (m.id === event.data.memberId ? { ...m, status: event.data.status, statusDescription: event.data.statusDescription } : m));
    case 'MemberRemoved':
      return state.kind === 'live' ? { ...state, members: state.members.filter((m) => m.id !== event.data.memberId) } : state;
    case 'PoolVipBound':
      return state.kind === 'live' ? { ...state, vipId: event.data.vipId } : state;
    case 'PoolVipUnbound':
      return state.kind === 'live' && state.vipId === event.data.vipId ? { ...state, vipId: null } : state;
    case 'PoolMonitorAssociated':
      return state.kind === 'live' && !state.monitorIds.includes(event.data.monitorId)
        ? { ...state, monitorIds: [...state.monitorIds, event.data.monitorId] }
        : state;
    case 'PoolMonitorDisassociated':
      return state.kind === 'live' ? { ...state, monitorIds: state.monitorIds.filter((id) => id !== event.data.monitorId) } : state;
    case 'PoolDeleted':
      return DELETED;
    default:
      return state;
  }
}

export function poolView(state: PoolState): PoolResource | null {
  if (state.kind !== 'live') return null;
  return {
    id: state.id, tenant_id: state.tenantId, vip_id: state.vipId, name: state.name, description: state.description,
    subnet_id: state.subnetId, protocol: state.protocol, lb_method: state.lbMethod, health_monitors: [...state.monitorIds],
    health_monitors_status: state.monitorIds.map((monitor_id) => ({ monitor_id, status: 'PENDING_CREATE', status_description: null })),
    members: state.members.map((m) => m.id), admin_state_up: state.adminStateUp, status: state.status,
    status_description: state.statusDescription, provider: state.provider,
  };
}

export function memberViews(state: PoolState): MemberResource[] {
  if (state.kind !== 'live') return [];
  return state.members.map((m) => ({
    id: m.id, tenant_id: m.tenantId, pool_id: state.id, address: m.address, protocol_port: m.protocolPort, weight: m.weight,
    admin_state_up: m.adminStateUp, status: m.status, status_description: m.statusDescription,
  }));
}

export const poolDecider: Decider<PoolCommand, PoolState, PoolEvent> = {
  aggregate: 'pool',
  initialState: ABSENT,
  decide: decidePool,
  evolve: evolvePool,
  views: (state) => {
    const view = poolView(state);
    return view ? { pools: [view], members: memberViews(state) } : {};
  },
};
