import { AGGREGATE_KIND } from '../envelope';
import { Conflict, NotFound, ValidationError } from '../errors';
import { isIpv4 } from '../ipv4';
import { live } from '../lifecycle';
import { isProvisioning } from '../resources';
import type {
  AddMember,
  AssociateMonitor,
  BindVip,
  CreatePool,
  DeletePool,
  DisassociateMonitor,
  ExpirePoolPending,
  PoolCommand,
  RecordMemberStatus,
  RecordPoolStatus,
  RemoveMember,
  UnbindVip,
  UpdateMember,
  UpdatePool,
} from './commands';
import type {
  MemberAdded,
  MemberRemoved,
  MemberUpdated,
  PoolCreated,
  PoolDeleted,
  PoolEvent,
  PoolMonitorAssociated,
  PoolMonitorDisassociated,
  PoolUpdated,
  PoolVipBound,
  PoolVipUnbound,
} from './events';
import type { LivePool, MemberState, PoolState } from './state';

const KIND = AGGREGATE_KIND.pool;
export const MAX_MEMBER_WEIGHT = 256;

function checkWeight(weight: number): void {
  if (!Number.isInteger(weight) || weight < 0 || weight > MAX_MEMBER_WEIGHT) {
    throw new ValidationError(
      `Invalid input for weight. Reason: '${weight}' is not in range 0 through ${MAX_MEMBER_WEIGHT}.`,
      'HTTPBadRequest',
    );
  }
}

function memberOf(pool: LivePool, memberId: string): MemberState {
  const found = pool.members.find((m) => m.id === memberId);
  if (!found) throw new NotFound('Member', memberId);
  return found;
}

const createPool = ({ data }: CreatePool, state: PoolState): [PoolCreated] => {
  if (state.kind !== 'absent') throw new Conflict('PoolExists', `Pool ${data.poolId} already exists.`);
  return [{ type: 'PoolCreated', version: 1, data }];
};

const updatePool = ({ data }: UpdatePool, state: PoolState): [PoolUpdated] => {
  const pool = live(state, KIND, data.poolId);
  return [
    {
      type: 'PoolUpdated',
      version: 1,
      data: {
        poolId: pool.id,
        name: data.name ?? pool.name,
        description: data.description ?? pool.description,
        lbMethod: data.lbMethod ?? pool.lbMethod,
        adminStateUp: data.adminStateUp ?? pool.adminStateUp,
      },
    },
  ];
};

const deletePool = ({ data }: DeletePool, state: PoolState): PoolEvent[] => {
  const pool = live(state, KIND, data.poolId);
  if (pool.vipId !== null)
    throw new Conflict('PoolInUse', `Pool ${pool.id} is still in use`, `Pool ${pool.id} is used by VIP ${pool.vipId}.`);
  const disassociated = pool.monitorIds.map((monitorId): PoolMonitorDisassociated => ({
    type: 'PoolMonitorDisassociated',
    version: 1,
    data: { poolId: pool.id, monitorId },
  }));
  const removed = pool.members.map((m): MemberRemoved => ({
    type: 'MemberRemoved',
    version: 1,
    data: { poolId: pool.id, memberId: m.id },
  }));
  const deleted: PoolDeleted = { type: 'PoolDeleted', version: 1, data: { poolId: pool.id } };
  return [...disassociated, ...removed, deleted];
};

const addMember = ({ data }: AddMember, state: PoolState): [MemberAdded] => {
  const pool = live(state, KIND, data.poolId);
  if (pool.members.some((m) => m.id === data.memberId)) throw new Conflict('MemberExists', `Member ${data.memberId} already exists.`);
  if (!isIpv4(data.address))
    throw new ValidationError(`Invalid input for address. Reason: '${data.address}' is not a valid IP address.`, 'HTTPBadRequest');
  if (!Number.isInteger(data.protocolPort) || data.protocolPort < 1 || data.protocolPort > 65535) {
    throw new ValidationError(
      `Invalid input for protocol_port. Reason: '${data.protocolPort}' is not a valid port number.`,
      'HTTPBadRequest',
    );
  }
  checkWeight(data.weight);
  if (pool.members.some((m) => m.address === data.address && m.protocolPort === data.protocolPort)) {
    throw new Conflict(
      'MemberExists',
      `Member with address ${data.address} and port ${data.protocolPort} already present in pool ${pool.id}`,
    );
  }
  return [{ type: 'MemberAdded', version: 1, data }];
};

