import { singleRowViews } from '../decider';
import type { HealthMonitorResource } from '../resources';
import type { HealthMonitorState } from './state';

export function healthMonitorView(state: HealthMonitorState): HealthMonitorResource | null {
  if (state.kind !== 'live') return null;
  return {
    id: state.id,
    tenant_id: state.tenantId,
    type: state.type,
    delay: state.delay,
    timeout: state.timeout,
    max_retries: state.maxRetries,
    http_method: state.httpMethod,
    url_path: state.urlPath,
    expected_codes: state.expectedCodes,
    admin_state_up: state.adminStateUp,
    // No data plane reports on monitors yet: an association is pending until one does.
    pools: state.poolIds.map((pool_id) => ({ pool_id, status: 'PENDING_CREATE', status_description: null })),
    status: 'ACTIVE',
    status_description: null,
  };
}

export const healthMonitorViews = singleRowViews('health_monitors', healthMonitorView);
