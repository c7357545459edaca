import type { Decider } from '../decider';
import type { ServiceInstanceCommand } from './commands';
import { decideServiceInstance } from './decide';
import type { ServiceInstanceEvent } from './events';
import { evolveServiceInstance } from './evolve';
import { initialServiceInstanceState, type ServiceInstanceState } from './state';
import { serviceInstanceViews } from './views';

export const serviceInstanceDecider: Decider<ServiceInstanceCommand, ServiceInstanceState, ServiceInstanceEvent, 'serviceinstance'> = {
  aggregate: 'serviceinstance',
  initialState: initialServiceInstanceState,
  decide: decideServiceInstance,
  evolve: evolveServiceInstance,
  views: serviceInstanceViews,
};
