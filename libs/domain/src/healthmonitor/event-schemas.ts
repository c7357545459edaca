import { Type } from '@sinclair/typebox';
import { payloadObject, payloadSchemas } from '../payload-schema';
import { MonitorTypeSchema } from '../resource-schemas';
import type { HealthMonitorEvent } from './events';

const settings = {
  delay: Type.Integer({ description: 'Seconds between checks.' }),
  timeout: Type.Integer({ description: 'Seconds a check may take.' }),
  maxRetries: Type.Integer(),
  httpMethod: Type.String(),
  urlPath: Type.String(),
  expectedCodes: Type.String(),
  adminStateUp: Type.Boolean(),
};

export const HEALTH_MONITOR_EVENT_SCHEMAS = payloadSchemas<HealthMonitorEvent>()({
  HealthMonitorCreated: payloadObject({ monitorId: Type.String(), ...settings, tenantId: Type.String(), type: MonitorTypeSchema }),
  HealthMonitorUpdated: payloadObject({ monitorId: Type.String(), ...settings }),
  HealthMonitorAssociated: payloadObject({ monitorId: Type.String(), poolId: Type.String() }),
  HealthMonitorDisassociated: payloadObject({ monitorId: Type.String(), poolId: Type.String() }),
  HealthMonitorDeleted: payloadObject({ monitorId: Type.String() }),
});
