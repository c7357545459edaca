import type { Decider } from '../decider';
import type { PoolCommand } from './commands';
import { decidePool } from './decide';
import type { PoolEvent } from './events';
import { evolvePool } from './evolve';
import { initialPoolState, type PoolState } from './state';
import { poolViews } from './views';

export const poolDecider: Decider<PoolCommand, PoolState, PoolEvent, 'pool'> = {
  aggregate: 'pool',
  initialState: initialPoolState,
  decide: decidePool,
  evolve: evolvePool,
  views: poolViews,
};
