import type { Decider } from '../decider';
import type { SubnetCommand } from './commands';
import { decideSubnet } from './decide';
import type { SubnetEvent } from './events';
import { evolveSubnet } from './evolve';
import { initialSubnetState, type SubnetState } from './state';
import { subnetViews } from './views';

export const subnetDecider: Decider<SubnetCommand, SubnetState, SubnetEvent, 'subnet'> = {
  aggregate: 'subnet',
  initialState: initialSubnetState,
  decide: decideSubnet,
  evolve: evolveSubnet,
  views: subnetViews,
};
