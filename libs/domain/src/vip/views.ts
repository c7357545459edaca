import { singleRowViews } from '../decider';
import type { VipResource } from '../resources';
import type { VipState } from './state';

export function vipView(state: VipState): VipResource | null {
  if (state.kind !== 'live') return null;
  const sp = state.sessionPersistence;
  return {
    id: state.id,
    tenant_id: state.tenantId,
    name: state.name,
    description: state.description,
    subnet_id: state.subnetId,
    address: state.address,
    port_id: state.portId,
    protocol_port: state.protocolPort,
    protocol: state.protocol,
    pool_id: state.poolId,
    session_persistence: sp === null ? null : { ...sp },
    connection_limit: state.connectionLimit,
    tls_certificate_id: state.tlsCertificateId,
    admin_state_up: state.adminStateUp,
    status: state.status,
    status_description: state.statusDescription,
  };
}

export const vipViews = singleRowViews('vips', vipView);
