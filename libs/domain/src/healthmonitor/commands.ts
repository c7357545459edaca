import type { MonitorType } from '../resources';
import type { MonitorSettings } from './events';

/** Omitted settings take Neutron's defaults: GET, `/`, `200`, admin state up. */
export interface CreateHealthMonitor {
  readonly type: 'CreateHealthMonitor';
  readonly data: Partial<MonitorSettings> &
    Pick<MonitorSettings, 'delay' | 'timeout' | 'maxRetries'> & {
      monitorId: string;
      tenantId: string;
      type: MonitorType;
    };
}
export interface UpdateHealthMonitor {
  readonly type: 'UpdateHealthMonitor';
  readonly data: Partial<MonitorSettings> & { monitorId: string };
}
/** The monitor's side of an association, reserved before the pool's: a monitor in use cannot be deleted. */
export interface AssociatePool {
  readonly type: 'AssociatePool';
  readonly data: { monitorId: string; poolId: string };
}
export interface DisassociatePool {
  readonly type: 'DisassociatePool';
  readonly data: { monitorId: string; poolId: string };
}
export interface DeleteHealthMonitor {
  readonly type: 'DeleteHealthMonitor';
  readonly data: { monitorId: string };
}

export type HealthMonitorCommand = CreateHealthMonitor | UpdateHealthMonitor | AssociatePool | DisassociatePool | DeleteHealthMonitor;
