import type { Decider } from '../decider';
import type { PortCommand } from './commands';
import { decidePort } from './decide';
import type { PortEvent } from './events';
import { evolvePort } from './evolve';
import { initialPortState, type PortState } from './state';
import { portViews } from './views';

export const portDecider: Decider<PortCommand, PortState, PortEvent, 'port'> = {
  aggregate: 'port',
  initialState: initialPortState,
  decide: decidePort,
  evolve: evolvePort,
  views: portViews,
};
