import { singleRowViews } from '../decider';
import type { LbStatus, ServiceInstanceResource } from '../resources';
import type { ServiceInstanceState } from './state';

/** The seed system's service template: every instance is an HAProxy pair made from it. */
export const SERVICE_TEMPLATE = 'default-domain:haproxy-loadbalancer-template';

type Live = Extract<ServiceInstanceState, { kind: 'live' }>;

function statusOf(si: Live): { status: LbStatus; description: string | null } {
  if (si.deleting) return { status: 'PENDING_DELETE', description: `waiting for ${si.placements.length} placement(s) to be removed` };
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
    vip_id: state.vipId,
    pool_id: state.poolId,
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

export const serviceInstanceViews = singleRowViews('service_instances', serviceInstanceView);
