import type { Decider } from '../decider';
import type { HealthMonitorCommand } from './commands';
import { decideHealthMonitor } from './decide';
import type { HealthMonitorEvent } from './events';
import { evolveHealthMonitor } from './evolve';
import { type HealthMonitorState, initialHealthMonitorState } from './state';
import { healthMonitorViews } from './views';

export const healthMonitorDecider: Decider<HealthMonitorCommand, HealthMonitorState, HealthMonitorEvent, 'healthmonitor'> = {
  aggregate: 'healthmonitor',
  initialState: initialHealthMonitorState,
  decide: decideHealthMonitor,
  evolve: evolveHealthMonitor,
  views: healthMonitorViews,
};
