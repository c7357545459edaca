import { QuotaExceeded } from '../errors';
import { checkInteger } from '../loadbalancer/checks';
import type { QuotaCommand, ReserveQuota, RestoreQuota, SetQuota } from './commands';
import type { QuotaEvent } from './events';
import {
  MAX_QUOTA,
  QUOTA_RESOURCE_TITLES,
  QUOTA_RESOURCES,
  type QuotaClaim,
  type QuotaOverrides,
  type QuotaResource,
  reservationKey,
} from './model';
import type { QuotaState } from './state';

const heldIds = (state: QuotaState, resource: QuotaResource): readonly string[] => (state.kind === 'live' ? state.held[resource] : []);
const overrides = (state: QuotaState): QuotaOverrides => (state.kind === 'live' ? state.limits : {});

function setQuota({ data }: SetQuota, state: QuotaState): QuotaEvent[] {
  const before = overrides(state);
  const limits: Partial<Record<QuotaResource, number>> = { ...before };
  for (const resource of QUOTA_RESOURCES) {
    const value = data.limits[resource];
    if (value === undefined) continue;
    if (value === null) {
      delete limits[resource];
      continue;
    }
    checkInteger(resource, value, -1, MAX_QUOTA);
    limits[resource] = value;
  }
  const same = state.kind === 'live' && QUOTA_RESOURCES.every((r) => before[r] === limits[r]);
  return same ? [] : [{ type: 'QuotaSet', version: 1, data: { projectId: data.projectId, limits } }];
}

/** The claims not yet held, each once. */
function unheld(state: QuotaState, claims: readonly QuotaClaim[]): QuotaClaim[] {
  const fresh: QuotaClaim[] = [];
  const seen = new Set<string>();
  for (const claim of claims) {
    const key = reservationKey(claim);
    if (seen.has(key) || heldIds(state, claim.resource).includes(claim.objectId)) continue;
    seen.add(key);
    fresh.push({ resource: claim.resource, objectId: claim.objectId });
  }
  return fresh;
}

const reservedEvent = ({ projectId, loadBalancerId, at }: RestoreQuota['data'], claims: readonly QuotaClaim[]): QuotaEvent => ({
  type: 'QuotaReserved',
  version: 2,
  data: { projectId, at, claims: claims.map((c) => ({ ...c, loadBalancerId })) },
});

/** Every claim not yet held, refused as a whole when any resource would pass its limit. */
function reserveQuota({ data }: ReserveQuota, state: QuotaState): QuotaEvent[] {
  const own = overrides(state);
  const fresh = unheld(state, data.claims);
  if (fresh.length === 0) return [];
  const met = QUOTA_RESOURCES.filter((resource) => {
    const limit = own[resource] ?? data.defaults[resource];
    const wanted = fresh.filter((c) => c.resource === resource).length;
    return wanted > 0 && limit !== -1 && heldIds(state, resource).length + wanted > limit;
  });
  if (met.length > 0) throw new QuotaExceeded(met.map((r) => QUOTA_RESOURCE_TITLES[r]));
  return [reservedEvent(data, fresh)];
}

/**
 * A project's quota decided on its own stream: a reservation is refused as soon as it would pass
 * a limit, so concurrent creates that all read the last free unit append one at a time (the
 * others decide again and are refused). Reservations and releases are idempotent by object id.
 */
export function decideQuota(command: QuotaCommand, state: QuotaState): QuotaEvent[] {
  switch (command.type) {
    case 'SetQuota':
      return setQuota(command, state);
    case 'ResetQuota':
      return Object.keys(overrides(state)).length === 0
        ? []
        : [{ type: 'QuotaReset', version: 1, data: { projectId: command.data.projectId } }];
    case 'ReserveQuota':
      return reserveQuota(command, state);
    case 'RestoreQuota': {
      const fresh = unheld(state, command.data.claims);
      return fresh.length === 0 ? [] : [reservedEvent(command.data, fresh)];
    }
    case 'ReleaseQuota': {
      const held = command.data.claims.filter((c) => heldIds(state, c.resource).includes(c.objectId));
      const claims = held
        .filter((c, i) => held.findIndex((o) => o.resource === c.resource && o.objectId === c.objectId) === i)
        .map(({ resource, objectId }) => ({ resource, objectId }));
      return claims.length === 0 ? [] : [{ type: 'QuotaReleased', version: 1, data: { projectId: command.data.projectId, claims } }];
    }
    default: {
      const unhandled: never = command;
      throw new Error(`unknown command ${JSON.stringify(unhandled)}`);
    }
  }
}
