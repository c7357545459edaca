import type { CatalogUse } from '../catalog/model';
import type { CatalogState } from '../catalog/state';
import type { LoadBalancerState } from '../loadbalancer/state';
import { claimsOf } from './claims-of';
import { QUOTA_RESOURCES, type QuotaClaim, reservationKey } from './model';
import type { QuotaState } from './state';

/**
 * What a crash left behind, decided from the log alone. A create reserves quota (and records its
 * flavor's use) before it appends on the load balancer's stream; a crash between the two, or a
 * compensation that failed, leaves a unit held that no object fills. Once a reservation is older
 * than the grace, its load balancer's folded state says whether the object exists: if not, the
 * claim is released. A claim whose load balancer is unknown (null, from before claims named one)
 * is never released here.
 */

/** When a reservation made at `at` (ISO) may be checked, in epoch ms; NaN for a time that does not parse, which is never due. */
export const dueAt = (at: string, graceMs: number): number => Date.parse(at) + graceMs;

const isDue = (at: string, nowMs: number, graceMs: number): boolean => dueAt(at, graceMs) <= nowMs;

/** The held claims of a quota, each with its load balancer and time. */
function heldClaims(quota: QuotaState): { claim: QuotaClaim; loadBalancerId: string | null; at: string | null }[] {
  if (quota.kind !== 'live') return [];
  return QUOTA_RESOURCES.flatMap((resource) =>
    quota.held[resource].map((objectId) => {
      const claim = { resource, objectId };
      const reservation = quota.reservations[reservationKey(claim)];
      return { claim, loadBalancerId: reservation?.loadBalancerId ?? null, at: reservation?.at ?? null };
    }),
  );
}

/**
 * The claims to release: held, of a load balancer named in `loadBalancers` (the folded states
 * read to check them), reserved at least `graceMs` before `nowMs`, and not held by that state
 * (`claimsOf`). A load balancer absent or deleted holds nothing, so all its due claims go.
 */
export function reclaimableClaims(
  quota: QuotaState,
  loadBalancers: ReadonlyMap<string, LoadBalancerState>,
  nowMs: number,
  graceMs: number,
): QuotaClaim[] {
  const kept = new Map<string, Set<string>>();
  const keptBy = (loadBalancerId: string, state: LoadBalancerState): Set<string> => {
    let keys = kept.get(loadBalancerId);
    if (keys === undefined) {
      keys = new Set(claimsOf(state).map(reservationKey));
      kept.set(loadBalancerId, keys);
    }
    return keys;
  };
  return heldClaims(quota).flatMap(({ claim, loadBalancerId, at }) => {
    if (loadBalancerId === null || at === null || !isDue(at, nowMs, graceMs)) return [];
    const state = loadBalancers.get(loadBalancerId);
    if (state === undefined || keptBy(loadBalancerId, state).has(reservationKey(claim))) return [];
    return [claim];
  });
}

/** The load balancers whose claims in this quota are due by `nowMs`: the streams to read for `reclaimableClaims`. */
export function dueLoadBalancers(quota: QuotaState, nowMs: number, graceMs: number): string[] {
  const ids = new Set<string>();
  for (const { loadBalancerId, at } of heldClaims(quota))
    if (loadBalancerId !== null && at !== null && isDue(at, nowMs, graceMs)) ids.add(loadBalancerId);
  return [...ids].sort();
}

/** When the next claim of `loadBalancerId` not yet due becomes due (epoch ms), or null when none waits. */
export function nextClaimDue(quota: QuotaState, loadBalancerId: string, nowMs: number, graceMs: number): number | null {
  let next: number | null = null;
  for (const held of heldClaims(quota)) {
    if (held.loadBalancerId !== loadBalancerId || held.at === null) continue;
    const due = dueAt(held.at, graceMs);
    if (due > nowMs && (next === null || due < next)) next = due;
  }
  return next;
}

/** Of `released` claims, those the load balancer holds now: its create won the race with the release, so they count again. */
export function claimsToRestore(released: readonly QuotaClaim[], state: LoadBalancerState): QuotaClaim[] {
  const held = new Set(claimsOf(state).map(reservationKey));
  return released.filter((c) => held.has(reservationKey(c)));
}

/**
 * The catalog uses to end: of a load balancer named in `loadBalancers`, recorded at least
 * `graceMs` before `nowMs`, whose load balancer is not live (never created, or deleted and its
 * use not ended).
 */
export function reclaimableUses(
  catalog: CatalogState,
  loadBalancers: ReadonlyMap<string, LoadBalancerState>,
  nowMs: number,
  graceMs: number,
): CatalogUse[] {
  return catalog.uses.filter((use) => {
    const state = loadBalancers.get(use.loadBalancerId);
    return state !== undefined && state.kind !== 'live' && isDue(use.at, nowMs, graceMs);
  });
}
