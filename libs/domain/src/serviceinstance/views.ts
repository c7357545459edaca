import type { AmphoraResource } from '../loadbalancer/resources';
import type { LbStatus, ResourceRows, ServiceInstanceResource } from '../resources';
import type { ServiceInstanceState } from './state';

/** The seed system's service template: every instance is an HAProxy pair made from it. */
export const SERVICE_TEMPLATE = 'default-domain:haproxy-loadbalancer-template';

type Live = Extract<ServiceInstanceState, { kind: 'live' }>;

/** The placement's interface inside its namespace, as libs/haproxy's PLACEMENT_INTERFACE names it (the domain imports no lib). */
const PLACEMENT_INTERFACE_NAME = 'lbv0';

function statusOf(si: Live): { status: LbStatus; description: string | null } {
  if (si.deleting) return { status: 'PENDING_DELETE', description: `waiting for ${si.placements.length} placement(s) to be removed` };
  if (si.handover !== null)
    return {
      status: 'ACTIVE',
      description: `operator's failover under way: ${si.handover.toVmId} takes the VIP over, then ${si.handover.fromVmId} is retired`,
    };
  if (si.placements.length >= 2) return { status: 'ACTIVE', description: null };
  if (si.placements.length === 1)
    return { status: 'ACTIVE', description: 'degraded: running without a standby until a second live compute node can take one' };
  if (si.unplaceableReason !== null) return { status: 'ERROR', description: si.unplaceableReason };
  return { status: 'PENDING_CREATE', description: null };
}

/** Cleared by the next rendering that passes its checks (evolve), so it is always news. */
function rejectionAfterLastRendering(si: Live): ServiceInstanceResource['config_rejection'] {
  const r = si.lastRejection;
  return r === null ? null : { uuid: r.vmId, file: r.file, sha256: r.hash, message: r.message };
}

/** APPLIED only when the node runs the files the renderer last named for the placement. */
function placementStatus(si: Live, vmId: string): { status: 'APPLIED' | 'PENDING' | 'FAILED'; status_description: string | null } {
  const failure = si.failures[vmId];
  if (failure !== undefined) return { status: 'FAILED', status_description: failure };
  const applied = si.applied[vmId];
  const wanted = si.rendered.find((r) => r.vmId === vmId);
  const current =
    applied !== undefined &&
    wanted !== undefined &&
    applied.haproxyHash === wanted.haproxyHash &&
    applied.keepalivedHash === wanted.keepalivedHash;
  return { status: current ? 'APPLIED' : 'PENDING', status_description: null };
}

export function serviceInstanceView(state: ServiceInstanceState): ServiceInstanceResource | null {
  if (state.kind !== 'live') return null;
  const { status, description } = statusOf(state);
  return {
    id: state.id,
    tenant_id: state.tenantId,
    vip_id: state.source.kind === 'vip' ? state.source.vipId : null,
    pool_id: state.source.kind === 'vip' ? state.source.poolId : null,
    loadbalancer_id: state.source.kind === 'loadbalancer' ? state.source.loadBalancerId : null,
    status,
    status_description: description,
    degraded: !state.deleting && state.placements.length === 1,
    vm_list: state.placements.map((p) => ({
      uuid: p.vmId,
      vr_name: p.nodeId,
      ha: `${p.role}: ${p.priority}`,
      ...placementStatus(state, p.vmId),
    })),
    create_ts: state.createTs,
    st_name: SERVICE_TEMPLATE,
    virtual_router_id: state.virtualRouterId,
    failover_history: state.history.map((h) => ({ at: h.at, event: h.event, from_node: h.fromNode, to_node: h.toNode, reason: h.reason })),
    config: state.rendered.map((r) => ({ uuid: r.vmId, haproxy_sha256: r.haproxyHash, keepalived_sha256: r.keepalivedHash })),
    config_rejection: rejectionAfterLastRendering(state),
  };
}

const AMPHORA_ROLE = { active: 'MASTER', standby: 'BACKUP' } as const;

/**
 * A load balancer's placements as Octavia shows amphorae: the placement's namespace is the
 * amphora (its id the vm uuid), its node the compute id, its fabric address the management and
 * VRRP address, the VIP the HA address.
 */
export function amphoraViews(state: ServiceInstanceState): AmphoraResource[] {
  if (state.kind !== 'live' || state.source.kind !== 'loadbalancer') return [];
  const { loadBalancerId, vipAddress } = state.source;
  const createdAt = new Date(Math.floor(state.createTs / 1000)).toISOString();
  return state.placements.map((p) => {
    const { status } = placementStatus(state, p.vmId);
    return {
      id: p.vmId,
      loadbalancer_id: loadBalancerId,
      compute_id: p.nodeId,
      lb_network_ip: p.vrrpAddress,
      vrrp_ip: p.vrrpAddress,
      ha_ip: vipAddress,
      vrrp_port_id: null,
      ha_port_id: null,
      role: AMPHORA_ROLE[p.role],
      status: state.deleting ? 'PENDING_DELETE' : status === 'APPLIED' ? 'ALLOCATED' : status === 'FAILED' ? 'ERROR' : 'PENDING_CREATE',
      vrrp_interface: PLACEMENT_INTERFACE_NAME,
      vrrp_id: state.virtualRouterId,
      vrrp_priority: p.priority,
      cached_zone: null,
      image_id: null,
      compute_flavor: null,
      cert_expiration: null,
      cert_busy: false,
      created_at: createdAt,
      updated_at: null,
    };
  });
}

/** An instance shows as its row and, for a load balancer, one amphora per placement. */
export function serviceInstanceViews(state: ServiceInstanceState): ResourceRows {
  const row = serviceInstanceView(state);
  if (!row) return {};
  const amphorae = amphoraViews(state);
  return amphorae.length > 0 ? { service_instances: [row], amphorae } : { service_instances: [row] };
}
