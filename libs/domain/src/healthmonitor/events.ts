import type { DomainEvent } from '../envelope';
import type { MonitorType } from '../resources';

export interface MonitorSettings {
  delay: number;
  timeout: number;
  maxRetries: number;
  httpMethod: string;
  urlPath: string;
  expectedCodes: string;
  adminStateUp: boolean;
}
export type HealthMonitorCreated = DomainEvent<
  'HealthMonitorCreated',
  1,
  MonitorSettings & { monitorId: string; tenantId: string; type: MonitorType }
>;
export type HealthMonitorUpdated = DomainEvent<'HealthMonitorUpdated', 1, MonitorSettings & { monitorId: string }>;
/** The monitor's side of an association, appended before the pool's: a monitor in use cannot be deleted. */
export type HealthMonitorAssociated = DomainEvent<'HealthMonitorAssociated', 1, { monitorId: string; poolId: string }>;
export type HealthMonitorDisassociated = DomainEvent<'HealthMonitorDisassociated', 1, { monitorId: string; poolId: string }>;
export type HealthMonitorDeleted = DomainEvent<'HealthMonitorDeleted', 1, { monitorId: string }>;

export type HealthMonitorEvent =
  HealthMonitorCreated | HealthMonitorUpdated | HealthMonitorAssociated | HealthMonitorDisassociated | HealthMonitorDeleted;
