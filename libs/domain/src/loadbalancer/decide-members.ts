import { Conflict } from '../errors';
import { distinctTags, idExists, memberOf, poolOf, validationFailure } from './checks';
import type { LbMemberChanges, ReplaceLbMembers } from './commands';
import { memberConfig, sameConfig, withChanges } from './configs';
import type { LbMemberCreated, LbMemberDeleted, LbMemberUpdated, LoadBalancerEvent } from './events';
import type { LbMemberConfig } from './model';
import { checkMember } from './object-checks';
import type { LbMemberState, LiveLoadBalancer } from './state';

/** A member is one (address, protocol_port) in its pool. */
const endpoint = (m: Pick<LbMemberConfig, 'address' | 'protocolPort'>): string => `${m.address}:${m.protocolPort}`;

const memberIdTaken = (lb: LiveLoadBalancer, id: string): boolean => lb.pools.some((p) => p.members.some((m) => m.id === id));

const normalized = (given: LbMemberConfig): LbMemberConfig => ({ ...memberConfig(given), tags: distinctTags(given.tags) });

export function memberCreated(lb: LiveLoadBalancer, poolId: string, given: LbMemberConfig, at: string): LbMemberCreated {
  const pool = poolOf(lb, poolId);
  const member = normalized(given);
  if (memberIdTaken(lb, member.id)) throw idExists();
  checkMember(member);
  if (pool.members.some((m) => endpoint(m) === endpoint(member))) {
    throw new Conflict(
      'DuplicateMemberEntry',
      `Another member on this pool is already using ip ${member.address} on protocol_port ${member.protocolPort}`,
    );
  }
  return { type: 'LbMemberCreated', version: 1, data: { loadBalancerId: lb.id, poolId, member, at } };
}

/** The member as `changes` leave it: address, port and subnet are what make it this member and stay. */
const changedMember = (current: LbMemberState, changes: LbMemberChanges | LbMemberConfig): LbMemberConfig => {
  const before = memberConfig(current);
  const merged = withChanges<LbMemberConfig>(before, changes);
  return normalized({ ...merged, id: before.id, address: before.address, protocolPort: before.protocolPort, subnetId: before.subnetId });
};

const updatedEvents = (
  lb: LiveLoadBalancer,
  poolId: string,
  current: LbMemberState,
  member: LbMemberConfig,
  at: string,
): LbMemberUpdated[] =>
  sameConfig(member, memberConfig(current)) && current.provisioningStatus !== 'ERROR'
    ? []
    : [{ type: 'LbMemberUpdated', version: 1, data: { loadBalancerId: lb.id, poolId, member, at } }];

export function memberUpdated(
  lb: LiveLoadBalancer,
  poolId: string,
  memberId: string,
  changes: LbMemberChanges,
  at: string,
): LbMemberUpdated[] {
  const current = memberOf(poolOf(lb, poolId), memberId);
  const member = changedMember(current, changes);
  checkMember(member);
  return updatedEvents(lb, poolId, current, member, at);
}

export function memberDeleted(lb: LiveLoadBalancer, poolId: string, memberId: string, at: string): LbMemberDeleted {
  memberOf(poolOf(lb, poolId), memberId);
  return { type: 'LbMemberDeleted', version: 1, data: { loadBalancerId: lb.id, poolId, memberId, at } };
}

function checkBatch(members: readonly LbMemberConfig[]): void {
  const endpoints = new Set<string>();
  const ids = new Set<string>();
  for (const m of members) {
    checkMember(m);
    if (endpoints.has(endpoint(m))) {
      throw validationFailure(`Duplicate member in the request: address ${m.address} on protocol_port ${m.protocolPort} is listed twice.`);
    }
    if (ids.has(m.id)) throw validationFailure(`Duplicate member in the request: id ${m.id} is listed twice.`);
    endpoints.add(endpoint(m));
    ids.add(m.id);
  }
}

/**
 * Octavia's batch update: a listed member that is in the pool (same address and port) takes the
 * listed settings under its own id; one that is not is created with the id the api chose; a
 * member that is not listed goes, unless `additiveOnly`. Nothing to change, nothing appended.
 */
export function membersReplaced({ data }: ReplaceLbMembers, lb: LiveLoadBalancer): LoadBalancerEvent[] {
  const pool = poolOf(lb, data.poolId);
  const members = data.members.map(normalized);
  checkBatch(members);
  const existing = new Map(pool.members.map((m) => [endpoint(m), m]));
  const listed = new Set(members.map(endpoint));
  const created: LbMemberCreated[] = [];
  const updated: LbMemberUpdated[] = [];
  for (const member of members) {
    const current = existing.get(endpoint(member));
    if (current) {
      updated.push(...updatedEvents(lb, pool.id, current, changedMember(current, member), data.at));
      continue;
    }
    if (memberIdTaken(lb, member.id)) throw idExists();
    created.push({ type: 'LbMemberCreated', version: 1, data: { loadBalancerId: lb.id, poolId: pool.id, member, at: data.at } });
  }
  const deleted = data.additiveOnly
    ? []
    : pool.members
        .filter((m) => !listed.has(endpoint(m)))
        .map((m): LbMemberDeleted => ({
          type: 'LbMemberDeleted',
          version: 1,
          data: { loadBalancerId: lb.id, poolId: pool.id, memberId: m.id, at: data.at },
        }));
  return [...created, ...updated, ...deleted];
}
