import type { Decider } from '../decider';
import type { QuotaCommand } from './commands';
import { decideQuota } from './decide';
import type { QuotaEvent } from './events';
import { evolveQuota } from './evolve';
import { initialQuotaState, type QuotaState } from './state';
import { quotaViews } from './views';

export const quotaDecider: Decider<QuotaCommand, QuotaState, QuotaEvent, 'quota'> = {
  aggregate: 'quota',
  initialState: initialQuotaState,
  decide: decideQuota,
  evolve: evolveQuota,
  views: quotaViews,
};
