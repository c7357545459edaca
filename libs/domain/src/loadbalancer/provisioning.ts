import type { ProvisioningStatus } from './model';
import type { LiveLoadBalancer, Provisioned } from './state';

/*
 * Provisioning as events.ts describes it: a change raises the load balancer's revision and leaves
 * the changed object and the load balancer pending at that revision until the data plane reports
 * it served; a failure puts the load balancer and whatever was pending in ERROR.
 */

/** A new object: pending creation at the revision that created it. */
export const created = (revision: number, at: string): Provisioned => ({
  provisioningStatus: 'PENDING_CREATE',
  pendingRevision: revision,
  createdAt: at,
  updatedAt: null,
});

/** A changed object stays PENDING_CREATE until it is first served; anything else was served once and is PENDING_UPDATE. */
const pendingStatus = (status: ProvisioningStatus): ProvisioningStatus =>
  status === 'PENDING_CREATE' ? 'PENDING_CREATE' : 'PENDING_UPDATE';

export const changed = <T extends Provisioned>(object: T, revision: number, at: string): T => ({
  ...object,
  provisioningStatus: pendingStatus(object.provisioningStatus),
  pendingRevision: revision,
  updatedAt: at,
});

/**
 * Whether the data plane serving `revision` ends the object's PENDING or ERROR: a pending change
 * up to that revision is served; an object in ERROR with nothing pending (the load balancer after a
 * node's failure) is well again once the data plane serves the latest revision.
 */
export const settledBy = (object: Provisioned, revision: number, latest: number): boolean =>
  object.pendingRevision !== null ? object.pendingRevision <= revision : object.provisioningStatus === 'ERROR' && latest <= revision;

export const settled = <T extends Provisioned>(object: T, at: string): T => ({
  ...object,
  provisioningStatus: 'ACTIVE',
  pendingRevision: null,
  updatedAt: at,
});

/** What a failure of the data plane puts in ERROR besides the load balancer: every pending object. */
export const failedWith = (object: Provisioned): boolean => object.pendingRevision !== null;

export const errored = <T extends Provisioned>(object: T, at: string): T =>
  object.provisioningStatus === 'ERROR' ? object : { ...object, provisioningStatus: 'ERROR', updatedAt: at };

/** Every provisioned object of a load balancer, itself first: for the data-plane commands' "does anything change". */
export const provisionedObjects = (lb: LiveLoadBalancer): Provisioned[] => [
  lb,
  ...lb.listeners.flatMap((l): Provisioned[] => [l, ...l.l7policies.flatMap((p): Provisioned[] => [p, ...p.rules])]),
  ...lb.pools.flatMap((p): Provisioned[] => [p, ...p.members, ...(p.monitor ? [p.monitor] : [])]),
];
