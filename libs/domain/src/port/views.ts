import { singleRowViews } from '../decider';
import type { PortResource } from '../resources';
import type { PortState } from './state';

export function portView(state: PortState): PortResource | null {
  if (state.kind !== 'live') return null;
  return {
    id: state.id,
    tenant_id: state.tenantId,
    network_id: state.networkId,
    name: state.name,
    admin_state_up: true,
    status: 'ACTIVE',
    mac_address: state.macAddress,
    fixed_ips: [{ subnet_id: state.subnetId, ip_address: state.ipAddress }],
    device_id: state.deviceId,
    device_owner: state.deviceOwner,
  };
}

export const portViews = singleRowViews('ports', portView);
