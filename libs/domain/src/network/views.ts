import { singleRowViews } from '../decider';
import type { NetworkResource } from '../resources';
import type { NetworkState } from './state';

export function networkView(state: NetworkState): NetworkResource | null {
  if (state.kind !== 'live') return null;
  return {
    id: state.id,
    tenant_id: state.tenantId,
    name: state.name,
    admin_state_up: state.adminStateUp,
    status: 'ACTIVE',
    subnets: state.subnets.map((s) => s.subnetId),
    shared: state.shared,
    'router:external': state.external,
  };
}

export const networkViews = singleRowViews('networks', networkView);
