import type { QuotaEvent } from './events';
import { QUOTA_RESOURCES, type QuotaClaim, type Reservation, reservationKey } from './model';
import type { LiveQuota, QuotaState } from './state';

const empty = (projectId: string): LiveQuota => ({
  kind: 'live',
  projectId,
  limits: {},
  held: { loadbalancer: [], listener: [], pool: [], member: [], healthmonitor: [], l7policy: [], l7rule: [] },
  reservations: {},
});

function withClaims(quota: LiveQuota, claims: readonly QuotaClaim[], keep: (held: Set<string>, id: string) => void): LiveQuota {
  const held = { ...quota.held };
  for (const resource of QUOTA_RESOURCES) {
    const ids = claims.filter((c) => c.resource === resource).map((c) => c.objectId);
    if (ids.length === 0) continue;
    const set = new Set(held[resource]);
    for (const id of ids) keep(set, id);
    held[resource] = [...set];
  }
  return { ...quota, held };
}

/** Never throws; reserving a held id or releasing an unknown one leaves the count as it is. */
export function evolveQuota(state: QuotaState, event: QuotaEvent): QuotaState {
  const quota = state.kind === 'live' ? state : empty(event.data.projectId);
  switch (event.type) {
    case 'QuotaSet':
      return { ...quota, limits: event.data.limits };
    case 'QuotaReset':
      return { ...quota, limits: {} };
    case 'QuotaReserved': {
      // A state stored before reservations were kept (the projections' aggregate_states) has none: spreading undefined is {}.
      const reservations: Record<string, Reservation> = { ...quota.reservations };
      for (const c of event.data.claims)
        if (!quota.held[c.resource].includes(c.objectId))
          reservations[reservationKey(c)] = { loadBalancerId: c.loadBalancerId, at: event.data.at };
      return { ...withClaims(quota, event.data.claims, (held, id) => held.add(id)), reservations };
    }
    case 'QuotaReleased': {
      const reservations: Record<string, Reservation> = { ...quota.reservations };
      for (const c of event.data.claims) delete reservations[reservationKey(c)];
      return { ...withClaims(quota, event.data.claims, (held, id) => held.delete(id)), reservations };
    }
    default:
      return state;
  }
}
