import { ABSENT, type Lifecycle } from '../lifecycle';
import type { HealthMonitorCreated } from './events';

export type HealthMonitorState = Lifecycle<
  Omit<HealthMonitorCreated['data'], 'monitorId'> & {
    id: string;
    /** The pools the monitor is associated with, as recorded in the monitor's own stream. */
    poolIds: string[];
  }
>;

export const initialHealthMonitorState: HealthMonitorState = ABSENT;
