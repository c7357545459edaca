import type { Decider } from '../decider';
import type { NetworkCommand } from './commands';
import { decideNetwork } from './decide';
import type { NetworkEvent } from './events';
import { evolveNetwork } from './evolve';
import { initialNetworkState, type NetworkState } from './state';
import { networkViews } from './views';

export const networkDecider: Decider<NetworkCommand, NetworkState, NetworkEvent, 'network'> = {
  aggregate: 'network',
  initialState: initialNetworkState,
  decide: decideNetwork,
  evolve: evolveNetwork,
  views: networkViews,
};
