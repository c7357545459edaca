import { singleRowViews } from '../decider';
import type { FloatingIpResource } from '../resources';
import type { FloatingIpState } from './state';

export function floatingIpView(state: FloatingIpState): FloatingIpResource | null {
  if (state.kind !== 'live') return null;
  return {
    id: state.id,
    tenant_id: state.tenantId,
    floating_network_id: state.floatingNetworkId,
    floating_ip_address: state.floatingIpAddress,
    port_id: state.portId,
    fixed_ip_address: state.fixedIpAddress,
    router_id: null,
    status: state.portId === null ? 'DOWN' : 'ACTIVE',
  };
}

export const floatingIpViews = singleRowViews('floatingips', floatingIpView);