const updateMember = ({ data }: UpdateMember, state: PoolState): [MemberUpdated] => {
  const pool = live(state, KIND, data.poolId);
  const member = memberOf(pool, data.memberId);
  const weight = data.weight ?? member.weight;
  checkWeight(weight);
  return [
    {
      type: 'MemberUpdated',
      version: 1,
      data: { poolId: pool.id, memberId: member.id, weight, adminStateUp: data.adminStateUp ?? member.adminStateUp },
    },
  ];
};

const removeMember = ({ data }: RemoveMember, state: PoolState): [MemberRemoved] => {
  memberOf(live(state, KIND, data.poolId), data.memberId);
  return [{ type: 'MemberRemoved', version: 1, data }];
};

/** Binding the VIP that is already bound is a no-op, so an interrupted VIP creation can be retried. */
const bindVip = ({ data }: BindVip, state: PoolState): PoolVipBound[] => {
  const pool = live(state, KIND, data.poolId);
  if (pool.vipId === data.vipId) return [];
  if (pool.vipId !== null) throw new Conflict('VipExists', `Another Vip already exists for pool ${pool.id}`);
  if (pool.protocol !== data.protocol) {
    throw new ValidationError(`Protocol ${data.protocol} does not match pool protocol ${pool.protocol}`, 'ProtocolMismatch');
  }
  return [{ type: 'PoolVipBound', version: 1, data: { poolId: pool.id, vipId: data.vipId } }];
};

/** A compensation and a step of VIP deletion: unbinding what is not bound (or a deleted pool) is a no-op. */
const unbindVip = ({ data }: UnbindVip, state: PoolState): PoolVipUnbound[] =>
  state.kind === 'live' && state.vipId === data.vipId ? [{ type: 'PoolVipUnbound', version: 1, data }] : [];

const associateMonitor = ({ data }: AssociateMonitor, state: PoolState): [PoolMonitorAssociated] => {
  const pool = live(state, KIND, data.poolId);
  if (pool.monitorIds.includes(data.monitorId)) {
    throw new Conflict('PoolMonitorAssociationExists', `health_monitor ${data.monitorId} is already associated with pool ${pool.id}`);
  }
  return [{ type: 'PoolMonitorAssociated', version: 1, data }];
};

const disassociateMonitor = ({ data }: DisassociateMonitor, state: PoolState): [PoolMonitorDisassociated] => {
  const pool = live(state, KIND, data.poolId);
  if (!pool.monitorIds.includes(data.monitorId)) {
    throw new NotFound('PoolMonitorAssociation', data.monitorId, `Monitor ${data.monitorId} is not associated with Pool ${pool.id}`);
  }
  return [{ type: 'PoolMonitorDisassociated', version: 1, data }];
};

const recordPoolStatus = ({ data }: RecordPoolStatus, state: PoolState): PoolEvent[] =>
  state.kind === 'live' && (state.status !== data.status || state.statusDescription !== data.statusDescription)
    ? [{ type: 'PoolStatusChanged', version: 1, data }]
    : [];

const expirePoolPending = ({ data }: ExpirePoolPending, state: PoolState): PoolEvent[] =>
  state.kind === 'live' && isProvisioning(state.status)
    ? [{ type: 'PoolStatusChanged', version: 1, data: { poolId: state.id, status: 'ERROR', statusDescription: data.statusDescription } }]
    : [];

const recordMemberStatus = ({ data }: RecordMemberStatus, state: PoolState): PoolEvent[] => {
  const member = state.kind === 'live' ? state.members.find((m) => m.id === data.memberId) : undefined;
  return member && (member.status !== data.status || member.statusDescription !== data.statusDescription)
    ? [{ type: 'MemberStatusChanged', version: 1, data }]
    : [];
};

export function decidePool(command: PoolCommand, state: PoolState): PoolEvent[] {
  switch (command.type) {
    case 'CreatePool':
      return createPool(command, state);
    case 'UpdatePool':
      return updatePool(command, state);
    case 'DeletePool':
      return deletePool(command, state);
    case 'AddMember':
      return addMember(command, state);
    case 'UpdateMember':
      return updateMember(command, state);
    case 'RemoveMember':
      return removeMember(command, state);
    case 'BindVip':
      return bindVip(command, state);
    case 'UnbindVip':
      return unbindVip(command, state);
    case 'AssociateMonitor':
      return associateMonitor(command, state);
    case 'DisassociateMonitor':
      return disassociateMonitor(command, state);
    case 'RecordPoolStatus':
      return recordPoolStatus(command, state);
    case 'RecordMemberStatus':
      return recordMemberStatus(command, state);
    case 'ExpirePoolPending':
      return expirePoolPending(command, state);
    default: {
      const unhandled: never = command;
      throw new Error(`unknown command ${JSON.stringify(unhandled)}`);
    }
  }
}
