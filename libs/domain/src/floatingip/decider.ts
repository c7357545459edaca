import type { Decider } from '../decider';
import type { FloatingIpCommand } from './commands';
import { decideFloatingIp } from './decide';
import type { FloatingIpEvent } from './events';
import { evolveFloatingIp } from './evolve';
import { type FloatingIpState, initialFloatingIpState } from './state';
import { floatingIpViews } from './views';

export const floatingIpDecider: Decider<FloatingIpCommand, FloatingIpState, FloatingIpEvent, 'floatingip'> = {
  aggregate: 'floatingip',
  initialState: initialFloatingIpState,
  decide: decideFloatingIp,
  evolve: evolveFloatingIp,
  views: floatingIpViews,
};
