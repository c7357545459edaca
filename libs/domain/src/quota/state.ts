import { ABSENT, type Lifecycle } from '../lifecycle';
import type { QuotaOverrides, QuotaResource, Reservation } from './model';

/** A project's limits and the ids of the objects it holds; live from its first event on, never deleted. */
export type QuotaState = Lifecycle<{
  readonly projectId: string;
  readonly limits: QuotaOverrides;
  readonly held: { readonly [R in QuotaResource]: readonly string[] };
  /** Each held claim's load balancer and time, by `reservationKey`: what the reclaimer checks. */
  readonly reservations: Readonly<Record<string, Reservation>>;
}>;
export type LiveQuota = Extract<QuotaState, { kind: 'live' }>;

export const initialQuotaState: QuotaState = ABSENT;
