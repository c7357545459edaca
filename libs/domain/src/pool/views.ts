import type { MemberResource, PoolResource, ResourceRows } from '../resources';
import type { PoolState } from './state';

export function poolView(state: PoolState): PoolResource | null {
  if (state.kind !== 'live') return null;
  return {
    id: state.id,
    tenant_id: state.tenantId,
    vip_id: state.vipId,
    name: state.name,
    description: state.description,
    subnet_id: state.subnetId,
    protocol: state.protocol,
    lb_method: state.lbMethod,
    health_monitors: [...state.monitorIds],
    // No data plane reports on monitors yet, so every association is as pending as the pool that carries it.
    health_monitors_status: state.monitorIds.map((monitor_id) => ({ monitor_id, status: 'PENDING_CREATE', status_description: null })),
    members: state.members.map((m) => m.id),
    admin_state_up: state.adminStateUp,
    status: state.status,
    status_description: state.statusDescription,
    provider: state.provider,
  };
}

export function memberViews(state: PoolState): MemberResource[] {
  if (state.kind !== 'live') return [];
  return state.members.map((m) => ({
    id: m.id,
    tenant_id: m.tenantId,
    pool_id: state.id,
    address: m.address,
    protocol_port: m.protocolPort,
    weight: m.weight,
    admin_state_up: m.adminStateUp,
    status: m.status,
    status_description: m.statusDescription,
  }));
}

/** A pool shows as its own row and one row per member. */
export function poolViews(state: PoolState): ResourceRows {
  const pool = poolView(state);
  return pool ? { pools: [pool], members: memberViews(state) } : {};
}
