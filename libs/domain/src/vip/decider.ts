import type { Decider } from '../decider';
import type { VipCommand } from './commands';
import { decideVip } from './decide';
import type { VipEvent } from './events';
import { evolveVip } from './evolve';
import { initialVipState, type VipState } from './state';
import { vipViews } from './views';

export const vipDecider: Decider<VipCommand, VipState, VipEvent, 'vip'> = {
  aggregate: 'vip',
  initialState: initialVipState,
  decide: decideVip,
  evolve: evolveVip,
  views: vipViews,
};
